/**
 * The panels slice: the page's copies of the live panels' models, what the person chose in them
 * (open panels, selected process, sort, filters, folded tree nodes) and the scheduler controls.
 *
 * The worker owns the real models (app/panels/panelFeed.ts) and sends compact, throttled changes;
 * this slice applies them to its copies with the models' own `apply*Changes`. The copies are
 * mutable on purpose (a 10,000-row table is not copied ten times a second), so each panel has a
 * version number that grows with every applied change: components select the version, not the
 * model, and recompute what they draw when it moves.
 *
 * It talks to the worker through the chapter's WorkerClient, which the runtime slice holds as
 * `runtimeClient`; panel messages reach it straight from the client (`connectPanels`), past the
 * notebook's operations. The slice follows that field, so a new chapter, a restarted or replaced worker
 * all get the current watch request, and their first update replaces the copies.
 *
 * Rewind: the worker keeps the run's history and answers `rewind/seek` with a frame, the panels at
 * one past moment. While a frame is shown (`panelsRewind`), live updates still go to the live
 * copies, so Live is instant; panels read the `selectShown*` helpers, which pick the frame's
 * models while rewound. Seeks are coalesced: one in flight, and the newest wanted position goes
 * out when its frame arrives, so dragging the timeline never queues hundreds of frames.
 */
import type { WorkerClient } from '../session/workerClient';
import type { AppState, SliceCreator } from '../store/storeTypes';
import type {
  PanelName,
  PanelsFromWorker,
  PanelsOpen,
  PanelsToWorker,
  PanelsUpdate,
  RewindFrame,
  SchedulerState,
  TimelineUpdate,
  TreeUpdate,
} from './model/panelMessages';
import { ALL_CLOSED, HISTORY_CAPACITY_RANGE } from './model/panelMessages';
import type {
  ProcessDetail,
  ProcessFilter,
  ProcessSortKey,
  ProcessTable,
} from './model/processTable';
import { applyProcessChanges, createProcessTable } from './model/processTable';
import type { SequenceModel } from './model/sequenceModel';
import { applySequenceChanges, createSequenceModel } from './model/sequenceModel';

/** Status filter choices of the processes panel. */
export type StatusFilter = 'all' | 'running' | 'waiting' | 'suspended' | 'exiting';

export interface ProcessListOptions {
  readonly sortKey: ProcessSortKey;
  readonly direction: 'asc' | 'desc';
  /** Text found in the pid, name, label or behaviour. */
  readonly text: string;
  readonly status: StatusFilter;
  /** Show I/O devices (each cell's output device); hidden by default, they are plumbing. */
  readonly ioDevices: boolean;
}

/** How far behind the runtime the panels are, measured on each update. */
export interface PanelsLag {
  /** Milliseconds from the oldest event in the last update to the page applying it. */
  readonly lastMs: number | null;
  readonly maxMs: number;
  /** Events the worker left out because it fell behind, in all. */
  readonly skipped: number;
  readonly updates: number;
}

export interface PanelsSlice {
  readonly panelsReady: boolean;
  /** Sections of the dock the person has open (the worker works only for open ones). */
  readonly panelsOpen: PanelsOpen;
  /** The dock folded down to its header. */
  readonly panelsCollapsed: boolean;
  /** The page's copies of the models; read them when the matching version moves. */
  readonly panelsTable: ProcessTable;
  readonly panelsSequence: SequenceModel;
  readonly panelsTree: TreeUpdate;
  readonly panelsTableVersion: number;
  readonly panelsSequenceVersion: number;
  readonly panelsSelectedPid: number | null;
  /** The selected process's mailbox and pending receive, as the worker last read it. */
  readonly panelsDetail: ProcessDetail | null;
  readonly panelsList: ProcessListOptions;
  /** The sequence trace shows only these processes; empty shows all. */
  readonly panelsSequencePids: readonly number[];
  /** Tree nodes the person folded or unfolded. */
  readonly panelsTreeToggled: readonly string[];
  readonly panelsScheduler: SchedulerState;
  readonly panelsLag: PanelsLag;
  /** The run's history as the timeline draws it; null before the worker sent one. */
  readonly panelsTimeline: TimelineUpdate | null;
  /** The position the page wants shown, null when live (moves at once while dragging). */
  readonly panelsRewindIndex: number | null;
  /** The past moment the panels show, null when live (or before the first frame arrived). */
  readonly panelsRewind: PanelsRewind | null;
  /** Why the last import or export failed, for the timeline to show; null when it did not. */
  readonly panelsRewindError: string | null;
  /** The history size the person chose, or null for the worker's default. */
  readonly panelsHistoryCapacity: number | null;

