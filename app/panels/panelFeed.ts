/**
 * The worker side of the live panels: listens to the runtime's trace, keeps the panel models up
 * to date and posts compact, throttled updates to the page; also carries out the panels'
 * controls (pause, step, speed, kill, clear the trace, inspect a mailbox).
 *
 * Why it is built this way. A busy runtime emits tens of thousands of trace events a second and
 * may hold 10,000 processes, while the page must keep drawing at 60 fps and never fall more than
 * a quarter of a second behind. So:
 * - the trace listener only queues the event (O(1) on the runtime's hot path); the feed applies
 *   queued events in time-boxed slices of its own, between the scheduler's slices;
 * - at most one `panels/update` goes out per `intervalMs`, with only what changed since the last
 *   one (`take*Changes`), capped in size: rows beyond the cap wait for the next update, sequence
 *   items older than the window are never sent;
 * - when the queue grows past `maxBacklog` (the runtime outruns the feed), the queued events are
 *   dropped and the process table is re-read from a snapshot instead, and the sequence trace
 *   restarts: the panels stay current rather than replay the past late;
 * - the O(processes) snapshots run now and then (`snapshotMs`), or right away after a pause, a
 *   step or a kill, so what they show is exact when the person looks closely;
 * - work is done only for open panels: the sequence model (which prints every message) is fed
 *   only while the sequence panel is open, the forest is built only while the tree is;
 * - every event and snapshot applied goes into the run's history (`model/runHistory.ts`), which
 *   rebuilds the models of any past moment for rewind; so the supervision model is kept while
 *   any panel is open, not only the tree (its events and snapshots are cheap).
 */
import type { Runtime, TraceEvent } from '../../runtime/index';
import type { FromWorker } from '../engine/protocol';
import type {
  PanelName,
  PanelsOpen,
  PanelsToWorker,
  SchedulerState,
  TreeUpdate,
} from './model/panelMessages';
import { ALL_CLOSED } from './model/panelMessages';
import type { ProcessChanges, ProcessRow, ProcessTable } from './model/processTable';
import {
  applyProcessEvent,
  applyProcessSnapshot,
  copyRow,
  createProcessTable,
  inspectProcess,
  snapshotProcesses,
  takeProcessChanges,
} from './model/processTable';
import type { SequenceChanges, SequenceModel } from './model/sequenceModel';
import {
  applySequenceEvent,
  createSequenceModel,
  nameParticipants,
  takeSequenceChanges,
} from './model/sequenceModel';
import type { SupervisionModel, TreeNode } from './model/supervisionTree';
import {
  applySupervisionEvent,
  applySupervisorSnapshots,
  createSupervisionModel,
  snapshotSupervisors,
  supervisionForest,
} from './model/supervisionTree';
import { RunHistory, describeEvent } from './model/runHistory';
import { exportTrace, importTrace } from './model/traceFile';

/** Sequence items kept in the worker's window, and the most the page is ever sent at once. */
export const SEQUENCE_WINDOW = 1000;

/** Timers the feed runs on: the host's by default, a hand-driven one in tests. */
export interface FeedTimers {
  schedule(callback: () => void, ms: number): unknown;
  cancel(handle: unknown): void;
}

