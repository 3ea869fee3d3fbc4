import { Link } from '../routing/Link';
import type { AppState } from '../store/appStore';
import { appStore, useAppStore } from '../store/appStore';

const selectTheme = (state: AppState) => state.theme;
const selectProjector = (state: AppState) => state.projector;
const selectPanelsVisible = (state: AppState) => state.panelsVisible;
const actions = () => appStore.getState();

/**
 * The bar at the top of every page: the product name leading home, the contents, and the
 * display switches (theme, projector mode, and in projector mode the live panels).
 */
export function SiteHeader() {
  const theme = useAppStore(selectTheme);
  const projector = useAppStore(selectProjector);
  const panelsVisible = useAppStore(selectPanelsVisible);
  return (
    <header className="site-header">
      <Link to={{ name: 'home' }} className="site-header__name">
        Actorbook
      </Link>
      <span className="site-header__tagline">
        actors, supervision and async work, in TypeScript
      </span>
      <div className="site-header__tools" role="group" aria-label="Display">
        <button
          type="button"
          className="header-button"
          aria-haspopup="dialog"
          aria-keyshortcuts="t"
          onClick={() => actions().setTocOpen(true)}
        >
          Contents
        </button>
        {projector && (
          <button
            type="button"
            className="header-button"
            aria-pressed={panelsVisible}
            onClick={() => actions().togglePanels()}
          >
            Panels
          </button>
        )}
        <button
          type="button"
          className="header-button"
          aria-pressed={projector}
          title="Large type for presenting"
          onClick={() => actions().toggleProjector()}
        >
          Projector
        </button>
        <button
          type="button"
          className="header-button"
          aria-pressed={theme === 'dark'}
          onClick={() => actions().toggleTheme()}
        >
          Dark theme
        </button>
        <button
          type="button"
          className="header-button header-button--icon"
          aria-haspopup="dialog"
          aria-keyshortcuts="?"
          aria-label="Keyboard shortcuts"
          title="Keyboard shortcuts"
          onClick={() => actions().setKeyboardHelpOpen(true)}
        >
          <span aria-hidden="true">⌨</span>
        </button>
      </div>
    </header>
  );
}