  /** Applies one message from the worker; `receivedAt` is `performance.timeOrigin + now()`. */
  applyPanelsMessage(message: PanelsFromWorker, receivedAt?: number): void;
  setPanelOpen(panel: PanelName, open: boolean): void;
  setPanelsCollapsed(collapsed: boolean): void;
  selectProcess(pid: number | null): void;
  /** Sorts by `key`; the same key again flips the direction. */
  sortProcessList(key: ProcessSortKey): void;
  filterProcessList(
    filter: Partial<Pick<ProcessListOptions, 'text' | 'status' | 'ioDevices'>>,
  ): void;
  setSequencePids(pids: readonly number[]): void;
  toggleTreeNode(key: string): void;
  pauseScheduler(): void;
  resumeScheduler(): void;
  stepScheduler(): void;
  setSchedulerSpeed(rate: number): void;
  killProcess(pid: number, reason?: string): void;
  clearTrace(): void;
  /** Shows the panels at event `index` (clamped to the kept history). */
  seekRewind(index: number): void;
  /** Moves `delta` events from the shown one; from live, one step back is the newest event. */
  stepRewind(delta: number): void;
  /** Back to the running system (and away from an imported trace). */
  goLive(): void;
  /** The kept history as the text of a JSON file. */
  exportTrace(): Promise<ExportedTrace>;
  /** Looks at a trace exported earlier (the text of its file). */
  importTrace(text: string): void;
  /** Keeps at least `capacity` events in the history (sent again to a new or restarted runtime). */
  setHistoryCapacity(capacity: number): void;
  /** Shows (or with null, clears) a message about the trace files near the timeline. */
  setRewindError(message: string | null): void;
}

/** The panels at one past moment, with the models the panels draw built from it. */
export interface PanelsRewind {
  readonly frame: RewindFrame;
  readonly table: ProcessTable;
  readonly sequence: SequenceModel;
  /** Grows with every frame shown. */
  readonly version: number;
}

/** A trace exported by the worker. */
export interface ExportedTrace {
  readonly json: string;
  readonly events: number;
}

/** The largest trace file the page sends to the worker (its text is parsed there in one go). */
export const MAX_TRACE_FILE_BYTES = 64 * 1024 * 1024;

/** The process table the panels show: the frame's while rewound, else the live copy. */
export const selectShownTable = (state: AppState): ProcessTable =>
  state.panelsRewind?.table ?? state.panelsTable;
/** Moves whenever the shown table changes (with it, when the frame changes). */
export const selectShownTableVersion = (state: AppState): number =>
  state.panelsRewind ? -state.panelsRewind.version : state.panelsTableVersion;
export const selectShownSequence = (state: AppState): SequenceModel =>
  state.panelsRewind?.sequence ?? state.panelsSequence;
export const selectShownSequenceVersion = (state: AppState): number =>
  state.panelsRewind ? -state.panelsRewind.version : state.panelsSequenceVersion;
export const selectShownTree = (state: AppState): TreeUpdate =>
  state.panelsRewind?.frame.tree ?? state.panelsTree;
/** The selected process's details: as they were at the frame's moment while rewound. */
export const selectShownDetail = (state: AppState): ProcessDetail | null => {
  if (!state.panelsRewind) return state.panelsDetail;
  const detail = state.panelsRewind.frame.detail;
  return detail !== null && detail.id === state.panelsSelectedPid ? detail : null;
};
/** The trace number of the event shown while rewound (later items are dimmed), else null. */
export const selectRewindSeq = (state: AppState): number | null =>
  state.panelsRewind?.frame.seq ?? null;
/** True while the panels show a past moment or an imported trace. */
export const selectRewound = (state: AppState): boolean => state.panelsRewindIndex !== null;

/** The name of the User Timing measure each applied update records (the benchmark reads it). */
export const LAG_MEASURE = 'actorbook:panels-lag';

/** Sequence items the page keeps: the worker's window. */
const SEQUENCE_CAPACITY = 1000;

const EMPTY_TREE: TreeUpdate = { roots: [], unlinked: 0, version: 0 };
const NO_LAG: PanelsLag = { lastMs: null, maxMs: 0, skipped: 0, updates: 0 };

