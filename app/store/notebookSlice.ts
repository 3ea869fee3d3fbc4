/** The notebook slice of the app store. */
import type { SliceCreator } from './storeTypes';

export interface NotebookSlice {
  readonly notebookReady: boolean;
}

export const createNotebookSlice: SliceCreator<NotebookSlice> = () => ({
  notebookReady: true,
});
