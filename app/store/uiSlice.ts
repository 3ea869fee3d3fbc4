/** The ui slice of the app store. */
import type { SliceCreator } from './storeTypes';

export interface UiSlice {
  readonly uiReady: boolean;
}

export const createUiSlice: SliceCreator<UiSlice> = () => ({
  uiReady: true,
});