/** The frame's rows and sequence items as the models the panels draw. */
function frameModels(frame: RewindFrame): { table: ProcessTable; sequence: SequenceModel } {
  const table = createProcessTable();
  applyProcessChanges(table, { version: frame.index, upserts: frame.rows, removed: [] });
  const sequence = createSequenceModel(Math.max(SEQUENCE_CAPACITY, frame.sequence.items.length));
  applySequenceChanges(sequence, {
    version: frame.index,
    added: frame.sequence.items,
    updated: [],
    firstSeq: 0,
    names: frame.sequence.names,
  });
  return { table, sequence };
}

/** The choices of the filter and sort, turned into the model's filter. */
export function processFilterOf(options: ProcessListOptions): ProcessFilter {
  const filter: ProcessFilter = { text: options.text, hideIoDevices: !options.ioDevices };
  if (options.status === 'waiting') return { ...filter, status: ['waiting'] };
  if (options.status === 'running') return { ...filter, status: ['running', 'runnable'] };
  if (options.status !== 'all') return { ...filter, status: [options.status] };
  return filter;
}

function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

function recordLag(since: number, receivedAt: number): void {
  if (typeof performance.measure !== 'function') return;
  try {
    const origin = performance.timeOrigin;
    performance.measure(LAG_MEASURE, { start: since - origin, end: receivedAt - origin });
    if (performance.getEntriesByName(LAG_MEASURE).length > 600)
      performance.clearMeasures(LAG_MEASURE);
  } catch {
    // A clock that went backwards makes an invalid measure; the lag is still in the store.
  }
}

