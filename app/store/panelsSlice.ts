/** The panels slice of the app store. */
import type { SliceCreator } from './storeTypes';

export interface PanelsSlice {
  readonly panelsReady: boolean;
}

export const createPanelsSlice: SliceCreator<PanelsSlice> = () => ({
  panelsReady: true,
});
