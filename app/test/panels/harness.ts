/** Test set-up shared by the panel model tests: a virtual-time runtime watched by all three models. */
import { createRuntime } from '../../../runtime/index';
import type { Runtime } from '../../../runtime/index';
import {
  applyProcessEvent,
  applyProcessSnapshot,
  createProcessTable,
  snapshotProcesses,
} from '../../panels/model/processTable';
import { applySequenceEvent, createSequenceModel } from '../../panels/model/sequenceModel';
import {
  applySupervisionEvent,
  applySupervisorSnapshots,
  createSupervisionModel,
  snapshotSupervisors,
  supervisionForest,
} from '../../panels/model/supervisionTree';
import type { ForestOptions, TreeNode } from '../../panels/model/supervisionTree';

/** A runtime whose trace events feed the models live, as the worker host will. */
export function watchedRuntime(options: { sequenceCapacity?: number } = {}) {
  const rt: Runtime = createRuntime({ clock: 'virtual' });
  const table = createProcessTable();
  const sequence = createSequenceModel(options.sequenceCapacity);
  const supervision = createSupervisionModel();
  rt.trace.subscribe((event) => {
    applyProcessEvent(table, event);
    applySequenceEvent(sequence, event);
    applySupervisionEvent(supervision, event);
  });
  /** What the host does now and then: read the runtime to correct the models. */
  const refresh = () => {
    applyProcessSnapshot(table, snapshotProcesses(rt));
    applySupervisorSnapshots(supervision, snapshotSupervisors(rt));
  };
  const forest = (forestOptions?: ForestOptions) =>
    supervisionForest(supervision, table, forestOptions);
  return { rt, table, sequence, supervision, refresh, forest };
}

/** Every node of a tree, depth first. */
export function allNodes(roots: readonly TreeNode[]): TreeNode[] {
  const out: TreeNode[] = [];
  const visit = (node: TreeNode) => {
    out.push(node);
    node.children.forEach(visit);
  };
  roots.forEach(visit);
  return out;
}
