/**
 * The model of the supervision-tree panel: every supervision tree of the runtime, and the links
 * of processes no supervisor owns as a fallback tree.
 *
 * A supervisor publishes its children as a frozen `SupervisorState` (a fresh object after every
 * change, read with the runtime's `supervisorStates`), so `snapshotSupervisors` is cheap to repeat and `applySupervisorSnapshot` skips supervisors
 * whose state object has not changed. Trace events fill the gap between snapshots: a child's
 * exit shows at once (the node turns 'exited' with its reason), and the spawn of its replacement
 * gives the time of the restart; the next snapshot then names the new pid, and the child's slot
 * keeps its key, so the drawing sees the same node with a new pid, marked restarted.
 *
 * Slots are keyed by supervisor pid and child id. DynamicSupervisor children all have the id
 * 'undefined'; there a restarted child (new pid, higher restart count) takes over the slot of
 * the child that exited first, which is the order the supervisor restarts them in.
 *
 * Names, labels, behaviours and links come from the process table (`processTable.ts`), which the
 * host keeps anyway; `supervisionForest` joins the two into plain nodes that can be posted.
 */
import type {
  RestartType,
  Runtime,
  Strategy,
  SupervisorState,
  TraceEvent,
} from '../../../runtime/index';
import { Pid, inspect, supervisorStates } from '../../../runtime/index';
import { clip, pidText, summaryText } from './describe';
import type { ProcessTable } from './processTable';
import { IO_DEVICE } from './processTable';

/** Where a supervised child is: running, being restarted, not running, or just exited. */
export type ChildStatus = 'running' | 'restarting' | 'not_started' | 'exited';

/** One child of a supervisor, as the model keeps it across restarts. */
export interface ChildSlot {
  readonly key: string;
  readonly supervisor: number;
  /** The child id, printed. */
  readonly childId: string;
  pid: number | null;
  status: ChildStatus;
  type: 'worker' | 'supervisor';
  restart: RestartType;
  /** Times this slot got a new pid: the supervisor's count, or more under one_for_all. */
  restarts: number;
  /** New pids seen in this slot (from the supervisor's count when first seen). */
  replacements: number;
  /** Clock time of the latest restart, null if never restarted. */
  restartedAt: number | null;
  /** The pid the latest restart replaced. */
  previousPid: number | null;
  /** The slot's last live pid, kept while a restart is under way (pid null for a moment). */
  lastLivePid: number | null;
  exitedAt: number | null;
  /** Why the last pid exited, short. */
  exitReason: string | null;
}

/** What the model knows of one supervisor. */
export interface SupervisorEntry {
  readonly pid: number;
  kind: SupervisorState['kind'];
  strategy: Strategy;
  /** Restarts done by this supervisor, all children together. */
  restarts: number;
  maxRestarts: number;
  maxSeconds: number;
  /** Child slot keys, in the supervisor's order. */
  children: string[];
  /** The state object last applied (compared by identity). Worker-side only. */
  state: SupervisorState | null;
}

/** Supervisors and their child slots. */
export interface SupervisionModel {
  readonly supervisors: Map<number, SupervisorEntry>;
  readonly slots: Map<string, ChildSlot>;
  /** The slot a pid currently fills. */
  readonly slotOfPid: Map<number, string>;
  /** Spawn times of processes spawned by supervisors, until a snapshot claims them. */
  readonly spawnedAt: Map<number, number>;
  /** Supervisors that had events since their last snapshot: worth reading again soon. */
  readonly dirty: Set<number>;
  version: number;
}

/** An empty model. */
export function createSupervisionModel(): SupervisionModel {
  return {
    supervisors: new Map(),
    slots: new Map(),
    slotOfPid: new Map(),
    spawnedAt: new Map(),
    dirty: new Set(),
    version: 0,
  };
}

/** One supervisor as the runtime shows it now. */
export interface SupervisorSnapshot {
  readonly pid: number;
  readonly state: SupervisorState;
}

/** Every supervisor of the runtime and its published state (O(processes), no copying). */
export function snapshotSupervisors(rt: Runtime): {
  time: number;
  supervisors: SupervisorSnapshot[];
} {
  const supervisors: SupervisorSnapshot[] = [];
  for (const { pid, state } of supervisorStates(rt)) supervisors.push({ pid: pid.id, state });
  return { time: rt.clock.now(), supervisors };
}

