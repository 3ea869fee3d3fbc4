/**
 * The supervision tree panel: the forest from the worker (live, or at the moment the timeline
 * shows), drawn by SupervisionTreeView.
 */
import type { AppState } from '../../store/appStore';
import { useAppStore } from '../../store/appStore';
import { selectShownTree } from '../panelsSlice';
import { SupervisionTreeView } from './SupervisionTreeView';

const selectSelected = (state: AppState) => state.panelsSelectedPid;
const selectSelect = (state: AppState) => state.selectProcess;
const selectToggle = (state: AppState) => state.toggleTreeNode;

export function TreePanel() {
  const tree = useAppStore(selectShownTree);
  const selected = useAppStore(selectSelected);
  const select = useAppStore(selectSelect);
  const toggle = useAppStore(selectToggle);
  if (tree.roots.length === 0) {
    return (
      <p className="panel-empty">
        No supervision trees or linked processes yet
        {tree.unlinked > 0
          ? ` (${tree.unlinked} process${tree.unlinked === 1 ? '' : 'es'} without links)`
          : ''}
        .
      </p>
    );
  }
  return (
    <SupervisionTreeView
      nodes={tree.roots}
      selectedPid={selected}
      onSelect={select}
      onToggle={toggle}
      unlinked={tree.unlinked}
      label="Supervision trees of the chapter's runtime"
    />
  );
}
