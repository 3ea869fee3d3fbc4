/** The live panels beside the notebook (supervision tree, processes, sequence trace, controls). */
export function PanelDock() {
  return null;
}