function dropSupervisor(model: SupervisionModel, pid: number): void {
  const entry = model.supervisors.get(pid);
  if (!entry) return;
  for (const key of entry.children) dropSlot(model, key);
  model.supervisors.delete(pid);
  model.dirty.delete(pid);
  model.version++;
}

function dropSlot(model: SupervisionModel, key: string): void {
  const slot = model.slots.get(key);
  if (!slot) return;
  if (slot.pid !== null && model.slotOfPid.get(slot.pid) === key) model.slotOfPid.delete(slot.pid);
  model.slots.delete(key);
}

/** Updates the model for one trace event: O(1) (a supervisor's exit is O(its children)). */
export function applySupervisionEvent(model: SupervisionModel, event: TraceEvent): void {
  if (event.type === 'spawn') {
    if (event.parent && model.supervisors.has(event.parent.id)) {
      model.spawnedAt.set(event.pid.id, event.time);
      model.dirty.add(event.parent.id);
    }
    return;
  }
  if (event.type !== 'exit') return;
  const pid = event.pid.id;
  model.spawnedAt.delete(pid);
  const key = model.slotOfPid.get(pid);
  if (key !== undefined) {
    const slot = model.slots.get(key)!;
    slot.status = 'exited';
    slot.exitedAt = event.time;
    slot.exitReason = summaryText(event.reason);
    model.dirty.add(slot.supervisor);
    model.version++;
  }
  dropSupervisor(model, pid);
}

/** Applies events in order. */
export function applySupervisionEvents(model: SupervisionModel, events: Iterable<TraceEvent>) {
  for (const event of events) applySupervisionEvent(model, event);
}

function childStatus(pid: unknown): ChildStatus {
  return pid instanceof Pid ? 'running' : pid === 'restarting' ? 'restarting' : 'not_started';
}

/**
 * Brings one supervisor up to date with its published state: O(children), and nothing at all
 * when the state object is the one applied last time.
 */
export function applySupervisorSnapshot(
  model: SupervisionModel,
  snapshot: SupervisorSnapshot,
  time: number,
): void {
  let entry = model.supervisors.get(snapshot.pid);
  model.dirty.delete(snapshot.pid);
  if (entry?.state === snapshot.state) return;
  const state = snapshot.state;
  if (!entry) {
    entry = {
      pid: snapshot.pid,
      kind: state.kind,
      strategy: state.strategy,
      restarts: 0,
      maxRestarts: state.maxRestarts,
      maxSeconds: state.maxSeconds,
      children: [],
      state: null,
    };
    model.supervisors.set(snapshot.pid, entry);
  }
  entry.kind = state.kind;
  entry.strategy = state.strategy;
  entry.restarts = state.restarts;
  entry.maxRestarts = state.maxRestarts;
  entry.maxSeconds = state.maxSeconds;
  entry.state = state;

  const dynamic = state.kind === 'dynamic_supervisor';
  const old = new Set(entry.children);
  const keys: string[] = [];
  // DynamicSupervisor: slots whose pid is no longer listed, oldest exit first, for restarts.
  const vanished: ChildSlot[] = [];
  if (dynamic) {
    const listed = new Set<number>();
    for (const child of state.children) if (child.pid instanceof Pid) listed.add(child.pid.id);
    for (const key of entry.children) {
      const slot = model.slots.get(key);
      if (slot && (slot.pid === null || !listed.has(slot.pid))) vanished.push(slot);
    }
    vanished.sort((a, b) => (a.exitedAt ?? Infinity) - (b.exitedAt ?? Infinity));
  }

  for (const child of state.children) {
    const pid = child.pid instanceof Pid ? child.pid.id : null;
    let key: string;
    if (!dynamic) key = `${snapshot.pid}/${clip(inspect(child.id, { depth: 3 }), 200)}`;
    else if (pid !== null && model.slotOfPid.has(pid)) key = model.slotOfPid.get(pid)!;
    else if (child.restarts > 0 && vanished.length > 0) key = vanished.shift()!.key;
    else key = `${snapshot.pid}/pid${pid ?? keys.length}`;
    keys.push(key);
    old.delete(key);

    let slot = model.slots.get(key);
    if (!slot) {
      slot = {
        key,
        supervisor: snapshot.pid,
        childId: dynamic ? 'undefined' : key.slice(key.indexOf('/') + 1),
        pid: null,
        status: 'not_started',
        type: child.type,
        restart: child.restart,
        restarts: child.restarts,
        replacements: child.restarts,
        restartedAt: null,
        previousPid: null,
        lastLivePid: null,
        exitedAt: null,
        exitReason: null,
      };
      model.slots.set(key, slot);
    }
    // A new pid in a known slot is a restart, whatever the cause: under one_for_all the
    // siblings of the crashed child restart too, though the supervisor counts only the crash.
    // A snapshot taken mid-restart shows no pid: compare with the last live one.
    const before = slot.pid ?? slot.lastLivePid;
    const replaced = before !== null && pid !== null && pid !== before;
    if (child.restarts > slot.restarts || replaced) {
      slot.previousPid = before;
      slot.restartedAt = (pid !== null ? model.spawnedAt.get(pid) : undefined) ?? time;
    }
    // The supervisor counts a crash before the new pid exists, so the two counts overlap: a
    // restart counted by both is one restart, hence the larger of them, never their sum.
    if (replaced) slot.replacements++;
    const restarts = Math.max(child.restarts, slot.replacements);
    if (slot.pid !== pid) {
      if (slot.pid !== null && model.slotOfPid.get(slot.pid) === key)
        model.slotOfPid.delete(slot.pid);
      if (pid !== null) model.slotOfPid.set(pid, key);
    }
    if (pid !== null) model.spawnedAt.delete(pid);
    // An exit seen in the events stands until the supervisor reports a new pid for the slot.
    const keepExit = slot.status === 'exited' && pid !== null && pid === slot.pid;
    slot.pid = pid;
    if (pid !== null) slot.lastLivePid = pid;
    slot.status = keepExit ? 'exited' : childStatus(child.pid);
    slot.type = child.type;
    slot.restart = child.restart;
    slot.restarts = restarts;
  }
  for (const key of old) dropSlot(model, key);
  entry.children = keys;
  model.version++;
}

