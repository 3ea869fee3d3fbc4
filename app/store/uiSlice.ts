/**
 * The ui slice: how the shell looks (theme, projector mode), whether the live panels show, and
 * which shell overlays are open. Pure state and actions, so Node tests can drive it; the page
 * mirrors it onto <html> and into localStorage (main.tsx, through `applyUiPreferences`).
 *
 * The first values come from <html>: a tiny script in index.html sets `data-theme` and
 * `data-projector` before the first paint (from localStorage, the `?projector` flag and the
 * system colour scheme), so the page never flashes the wrong theme and React starts from the
 * same values.
 */
import type { SliceCreator } from './storeTypes';

export type Theme = 'light' | 'dark';

export interface UiSlice {
  readonly uiReady: boolean;
  /** The colour theme in use. */
  readonly theme: Theme;
  /** Projector mode: large type, wide measure, strong focus rings, panels optional. */
  readonly projector: boolean;
  /** Whether the live panels show; panel components read this. Off by default in projector mode. */
  readonly panelsVisible: boolean;
  /** The compact table of contents overlay on chapter pages. */
  readonly tocOpen: boolean;
  /** The keyboard shortcuts help. */
  readonly keyboardHelpOpen: boolean;
  setTheme(theme: Theme): void;
  toggleTheme(): void;
  setProjector(on: boolean): void;
  toggleProjector(): void;
  setPanelsVisible(visible: boolean): void;
  togglePanels(): void;
  setTocOpen(open: boolean): void;
  setKeyboardHelpOpen(open: boolean): void;
}

/** The values the slice starts from, read off <html> where the inline script put them. */
export interface UiStart {
  theme: Theme;
  projector: boolean;
}

/** Storage keys shared with the inline script in index.html; keep the two in step. */
export const UI_STORAGE_KEYS = {
  theme: 'actorbook:theme',
  projector: 'actorbook:projector',
} as const;

/** Reads the start values from the document, or light and not projecting when there is none. */
export function readUiStart(root: HTMLElement | undefined = pageRoot()): UiStart {
  return {
    theme: root?.dataset.theme === 'dark' ? 'dark' : 'light',
    projector: root?.dataset.projector !== undefined,
  };
}

function pageRoot(): HTMLElement | undefined {
  return typeof document === 'undefined' ? undefined : document.documentElement;
}

export function createUiSliceWith(start: UiStart): SliceCreator<UiSlice> {
  return (set) => ({
    uiReady: true,
    theme: start.theme,
    projector: start.projector,
    panelsVisible: !start.projector,
    tocOpen: false,
    keyboardHelpOpen: false,
    setTheme: (theme) => set({ theme }),
    toggleTheme: () => set((state) => ({ theme: state.theme === 'dark' ? 'light' : 'dark' })),
    // Entering projector mode hides the panels (the text needs the room); leaving shows them.
    setProjector: (on) =>
      set((state) => (state.projector === on ? {} : { projector: on, panelsVisible: !on })),
    toggleProjector: () =>
      set((state) => ({ projector: !state.projector, panelsVisible: state.projector })),
    setPanelsVisible: (visible) => set({ panelsVisible: visible }),
    togglePanels: () => set((state) => ({ panelsVisible: !state.panelsVisible })),
    setTocOpen: (open) => set({ tocOpen: open }),
    setKeyboardHelpOpen: (open) => set({ keyboardHelpOpen: open }),
  });
}

export const createUiSlice: SliceCreator<UiSlice> = (...args) =>
  createUiSliceWith(readUiStart())(...args);

/**
 * Mirrors a ui change onto the page: attributes on <html>, and the choices that changed into
 * storage (a theme never chosen keeps following the system's colour scheme).
 */
export function applyUiPreferences(
  ui: Pick<UiSlice, 'theme' | 'projector'>,
  previous: Pick<UiSlice, 'theme' | 'projector'>,
  root: HTMLElement,
  storage: Pick<Storage, 'setItem' | 'removeItem'> | undefined,
): void {
  root.dataset.theme = ui.theme;
  if (ui.projector) root.dataset.projector = '';
  else delete root.dataset.projector;
  try {
    if (ui.theme !== previous.theme) storage?.setItem(UI_STORAGE_KEYS.theme, ui.theme);
    if (ui.projector !== previous.projector) {
      if (ui.projector) storage?.setItem(UI_STORAGE_KEYS.projector, '1');
      else storage?.removeItem(UI_STORAGE_KEYS.projector);
    }
  } catch {
    // Storage can be full or blocked (private windows); the choice then lasts for this page only.
  }
}
