/** The shape of the app store: the union of its slices, and the type every slice creator has. */
import type { StateCreator } from 'zustand';
import type { ExerciseSlice } from './exerciseSlice';
import type { NotebookSlice } from './notebookSlice';
import type { PanelsSlice } from '../panels/panelsSlice';
import type { RuntimeSlice } from './runtimeSlice';
import type { ShareSlice } from '../share/shareSlice';
import type { UiSlice } from './uiSlice';

export type AppState = NotebookSlice &
  RuntimeSlice &
  UiSlice &
  PanelsSlice &
  ExerciseSlice &
  ShareSlice;

/** A slice creator: sees the whole store, contributes its own part. */
export type SliceCreator<Slice> = StateCreator<AppState, [], [], Slice>;