/** Applies a snapshot of every supervisor; supervisors it lacks are gone. */
export function applySupervisorSnapshots(
  model: SupervisionModel,
  snapshot: { time: number; supervisors: readonly SupervisorSnapshot[] },
): void {
  const seen = new Set<number>();
  for (const s of snapshot.supervisors) {
    seen.add(s.pid);
    applySupervisorSnapshot(model, s, snapshot.time);
  }
  for (const pid of [...model.supervisors.keys()]) if (!seen.has(pid)) dropSupervisor(model, pid);
  // Spawns no supervisor claimed (a child that failed to start) are forgotten.
  model.spawnedAt.clear();
}

// ------------------------------------------------------------------ the forest to draw

/** Counts of a node's direct children by status. */
export interface ChildCounts {
  running: number;
  restarting: number;
  notStarted: number;
  exited: number;
}

/** One node of a drawn tree: plain data, ready for `postMessage`. */
export interface TreeNode {
  /** Stable across restarts for supervised children; `pid:N` for other processes. */
  readonly key: string;
  readonly pid: number | null;
  /** Printed pid, or '' for a child that is not running. */
  readonly pidText: string;
  readonly name: string | null;
  /** What the process was started with, '' when unknown. */
  readonly label: string;
  readonly kind: 'supervisor' | 'worker' | 'process';
  /** How the node got into the tree: a supervisor's child (or a supervisor), or a link. */
  readonly source: 'supervisor' | 'links';
  readonly behaviour: string | null;
  readonly childId: string | null;
  readonly status: ChildStatus;
  readonly restartType: RestartType | null;
  readonly restarts: number;
  readonly restartedAt: number | null;
  readonly previousPid: number | null;
  readonly exitReason: string | null;
  /** Supervisors only: their strategy and restart totals. */
  readonly supervisor: {
    kind: SupervisorState['kind'];
    strategy: Strategy;
    restarts: number;
    maxRestarts: number;
    maxSeconds: number;
  } | null;
  readonly children: TreeNode[];
  readonly childCount: number;
  /** All nodes below this one. */
  readonly descendantCount: number;
  readonly counts: ChildCounts;
  /** True when the drawing should show this node folded (many children, or folded by the user). */
  readonly collapsed: boolean;
  /** Linked pids that are neither this node's parent nor its children in the drawing. */
  readonly crossLinks: readonly number[];
}

