import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { appStore } from './store/appStore';
import { UI_STORAGE_KEYS, applyUiPreferences } from './store/uiSlice';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element to mount the app in');

mirrorUiPreferences();

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

/**
 * Keeps <html>'s data-theme and data-projector, and the stored choices, in step with the ui
 * slice; and while the reader has not picked a theme, follows the system's colour scheme.
 */
function mirrorUiPreferences(): void {
  const storage = safeLocalStorage();
  appStore.subscribe((ui, previous) => {
    if (ui.theme !== previous.theme || ui.projector !== previous.projector) {
      applyUiPreferences(ui, previous, document.documentElement, storage);
    }
  });
  const systemDark = window.matchMedia?.('(prefers-color-scheme: dark)');
  systemDark?.addEventListener('change', (event) => {
    if (storage?.getItem(UI_STORAGE_KEYS.theme)) return;
    const theme = event.matches ? 'dark' : 'light';
    document.documentElement.dataset.theme = theme;
    appStore.setState({ theme });
  });
}

function safeLocalStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