export const createPanelsSlice: SliceCreator<PanelsSlice> = (set, get, api) => {
  let client: WorkerClient | null = null;
  let unsubscribe: (() => void) | null = null;

  const send = (message: PanelsToWorker) => client?.sendPanels(message);

  // Seek coalescing: whether a seek awaits its frame, and the position it asked for.
  let seekInFlight = false;
  let seekSent: number | null = null;
  // Exports awaiting the worker's answer.
  let exports: { resolve(trace: ExportedTrace): void; reject(error: Error): void }[] = [];

  const settleExports = (outcome: ExportedTrace | Error) => {
    const waiting = exports;
    exports = [];
    for (const entry of waiting)
      if (outcome instanceof Error) entry.reject(outcome);
      else entry.resolve(outcome);
  };

  const requestSeek = (index: number) => {
    seekInFlight = true;
    seekSent = index;
    send({ type: 'rewind/seek', index });
  };

  /** Back to live on the page only (the worker is told by `goLive`, or already is). */
  const leaveRewind = () => {
    seekInFlight = false;
    seekSent = null;
    set({ panelsRewindIndex: null, panelsRewind: null });
  };

  const applyFrame = (frame: RewindFrame) => {
    seekInFlight = false;
    const wanted = get().panelsRewindIndex;
    // A frame that arrives after Live (an answer to an earlier seek) is not shown.
    if (wanted === null) return;
    const previous = get().panelsRewind;
    set({
      panelsRewind: { frame, ...frameModels(frame), version: (previous?.version ?? 0) + 1 },
    });
    // Latest wins: while this frame was coming, the person may have dragged further.
    if (wanted !== seekSent) requestSeek(wanted);
  };

  const applyTimeline = (timeline: TimelineUpdate) => {
    const fields = timeline;
    set({ panelsTimeline: timeline });
    const index = get().panelsRewindIndex;
    if (fields.end <= fields.first) {
      // Nothing left to look at (a cleared trace, a new run): the panels are live again.
      if (index !== null) leaveRewind();
      return;
    }
    if (fields.source === 'imported' && index === null) {
      // An import succeeded: the worker follows with a frame at its last event.
      seekInFlight = true;
      seekSent = fields.end - 1;
      set({ panelsRewindIndex: fields.end - 1, panelsRewindError: null });
    }
  };

  /** What the worker should work for: nothing while the panels are hidden or folded. */
  const effectiveOpen = (state: AppState): PanelsOpen =>
    state.panelsVisible === false || state.panelsCollapsed ? ALL_CLOSED : state.panelsOpen;

  const sendWatch = () => {
    const state = get();
    send({
      type: 'panels/watch',
      open: effectiveOpen(state),
      treeToggled: [...state.panelsTreeToggled],
    });
  };

  const sendCapacity = () => {
    const capacity = get().panelsHistoryCapacity;
    if (capacity !== null) send({ type: 'rewind/capacity', capacity });
  };

  const freshCopies = () => ({
    panelsTimeline: null,
    panelsRewindIndex: null,
    panelsRewind: null,
    panelsRewindError: null,
    panelsTable: createProcessTable(),
    panelsSequence: createSequenceModel(SEQUENCE_CAPACITY),
    panelsTree: EMPTY_TREE,
    panelsTableVersion: get().panelsTableVersion + 1,
    panelsSequenceVersion: get().panelsSequenceVersion + 1,
    panelsDetail: null,
    panelsScheduler: { paused: false, rate: 1 },
  });

  const connect = (next: WorkerClient | null) => {
    unsubscribe?.();
    unsubscribe = null;
    client = next;
    seekInFlight = false;
    seekSent = null;
    settleExports(new Error('The chapter runtime restarted before the trace was exported.'));
    set(freshCopies());
    if (!next) return;
    const disconnect = next.connectPanels((message) => get().applyPanelsMessage(message));
    const unlisten = next.subscribe((event) => {
      if (event.type === 'status' && event.status === 'starting') {
        // A stuck worker was replaced: its copies are void; tell the new one what to watch.
        seekInFlight = false;
        seekSent = null;
        settleExports(new Error('The chapter runtime restarted before the trace was exported.'));
        set(freshCopies());
        sendWatch();
        const pid = get().panelsSelectedPid;
        if (pid !== null) send({ type: 'process/inspect', pid });
        sendCapacity();
      }
    });
    unsubscribe = () => {
      disconnect();
      unlisten();
    };
    sendWatch();
    const pid = get().panelsSelectedPid;
    if (pid !== null) send({ type: 'process/inspect', pid });
    sendCapacity();
  };

  // Follow the runtime slice's client, and re-send the watch when visibility changes.
  api.subscribe((state, previous) => {
    if (state.runtimeClient !== previous.runtimeClient) connect(state.runtimeClient ?? null);
    else if (
      state.panelsVisible !== previous.panelsVisible ||
      state.panelsCollapsed !== previous.panelsCollapsed ||
      state.panelsOpen !== previous.panelsOpen ||
      state.panelsTreeToggled !== previous.panelsTreeToggled
    )
      sendWatch();
  });

  const applyUpdate = (update: PanelsUpdate, receivedAt: number) => {
    const state = get();
    let table = state.panelsTable;
    let sequence = state.panelsSequence;
    let tree = state.panelsTree;
    if (update.reset.includes('processes')) table = createProcessTable();
    if (update.reset.includes('sequence')) sequence = createSequenceModel(SEQUENCE_CAPACITY);
    if (update.reset.includes('tree')) tree = EMPTY_TREE;
    const tableMoved = table !== state.panelsTable || update.processes !== null;
    const sequenceMoved = sequence !== state.panelsSequence || update.sequence !== null;
    if (update.processes) applyProcessChanges(table, update.processes);
    if (update.sequence) applySequenceChanges(sequence, update.sequence);
    if (update.tree) tree = update.tree;
    const lag = state.panelsLag;
    const lastMs = update.since === null ? lag.lastMs : Math.max(0, receivedAt - update.since);
    if (update.since !== null) recordLag(update.since, receivedAt);
    set({
      panelsTable: table,
      panelsSequence: sequence,
      panelsTree: tree,
      panelsTableVersion: state.panelsTableVersion + (tableMoved ? 1 : 0),
      panelsSequenceVersion: state.panelsSequenceVersion + (sequenceMoved ? 1 : 0),
      panelsLag: {
        lastMs,
        maxMs: Math.max(lag.maxMs, lastMs ?? 0),
        skipped: lag.skipped + update.skipped,
        updates: lag.updates + 1,
      },
    });
  };

  return {
    panelsReady: true,
    panelsOpen: { tree: true, processes: true, sequence: true },
    panelsCollapsed: false,
    panelsTable: createProcessTable(),
    panelsSequence: createSequenceModel(SEQUENCE_CAPACITY),
    panelsTree: EMPTY_TREE,
    panelsTableVersion: 0,
    panelsSequenceVersion: 0,
    panelsSelectedPid: null,
    panelsDetail: null,
    panelsList: { sortKey: 'pid', direction: 'asc', text: '', status: 'all', ioDevices: false },
    panelsSequencePids: [],
    panelsTreeToggled: [],
    panelsScheduler: { paused: false, rate: 1 },
    panelsLag: NO_LAG,
    panelsTimeline: null,
    panelsRewindIndex: null,
    panelsRewind: null,
    panelsRewindError: null,
    panelsHistoryCapacity: null,

    applyPanelsMessage(message, receivedAt = wallNow()) {
      switch (message.type) {
        case 'panels/update':
          applyUpdate(message, receivedAt);
          return;
        case 'process/details':
          if (message.pid === get().panelsSelectedPid) set({ panelsDetail: message.detail });
          return;
        case 'scheduler/state':
          set({ panelsScheduler: { paused: message.paused, rate: message.rate } });
          return;
        case 'rewind/timeline':
          applyTimeline(message);
          return;
        case 'rewind/frame':
          applyFrame(message);
          return;
        case 'rewind/exported':
          settleExports({ json: message.json, events: message.events });
          return;
        case 'rewind/error':
          set({ panelsRewindError: message.message });
          settleExports(new Error(message.message));
          return;
      }
    },

    setPanelOpen(panel, open) {
      const current = get().panelsOpen;
      if (current[panel] !== open) set({ panelsOpen: { ...current, [panel]: open } });
    },

    setPanelsCollapsed(collapsed) {
      set({ panelsCollapsed: collapsed });
    },

    selectProcess(pid) {
      if (pid === get().panelsSelectedPid) return;
      set({ panelsSelectedPid: pid, panelsDetail: null });
      send({ type: 'process/inspect', pid });
    },

    sortProcessList(key) {
      const list = get().panelsList;
      const direction = list.sortKey === key && list.direction === 'asc' ? 'desc' : 'asc';
      set({ panelsList: { ...list, sortKey: key, direction } });
    },

    filterProcessList(filter) {
      set({ panelsList: { ...get().panelsList, ...filter } });
    },

    setSequencePids(pids) {
      set({ panelsSequencePids: [...new Set(pids)] });
    },

    toggleTreeNode(key) {
      const toggled = get().panelsTreeToggled;
      set({
        panelsTreeToggled: toggled.includes(key)
          ? toggled.filter((k) => k !== key)
          : [...toggled, key],
      });
    },

    pauseScheduler() {
      send({ type: 'scheduler/pause' });
    },
    resumeScheduler() {
      send({ type: 'scheduler/resume' });
    },
    stepScheduler() {
      send({ type: 'scheduler/step' });
    },
    setSchedulerSpeed(rate) {
      send({ type: 'scheduler/speed', rate });
    },
    killProcess(pid, reason = 'kill') {
      send({ type: 'process/kill', pid, reason });
    },
    clearTrace() {
      send({ type: 'trace/clear' });
    },

    seekRewind(index) {
      const timeline = get().panelsTimeline;
      if (!timeline || timeline.end <= timeline.first) return;
      const clamped = Math.max(timeline.first, Math.min(timeline.end - 1, Math.round(index)));
      if (clamped === get().panelsRewindIndex) return;
      set({ panelsRewindIndex: clamped });
      if (!seekInFlight) requestSeek(clamped);
    },

    stepRewind(delta) {
      const { panelsTimeline: timeline, panelsRewindIndex: index } = get();
      if (!timeline || timeline.end <= timeline.first) return;
      // From live, the present is just past the newest event: one step back shows that event.
      const from = index ?? timeline.end;
      const to = Math.max(timeline.first, Math.min(timeline.end - 1, from + delta));
      if (index === null && delta >= 0) return;
      get().seekRewind(to);
    },

    goLive() {
      const { panelsRewindIndex: index, panelsTimeline: timeline } = get();
      if (index === null && timeline?.source !== 'imported') return;
      leaveRewind();
      // An imported timeline is not the run's: hide it until the worker sends the live one.
      if (timeline?.source === 'imported') set({ panelsTimeline: null });
      send({ type: 'rewind/live' });
    },

    exportTrace() {
      if (!client) return Promise.reject(new Error('No chapter runtime to export from.'));
      const promise = new Promise<ExportedTrace>((resolve, reject) => {
        exports.push({ resolve, reject });
      });
      set({ panelsRewindError: null });
      send({ type: 'rewind/export' });
      return promise;
    },

    importTrace(text) {
      if (text.length > MAX_TRACE_FILE_BYTES) {
        set({ panelsRewindError: tooLargeMessage(text.length) });
        return;
      }
      set({ panelsRewindError: null });
      send({ type: 'rewind/import', json: text });
    },

    setHistoryCapacity(capacity) {
      const { min, max } = HISTORY_CAPACITY_RANGE;
      const kept = Math.max(min, Math.min(max, Math.round(capacity)));
      set({ panelsHistoryCapacity: kept });
      send({ type: 'rewind/capacity', capacity: kept });
    },

    setRewindError(message) {
      set({ panelsRewindError: message });
    },
  };
};

/** The message for a trace file too large to open. */
export function tooLargeMessage(bytes: number): string {
  const mb = (n: number) => `${Math.round(n / (1024 * 1024))} MB`;
  return `This file is ${mb(bytes)}; a trace file can be at most ${mb(MAX_TRACE_FILE_BYTES)}.`;
}