/** The whole picture: supervision trees first, then link trees. */
export interface SupervisionForest {
  readonly roots: readonly TreeNode[];
  /** Live processes in no tree (no supervisor, no links). */
  readonly unlinked: number;
  readonly version: number;
}

/** How the forest is folded. */
export interface ForestOptions {
  /** Nodes with more children than this start collapsed (default 20). */
  collapseAbove?: number;
  /** Keys the user folded, or unfolded: overrides the default either way. */
  toggled?: ReadonlySet<string>;
}

interface Build {
  readonly model: SupervisionModel;
  readonly table: ProcessTable;
  readonly collapseAbove: number;
  readonly toggled: ReadonlySet<string>;
  readonly placed: Set<number>;
}

function finish(
  b: Build,
  fields: Omit<
    TreeNode,
    'childCount' | 'descendantCount' | 'counts' | 'collapsed' | 'crossLinks' | 'children'
  >,
  children: TreeNode[],
): TreeNode {
  const counts: ChildCounts = { running: 0, restarting: 0, notStarted: 0, exited: 0 };
  let descendantCount = 0;
  for (const child of children) {
    descendantCount += 1 + child.descendantCount;
    if (child.status === 'not_started') counts.notStarted++;
    else counts[child.status]++;
  }
  const byDefault = children.length > b.collapseAbove;
  return {
    ...fields,
    children,
    childCount: children.length,
    descendantCount,
    counts,
    collapsed: b.toggled.has(fields.key) ? !byDefault : byDefault,
    crossLinks: [],
  };
}

function supervisorInfo(entry: SupervisorEntry | undefined): TreeNode['supervisor'] {
  if (!entry) return null;
  const { kind, strategy, restarts, maxRestarts, maxSeconds } = entry;
  return { kind, strategy, restarts, maxRestarts, maxSeconds };
}

/** A supervised node (a child slot, or a root supervisor when `slot` is null). */
function supervisedNode(b: Build, pid: number | null, slot: ChildSlot | null): TreeNode {
  const row = pid !== null ? b.table.rows.get(pid) : undefined;
  const entry = pid !== null ? b.model.supervisors.get(pid) : undefined;
  if (pid !== null) b.placed.add(pid);
  const children: TreeNode[] = [];
  if (entry && slot?.status !== 'exited') {
    for (const key of entry.children) {
      const child = b.model.slots.get(key);
      if (child) children.push(supervisedNode(b, child.pid, child));
    }
  }
  return finish(
    b,
    {
      key: slot ? slot.key : `pid:${pid}`,
      pid,
      pidText: pid !== null ? pidText(pid) : '',
      name: row?.name ?? null,
      label: row?.label ?? '',
      kind: entry || slot?.type === 'supervisor' || !slot ? 'supervisor' : 'worker',
      source: 'supervisor',
      behaviour: row?.behaviour ?? (entry ? 'supervisor' : null),
      childId: slot ? slot.childId : null,
      status: slot ? slot.status : 'running',
      restartType: slot ? slot.restart : null,
      restarts: slot ? slot.restarts : 0,
      restartedAt: slot ? slot.restartedAt : null,
      previousPid: slot ? slot.previousPid : null,
      exitReason: slot ? slot.exitReason : null,
      supervisor: supervisorInfo(entry),
    },
    children,
  );
}

/** A node of a link tree: `pid`'s unplaced linked peers become its children, breadth first. */
function linkTree(b: Build, root: number): TreeNode {
  // Breadth-first order decides who is whose parent; nodes are then built bottom-up.
  const order: number[] = [root];
  const parentOf = new Map<number, number | null>([[root, null]]);
  b.placed.add(root);
  for (let i = 0; i < order.length; i++) {
    const id = order[i]!;
    for (const peer of b.table.rows.get(id)?.links ?? []) {
      if (b.placed.has(peer) || !b.table.rows.has(peer)) continue;
      b.placed.add(peer);
      parentOf.set(peer, id);
      order.push(peer);
    }
  }
  const childrenOf = new Map<number, TreeNode[]>();
  let node: TreeNode | null = null;
  for (let i = order.length - 1; i >= 0; i--) {
    const id = order[i]!;
    node = linkNode(b, id, childrenOf.get(id) ?? []);
    const parent = parentOf.get(id);
    if (parent != null) {
      let list = childrenOf.get(parent);
      if (!list) childrenOf.set(parent, (list = []));
      list.unshift(node);
    }
  }
  return node!;
}