const HOST_TIMERS: FeedTimers = {
  schedule: (callback, ms) => setTimeout(callback, ms),
  cancel: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface PanelFeedOptions {
  readonly runtime: Runtime;
  /** Where the feed's messages go: its panel messages, and `worker/error` for a refused control. */
  readonly post: (message: FromWorker) => void;
  /** Wall time comparable across the page and the worker: `performance.timeOrigin + now()`. */
  readonly now?: () => number;
  readonly timers?: FeedTimers;
  /** Least time between two updates (default 100 ms). */
  readonly intervalMs?: number;
  /** Longest stretch of event processing before the feed yields to the runtime (default 6 ms). */
  readonly sliceMs?: number;
  /** Most process rows in one update (default 500). */
  readonly maxRows?: number;
  /** Queued events beyond which the feed skips ahead to a snapshot (default 20,000). */
  readonly maxBacklog?: number;
  /** Time between process-table snapshots while events arrive (default 1000 ms). */
  readonly snapshotMs?: number;
  /** Least time between two trees sent (default 250 ms). */
  readonly treeIntervalMs?: number;
  /** Events the rewind history keeps at least (default 100,000). */
  readonly historyCapacity?: number;
  /** Least time between two timeline updates (default 250 ms). */
  readonly timelineIntervalMs?: number;
}

function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

/** The live panels of one runtime. Dispose it with the runtime. */
export class PanelFeed {
  private readonly rt: Runtime;
  private readonly post: (message: FromWorker) => void;
  private readonly now: () => number;
  private readonly timers: FeedTimers;
  private readonly intervalMs: number;
  private readonly sliceMs: number;
  private readonly maxRows: number;
  private readonly maxBacklog: number;
  private readonly snapshotMs: number;
  private readonly treeIntervalMs: number;
  private readonly timelineIntervalMs: number;

  private open: PanelsOpen = ALL_CLOSED;
  private toggled = new Set<string>();
  private inspected: number | null = null;
  private rate = 1;

  private table: ProcessTable = createProcessTable();
  private sequence: SequenceModel = createSequenceModel(SEQUENCE_WINDOW);
  private supervision: SupervisionModel = createSupervisionModel();
  private unsubscribe: (() => void) | null = null;
  private readonly history: RunHistory;
  /** A trace loaded from a file, shown instead of the live history until `rewind/live`. */
  private imported: RunHistory | null = null;
  /** The position the page is rewound to, or null while it shows the present. */
  private rewindAt: number | null = null;
  private timelineSent = -1;
  private lastTimeline = -Infinity;

  private queue: TraceEvent[] = [];
  /** Where the next event to apply is in `queue` (the queue is cut in batches, not per event). */
  private head = 0;
  /** When the oldest event not yet posted was queued, or null. */
  private since: number | null = null;
  private skipped = 0;
  private reset = new Set<PanelName>();
  private eventsSinceSnapshot = 0;
  /** Events applied since the supervisors were last read (a new supervisor shows only there). */
  private eventsSinceTree = 0;
  private lastSnapshot = -Infinity;
  private lastPost = -Infinity;
  private lastTree = -Infinity;
  private treeSent = -1;
  private timer: unknown = null;
  private timerDue = Infinity;
  private disposed = false;

  constructor(options: PanelFeedOptions) {
    this.rt = options.runtime;
    this.post = options.post;
    this.now = options.now ?? wallNow;
    this.timers = options.timers ?? HOST_TIMERS;
    this.intervalMs = options.intervalMs ?? 100;
    this.sliceMs = options.sliceMs ?? 6;
    this.maxRows = options.maxRows ?? 500;
    this.maxBacklog = options.maxBacklog ?? 20_000;
    this.snapshotMs = options.snapshotMs ?? 1000;
    this.treeIntervalMs = options.treeIntervalMs ?? 250;
    this.timelineIntervalMs = options.timelineIntervalMs ?? 250;
    this.history = new RunHistory(() => ({ table: this.table, supervision: this.supervision }), {
      capacity: options.historyCapacity,
    });
  }

  /** Carries out one panel message from the page. */
  handle(message: PanelsToWorker): void {
    switch (message.type) {
      case 'panels/watch':
        this.watch(message.open, message.treeToggled);
        return;
      case 'process/inspect':
        this.inspected = message.pid;
        this.postDetails();
        if (this.rewindAt !== null) this.postFrame();
        return;
      case 'process/kill':
        this.kill(message.pid, message.reason);
        return;
      case 'scheduler/pause':
        this.rt.pause();
        this.settled();
        return;
      case 'scheduler/resume':
        this.rt.resume();
        this.postScheduler();
        return;
      case 'scheduler/step':
        this.rt.step(1);
        this.settled();
        return;
      case 'scheduler/speed':
        this.speed(message.rate);
        return;
      case 'trace/clear':
        this.rt.trace.clear();
        this.sequence = createSequenceModel(SEQUENCE_WINDOW);
        this.reset.add('sequence');
        this.history.clear();
        if (!this.imported) this.rewindAt = null;
        this.postTimeline();
        this.flushSoon(0);
        return;
      case 'rewind/seek':
        this.rewindAt = message.index;
        this.postFrame();
        return;
      case 'rewind/live':
        this.rewindAt = null;
        this.imported = null;
        this.postTimeline();
        return;
      case 'rewind/export':
        this.exportShown();
        return;
      case 'rewind/import':
        this.importFile(message.json);
        return;
      case 'rewind/capacity':
        this.history.setCapacity(message.capacity);
        if (!this.imported) this.postTimeline();
        return;
    }
  }

  /** The history the timeline shows: an imported trace, or the live one. */
  private shownHistory(): RunHistory {
    return this.imported ?? this.history;
  }

  private postTimeline(): void {
    const history = this.shownHistory();
    this.timelineSent = history.changes;
    this.lastTimeline = this.now();
    this.post({ type: 'rewind/timeline', ...history.timeline() });
  }

  /** The panels at the rewound position, built from the history's nearest checkpoint. */
  private postFrame(): void {
    if (this.rewindAt === null) return;
    const history = this.shownHistory();
    const moment = history.momentAt(this.rewindAt);
    if (!moment) {
      this.post({ type: 'rewind/error', message: 'There is no history to rewind yet.' });
      return;
    }
    const { table, supervision, event, index } = moment;
    const rows: ProcessRow[] = [];
    for (const row of table.rows.values()) rows.push(copyRow(row));
    const forest = supervisionForest(supervision, table, { toggled: this.toggled });
    const names: [number, string][] = [];
    for (const [name, id] of table.names) names.push([id, name]);
    const detail =
      this.inspected === null
        ? null
        : history.detailAt(index, this.inspected, table.rows.get(this.inspected));
    this.post({
      type: 'rewind/frame',
      source: history.source,
      index,
      seq: event.seq,
      time: event.time,
      event: describeEvent(event),
      rows,
      tree: {
        roots: forest.roots.map(pruneCollapsed),
        unlinked: forest.unlinked,
        version: forest.version,
      },
      sequence: history.sequenceAt(index, names),
      detail,
    });
  }

  private exportShown(): void {
    try {
      const { json, events } = exportTrace(this.shownHistory());
      this.post({ type: 'rewind/exported', json, events });
    } catch (e) {
      this.post({
        type: 'rewind/error',
        message: `Could not export the trace: ${e instanceof Error ? e.message : String(e)}`,
      });
    }
  }

  private importFile(json: string): void {
    const result = importTrace(json);
    if (!result.ok) {
      this.post({ type: 'rewind/error', message: result.message });
      return;
    }
    this.imported = result.history;
    this.rewindAt = Math.max(result.history.first, result.history.end - 1);
    this.postTimeline();
    this.postFrame();
  }

  /** The scheduler's state as the controls show it. */
  schedulerState(): SchedulerState {
    return { paused: this.rt.paused, rate: this.rate };
  }

  /** Stops listening; the feed posts nothing afterwards. */
  dispose(): void {
    this.disposed = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.cancelTimer();
    this.queue = [];
    this.head = 0;
  }

  private watch(open: PanelsOpen, toggled: readonly string[]): void {
    const was = this.open;
    this.open = { ...open };
    this.toggled = new Set(toggled);
    const listening = open.tree || open.processes || open.sequence;
    if (!listening) {
      this.unsubscribe?.();
      this.unsubscribe = null;
      this.queue = [];
      this.head = 0;
      this.since = null;
      return;
    }
    if (!this.unsubscribe) {
      // Starting to listen: every model starts over from a snapshot of the runtime as it is.
      this.table = createProcessTable();
      this.supervision = createSupervisionModel();
      this.sequence = createSequenceModel(SEQUENCE_WINDOW);
      this.reset = new Set(['tree', 'processes', 'sequence']);
      this.history.restart();
      this.unsubscribe = this.rt.trace.subscribe((event) => this.enqueue(event));
      this.takeSnapshot();
      if (!this.imported) this.postTimeline();
    } else {
      if (open.sequence && !was.sequence) {
        this.sequence = createSequenceModel(SEQUENCE_WINDOW);
        this.reset.add('sequence');
      }
      if (open.processes && !was.processes) {
        // The page's copy went stale while the panel was closed: send every row again.
        this.reset.add('processes');
        for (const id of this.table.rows.keys()) this.table.changed.add(id);
      }
    }
    if (open.tree) this.treeSent = -1;
    if (this.rewindAt !== null) this.postFrame();
    this.flushSoon(0);
  }

  private enqueue(event: TraceEvent): void {
    if (this.queue.length === this.head) this.since ??= this.now();
    this.queue.push(event);
    if (this.timer === null) this.flushSoon(this.intervalMs);
  }

  /** Applies queued events for at most `sliceMs`; true when the queue is empty. */
  private drain(): boolean {
    const pending = this.queue.length - this.head;
    if (pending > this.maxBacklog) {
      // The runtime outruns the feed: skip to the present rather than show the past late.
      this.skipped += pending;
      this.queue = [];
      this.head = 0;
      if (this.open.sequence) {
        this.sequence = createSequenceModel(SEQUENCE_WINDOW);
        this.reset.add('sequence');
      }
      this.takeSnapshot();
      return true;
    }
    const started = this.now();
    const { table, sequence, supervision, history } = this;
    const seq = this.open.sequence;
    while (this.head < this.queue.length) {
      // Check the clock every 256 events: reading it costs more than applying most events.
      const end = Math.min(this.queue.length, this.head + 256);
      this.eventsSinceSnapshot += end - this.head;
      this.eventsSinceTree += end - this.head;
      for (; this.head < end; this.head++) {
        const event = this.queue[this.head]!;
        history.recordEvent(event);
        applyProcessEvent(table, event);
        if (seq) applySequenceEvent(sequence, event);
        applySupervisionEvent(supervision, event);
      }
      if (this.now() - started >= this.sliceMs) break;
    }
    if (this.head < this.queue.length) return false;
    this.queue = [];
    this.head = 0;
    return true;
  }

  private takeSnapshot(): void {
    const snapshot = snapshotProcesses(this.rt);
    applyProcessSnapshot(this.table, snapshot);
    this.history.recordCorrection({ kind: 'processes', snapshot });
    this.readSupervisors();
    if (this.open.sequence) {
      const names: [number, string][] = [];
      for (const [name, id] of this.table.names) names.push([id, name]);
      nameParticipants(this.sequence, names);
    }
    this.lastSnapshot = this.now();
    this.eventsSinceSnapshot = 0;
  }

  /** O(processes), but cheap: unchanged supervisors are skipped by identity. */
  private readSupervisors(): void {
    const snapshot = snapshotSupervisors(this.rt);
    applySupervisorSnapshots(this.supervision, snapshot);
    this.history.recordCorrection({ kind: 'supervisors', snapshot });
    this.eventsSinceTree = 0;
  }

  private flushSoon(ms: number): void {
    if (this.disposed) return;
    const due = this.now() + ms;
    if (this.timer !== null && this.timerDue <= due) return;
    this.cancelTimer();
    this.timerDue = due;
    this.timer = this.timers.schedule(() => {
      this.timer = null;
      this.timerDue = Infinity;
      this.tick();
    }, ms);
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.timers.cancel(this.timer);
    this.timer = null;
    this.timerDue = Infinity;
  }

  /** One turn of the feed: apply events, snapshot if due, post an update if one is due. */
  private tick(): void {
    if (this.disposed || !this.unsubscribe) return;
    const drained = this.drain();
    const now = this.now();
    if (now - this.lastPost >= this.intervalMs || this.reset.size > 0) this.postUpdate(now);
    // Re-reading the runtime (O(processes)) comes after the post, so it never delays events on
    // their way to the page; what it corrects rides the next update.
    if (drained) {
      const snapshotDue =
        this.eventsSinceSnapshot > 0 && now - this.lastSnapshot >= this.snapshotMs;
      if (snapshotDue) this.takeSnapshot();
      else if (this.eventsSinceTree > 0) this.readSupervisors();
    }
    const timelineDue =
      !this.imported &&
      this.history.changes !== this.timelineSent &&
      now - this.lastTimeline >= this.timelineIntervalMs;
    if (timelineDue) this.postTimeline();
    const more =
      !drained ||
      this.table.changed.size > 0 ||
      this.table.removed.size > 0 ||
      (this.open.tree && this.treeVersion() !== this.treeSent) ||
      this.eventsSinceSnapshot > 0 ||
      (!this.imported && this.history.changes !== this.timelineSent);
    if (!drained) this.flushSoon(0);
    else if (more) this.flushSoon(this.intervalMs);
  }

  private postUpdate(now: number, force = false): void {
    const detailsChanged =
      this.inspected !== null &&
      (this.table.changed.has(this.inspected) || this.table.removed.has(this.inspected));
    const processes = this.takeRows();
    const sequence = this.open.sequence ? this.takeSequence() : null;
    const tree = this.takeTree(now, force);
    const empty =
      this.reset.size === 0 &&
      (processes === null || (processes.upserts.length === 0 && processes.removed.length === 0)) &&
      (sequence === null || (sequence.added.length === 0 && sequence.updated.length === 0)) &&
      tree === null;
    if (!empty) {
      this.post({
        type: 'panels/update',
        reset: [...this.reset],
        processes,
        sequence,
        tree,
        since: this.since,
        sentAt: this.now(),
        skipped: this.skipped,
        backlog: this.table.changed.size,
      });
      this.reset.clear();
      this.skipped = 0;
      this.lastPost = now;
    }
    this.since = this.queue.length > this.head ? now : null;
    if (detailsChanged) this.postDetails();
  }

  /** The changed rows, at most `maxRows` of them; the others stay marked for the next update. */
  private takeRows(): ProcessChanges | null {
    const table = this.table;
    if (!this.open.processes) {
      table.changed.clear();
      table.removed.clear();
      return null;
    }
    let held: number[] = [];
    if (table.changed.size > this.maxRows) {
      const ids = [...table.changed];
      held = ids.slice(this.maxRows);
      for (const id of held) table.changed.delete(id);
    }
    const changes = takeProcessChanges(table);
    for (const id of held) table.changed.add(id);
    return changes;
  }

  /** New and updated items; never more than the window, which is all the page keeps. */
  private takeSequence(): SequenceChanges {
    const changes = takeSequenceChanges(this.sequence);
    if (changes.added.length <= SEQUENCE_WINDOW) return changes;
    return { ...changes, added: changes.added.slice(-SEQUENCE_WINDOW) };
  }

  /** Grows whenever the tree may look different (both versions only grow). */
  private treeVersion(): number {
    return this.supervision.version + this.table.version;
  }

  private takeTree(now: number, force: boolean): TreeUpdate | null {
    if (!this.open.tree) return null;
    const version = this.treeVersion();
    if (version === this.treeSent) return null;
    if (!force && this.treeSent !== -1 && now - this.lastTree < this.treeIntervalMs) return null;
    const forest = supervisionForest(this.supervision, this.table, { toggled: this.toggled });
    this.treeSent = version;
    this.lastTree = now;
    return { roots: forest.roots.map(pruneCollapsed), unlinked: forest.unlinked, version };
  }

  private postDetails(): void {
    if (this.inspected === null) return;
    const detail = inspectProcess(this.rt, this.inspected, { limit: 200 });
    this.post({ type: 'process/details', pid: this.inspected, detail });
  }

  private postScheduler(): void {
    this.post({ type: 'scheduler/state', ...this.schedulerState() });
  }

  /**
   * After pause, step or kill: once the step has run (a macrotask later, the scheduler's step
   * being a microtask chain), re-read the runtime and post at once, so the panels show exactly
   * where the runtime stopped.
   */
  private settled(): void {
    this.timers.schedule(() => {
      if (this.disposed) return;
      this.postScheduler();
      if (!this.unsubscribe) return;
      this.drain();
      this.takeSnapshot();
      this.postUpdate(this.now(), true);
      this.postDetails();
    }, 0);
  }

  private kill(pid: number, reason: string): void {
    const target = this.rt.pidOf(pid);
    if (target) this.rt.exitPid(null, target, reason);
    this.settled();
  }

  private speed(rate: number): void {
    try {
      this.rt.setSpeed(rate);
      this.rate = rate;
    } catch (e) {
      this.post({
        type: 'worker/error',
        message: `Could not change the speed: ${e instanceof Error ? e.message : String(e)}`,
      });
    }
    this.postScheduler();
  }
}

/** A tree without the children of folded nodes (the page draws their counts, not them). */
function pruneCollapsed(node: TreeNode): TreeNode {
  if (node.collapsed) return node.children.length === 0 ? node : { ...node, children: [] };
  let changed = false;
  const children = node.children.map((child) => {
    const pruned = pruneCollapsed(child);
    if (pruned !== child) changed = true;
    return pruned;
  });
  return changed ? { ...node, children } : node;
}

/**
 * The panels across runtime restarts: the worker host makes one, attaches each new runtime to
 * it, and hands it every panel message; what the page asked for (open panels, the inspected
 * process) carries over to the new runtime.
 */
export class PanelHost {
  private feed: PanelFeed | null = null;
  private watch: Extract<PanelsToWorker, { type: 'panels/watch' }> | null = null;
  private inspected: number | null = null;
  private capacity: Extract<PanelsToWorker, { type: 'rewind/capacity' }> | null = null;

  constructor(private readonly options: Omit<PanelFeedOptions, 'runtime'>) {}

  /** Makes a feed for `runtime`, replacing the previous one. */
  attach(runtime: Runtime): PanelFeed {
    this.feed?.dispose();
    const feed = new PanelFeed({ ...this.options, runtime });
    this.feed = feed;
    if (this.watch) feed.handle(this.watch);
    if (this.inspected !== null) feed.handle({ type: 'process/inspect', pid: this.inspected });
    if (this.capacity) feed.handle(this.capacity);
    this.options.post({ type: 'scheduler/state', ...feed.schedulerState() });
    return feed;
  }

  /** Hands a panel message to the current feed. */
  handle(message: PanelsToWorker): void {
    if (message.type === 'panels/watch') this.watch = message;
    if (message.type === 'process/inspect') this.inspected = message.pid;
    if (message.type === 'rewind/capacity') this.capacity = message;
    this.feed?.handle(message);
  }
}
