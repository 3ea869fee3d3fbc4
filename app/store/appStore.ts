/**
 * The one app store, in slices (STYLE.md §5): each slice keeps its state and the actions that
 * move it side by side, in its own file. Built on zustand's vanilla store so Node tests can
 * create one without React; components read it through `useAppStore(selector)` with narrow
 * selectors declared at module scope (and `useShallow` for objects and arrays).
 */
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import { createExerciseSlice } from './exerciseSlice';
import { createNotebookSlice } from './notebookSlice';
import { createPanelsSlice } from '../panels/panelsSlice';
import { createRuntimeSlice } from './runtimeSlice';
import { createShareSlice } from '../share/shareSlice';
import type { AppState } from './storeTypes';
import { createUiSlice } from './uiSlice';

export type { AppState } from './storeTypes';

/** A fresh store; the app makes one, tests make as many as they like. */
export function createAppStore() {
  return createStore<AppState>()((...args) => ({
    ...createNotebookSlice(...args),
    ...createRuntimeSlice(...args),
    ...createUiSlice(...args),
    ...createPanelsSlice(...args),
    ...createExerciseSlice(...args),
    ...createShareSlice(...args),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;

/** The app's store. */
export const appStore: AppStore = createAppStore();

/** Reads the app store from a component; pass a selector declared at module scope. */
export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(appStore, selector);
}
