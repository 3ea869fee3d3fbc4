/** The runtime slice of the app store. */
import type { SliceCreator } from './storeTypes';

export interface RuntimeSlice {
  readonly runtimeReady: boolean;
}

export const createRuntimeSlice: SliceCreator<RuntimeSlice> = () => ({
  runtimeReady: true,
});