/** A process in no tree (no supervisor, no links), as a node of its own. */
export function loneProcessNode(table: ProcessTable, pid: number): TreeNode {
  const b: Build = {
    model: createSupervisionModel(),
    table,
    collapseAbove: Infinity,
    toggled: new Set(),
    placed: new Set(),
  };
  return linkNode(b, pid, []);
}

function linkNode(b: Build, id: number, children: TreeNode[]): TreeNode {
  const row = b.table.rows.get(id);
  return finish(
    b,
    {
      key: `pid:${id}`,
      pid: id,
      pidText: pidText(id),
      name: row?.name ?? null,
      label: row?.label ?? '',
      kind: row?.behaviour === 'supervisor' ? 'supervisor' : 'process',
      source: 'links',
      behaviour: row?.behaviour ?? null,
      childId: null,
      status: 'running',
      restartType: null,
      restarts: 0,
      restartedAt: null,
      previousPid: null,
      exitReason: null,
      supervisor: null,
    },
    children,
  );
}

/** Fills in `crossLinks`: links the tree does not draw as edges. */
function withCrossLinks(b: Build, node: TreeNode, parent: number | null): TreeNode {
  const children = node.children.map((child) => withCrossLinks(b, child, node.pid));
  const row = node.pid !== null ? b.table.rows.get(node.pid) : undefined;
  const crossLinks: number[] = [];
  if (row) {
    const drawn = new Set<number | null>([parent, ...node.children.map((c) => c.pid)]);
    for (const peer of row.links) if (!drawn.has(peer)) crossLinks.push(peer);
  }
  return { ...node, children, crossLinks };
}

/**
 * Every tree to draw: each supervisor no other supervisor owns, with its children (nested
 * supervisors included), unsupervised processes a supervised process spawned and linked hanging
 * under it, then the link trees of the remaining linked processes, each rooted at its oldest.
 * O(processes + links).
 */
export function supervisionForest(
  model: SupervisionModel,
  table: ProcessTable,
  options: ForestOptions = {},
): SupervisionForest {
  const b: Build = {
    model,
    table,
    collapseAbove: options.collapseAbove ?? 20,
    toggled: options.toggled ?? new Set(),
    placed: new Set(),
  };
  const supervised = new Set<number>();
  for (const slot of model.slots.values()) if (slot.pid !== null) supervised.add(slot.pid);
  const roots: TreeNode[] = [];
  for (const pid of [...model.supervisors.keys()].sort((x, y) => x - y)) {
    if (!supervised.has(pid)) roots.push(supervisedNode(b, pid, null));
  }
  // Helpers a supervised process spawned and linked: children of that process.
  const attach = (node: TreeNode): TreeNode => {
    const children = node.children.map(attach);
    const row = node.pid !== null && node.status !== 'exited' ? table.rows.get(node.pid) : null;
    if (row) {
      for (const peer of row.links) {
        const peerRow = table.rows.get(peer);
        if (!b.placed.has(peer) && peerRow?.parent === node.pid) children.push(linkTree(b, peer));
      }
    }
    return children.length === node.children.length &&
      children.every((c, i) => c === node.children[i])
      ? node
      : finish(b, node, children);
  };
  const trees = roots.map(attach);
  const ids = [...table.rows.keys()].sort((x, y) => x - y);
  let unlinked = 0;
  for (const id of ids) {
    if (b.placed.has(id)) continue;
    const row = table.rows.get(id)!;
    if (row.links.size === 0) {
      if (row.behaviour !== IO_DEVICE) unlinked++; // output devices are plumbing, not learners'
    } else trees.push(linkTree(b, id));
  }
  return {
    roots: trees.map((tree) => withCrossLinks(b, tree, null)),
    unlinked,
    version: model.version,
  };
}
