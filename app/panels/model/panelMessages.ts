/**
 * The messages of the live panels, both ways, and their validators: the panels' part of the one
 * page <-> worker protocol (`app/engine/protocol.ts` joins them into its unions and tables).
 *
 * Kept with the panels so a panel and its messages change together: `PANEL_NAMES` is the one
 * list of panels; the open flags, the resets and their checks all follow from it. Types and pure
 * checks only: no DOM, no runtime, so the engine, the worker host and the page may all import it.
 */
import type { Shape } from '../../engine/validation';
import {
  checkItems,
  checkNullOr,
  checkNumbers,
  checkShape,
  checkStrings,
  describeValue,
  isRecord,
} from '../../engine/validation';
import type { ProcessChanges, ProcessDetail, ProcessRow } from './processTable';
import type { SequenceChanges, SequenceItem } from './sequenceModel';
import type { TreeNode } from './supervisionTree';

/** The live panels, in the order the dock shows them. A new panel starts here. */
export const PANEL_NAMES = ['tree', 'processes', 'sequence'] as const;

/** One of the live panels. */
export type PanelName = (typeof PANEL_NAMES)[number];

/** True for the name of a live panel. */
export function isPanelName(value: unknown): value is PanelName {
  return (PANEL_NAMES as readonly unknown[]).includes(value);
}

/** Which live panels the page shows: the worker builds updates only for these. */
export type PanelsOpen = Readonly<Record<PanelName, boolean>>;

/** Every panel closed: what the page asks for while the dock is hidden or folded. */
export const ALL_CLOSED: PanelsOpen = Object.freeze(
  Object.fromEntries(PANEL_NAMES.map((name) => [name, false])) as Record<PanelName, boolean>,
);

/** The supervision forest to draw (`supervisionForest` output, collapsed nodes without children). */
export interface TreeUpdate {
  readonly roots: readonly TreeNode[];
  readonly unlinked: number;
  readonly version: number;
}

/** One throttled, coalesced update of the live panels (at most one every ~100 ms). */
export interface PanelsUpdate {
  readonly type: 'panels/update';
  /** Panels whose copy the page drops before applying (a new session, a cleared trace). */
  readonly reset: readonly PanelName[];
  readonly processes: ProcessChanges | null;
  readonly sequence: SequenceChanges | null;
  readonly tree: TreeUpdate | null;
  /** When the oldest event in this update happened (`performance.timeOrigin + now()`), or null. */
  readonly since: number | null;
  /** When the worker posted it, on the same clock. */
  readonly sentAt: number;
  /** Trace events left out because the worker fell behind (the table was re-read instead). */
  readonly skipped: number;
  /** Changed rows held back for the next update (each update carries a bounded number). */
  readonly backlog: number;
}

/** What a mark on the rewind timeline stands for. */
export type TimelineMarkKind = 'crash' | 'restart' | 'exit';

/** One mark on the timeline: an event worth finding again. */
export interface TimelineMark {
  /** The event's position in the run (see `TimelineUpdate`). */
  readonly index: number;
  readonly kind: TimelineMarkKind;
  readonly pid: number;
  readonly time: number;
  /** One line for the mark's tooltip: who, and why. */
  readonly text: string;
}

/**
 * The run's history as the timeline draws it. Positions count the run's events from 0: the
 * history holds positions `first` to `end - 1` (older ones were dropped to bound memory).
 */
export interface TimelineUpdate {
  /** 'live': the running runtime's history; 'imported': a trace loaded from a file. */
  readonly source: 'live' | 'imported';
  readonly first: number;
  readonly end: number;
  /** Clock times (ms) of the oldest and newest kept events; 0 when there are none. */
  readonly firstTime: number;
  readonly endTime: number;
  /** Events dropped from the start because the history is full (the same as `first`). */
  readonly dropped: number;
  /** Events the panels skipped when the runtime outran them: the history has a gap there. */
  readonly skipped: number;
  /** The most events kept. */
  readonly capacity: number;
  /** Marks within the kept history, oldest first (at most `MAX_TIMELINE_MARKS`, the newest). */
  readonly marks: readonly TimelineMark[];
}

/** The history sizes a learner may choose: from 10,000 events to 2,000,000. */
export const HISTORY_CAPACITY_RANGE = { min: 10_000, max: 2_000_000 } as const;

/** Most marks a timeline update carries. */
export const MAX_TIMELINE_MARKS = 1000;

/** The panels at one past moment: the answer to `rewind/seek`. */
export interface RewindFrame {
  readonly type: 'rewind/frame';
  readonly source: 'live' | 'imported';
  /** The position shown, and that event's trace number and clock time. */
  readonly index: number;
  readonly seq: number;
  readonly time: number;
  /** The event at `index`, in one line. */
  readonly event: string;
  /** Every process alive at that moment (the processes panel's rows then). */
  readonly rows: readonly ProcessRow[];
  readonly tree: TreeUpdate;
  /**
   * The sequence trace around the moment: items up to the event as they stood then, followed
   * by up to a few hundred later items (the page dims those, from `seq` on).
   */
  readonly sequence: {
    readonly items: readonly SequenceItem[];
    readonly names: readonly (readonly [number, string])[];
  };
  /** The inspected process at that moment (its mailbox then), or null. */
  readonly detail: ProcessDetail | null;
}

/** The scheduler as the controls show it. */
export interface SchedulerState {
  readonly paused: boolean;
  /** Speed of time: 1 is real time, 0.25 four times slower. */
  readonly rate: number;
}

/** Page -> worker: what the live panels ask of the worker's panel feed. */
export type PanelsToWorker =
  /** Which panels are open and which tree nodes the person folded or unfolded. */
  | {
      readonly type: 'panels/watch';
      readonly open: PanelsOpen;
      readonly treeToggled: readonly string[];
    }
  /** Show this process's mailbox (answered now and after its row changes), or stop with null. */
  | { readonly type: 'process/inspect'; readonly pid: number | null }
  | { readonly type: 'process/kill'; readonly pid: number; readonly reason: string }
  | { readonly type: 'scheduler/pause' }
  | { readonly type: 'scheduler/resume' }
  /** While paused: run exactly one scheduling step, then pause again. */
  | { readonly type: 'scheduler/step' }
  | { readonly type: 'scheduler/speed'; readonly rate: number }
  /** Forget the sequence trace so far. */
  | { readonly type: 'trace/clear' }
  /** Show the panels as they were after event `index` (clamped to the kept history). */
  | { readonly type: 'rewind/seek'; readonly index: number }
  /** Back to the running system (and away from an imported trace). */
  | { readonly type: 'rewind/live' }
  /** Ask for the kept history as a JSON file's text (`rewind/exported`). */
  | { readonly type: 'rewind/export' }
  /** Look at a trace exported earlier (the text of its JSON file). */
  | { readonly type: 'rewind/import'; readonly json: string }
  /** How many events the history keeps at least (`HISTORY_CAPACITY_RANGE`). */
  | { readonly type: 'rewind/capacity'; readonly capacity: number };

/** Worker -> page: what the panel feed tells the panels' store. */
export type PanelsFromWorker =
  | PanelsUpdate
  /** The inspected process's mailbox and pending receive; null detail when it is gone. */
  | {
      readonly type: 'process/details';
      readonly pid: number;
      readonly detail: ProcessDetail | null;
    }
  | ({ readonly type: 'scheduler/state' } & SchedulerState)
  | ({ readonly type: 'rewind/timeline' } & TimelineUpdate)
  | RewindFrame
  | { readonly type: 'rewind/exported'; readonly json: string; readonly events: number }
  /** Why an import or export could not be done, for the timeline to show. */
  | { readonly type: 'rewind/error'; readonly message: string };

/** The fields of each page -> worker panel message (the protocol checks them on arrival). */
export const PANELS_TO_WORKER: Readonly<Record<PanelsToWorker['type'], Shape>> = {
  'panels/watch': { open: checkPanelsOpen, treeToggled: checkStrings },
  'process/inspect': { pid: checkPidOrNull },
  'process/kill': { pid: checkPid, reason: 'string' },
  'scheduler/pause': {},
  'scheduler/resume': {},
  'scheduler/step': {},
  'scheduler/speed': { rate: checkRate },
  'trace/clear': {},
  'rewind/seek': { index: checkIndex },
  'rewind/live': {},
  'rewind/export': {},
  'rewind/import': { json: 'string' },
  'rewind/capacity': { capacity: checkCapacity },
};

/** The fields of each worker -> page panel message. */
export const PANELS_FROM_WORKER: Readonly<Record<PanelsFromWorker['type'], Shape>> = {
  'panels/update': {
    reset: checkReset,
    processes: checkProcessChanges,
    sequence: checkSequenceChanges,
    tree: checkTreeUpdate,
    since: checkNumberOrNull,
    sentAt: 'number',
    skipped: 'number',
    backlog: 'number',
  },
  'process/details': { pid: checkPid, detail: checkDetail },
  'scheduler/state': { paused: 'boolean', rate: checkRate },
  'rewind/timeline': {
    source: checkSource,
    first: checkIndex,
    end: checkIndex,
    firstTime: 'number',
    endTime: 'number',
    dropped: checkIndex,
    skipped: checkIndex,
    capacity: checkIndex,
    marks: (marks) =>
      checkItems(marks, { index: checkIndex, kind: checkMarkKind, pid: checkPid, text: 'string' }),
  },
  'rewind/frame': {
    source: checkSource,
    index: checkIndex,
    seq: 'number',
    time: 'number',
    event: 'string',
    rows: (rows) => checkItems(rows, ROW_SHAPE),
    tree: (tree) => (tree === null ? 'should be a tree' : checkTreeUpdate(tree)),
    sequence: (sequence) =>
      isRecord(sequence)
        ? checkShape(sequence, {
            items: (items) => checkItems(items, ITEM_SHAPE),
            names: checkNames,
          })
        : `should be an object, got ${describeValue(sequence)}`,
    detail: checkDetail,
  },
  'rewind/exported': { json: 'string', events: checkIndex },
  'rewind/error': { message: 'string' },
};

/** True for a (validated) page -> worker message the panel feed takes. */
export function isPanelsToWorker<M extends { readonly type: string }>(
  message: M,
): message is Extract<M, PanelsToWorker> {
  return Object.hasOwn(PANELS_TO_WORKER, message.type);
}

/** True for a (validated) worker -> page message that goes to the panels' store. */
export function isPanelsFromWorker<M extends { readonly type: string }>(
  message: M,
): message is Extract<M, PanelsFromWorker> {
  return Object.hasOwn(PANELS_FROM_WORKER, message.type);
}

function checkPanelsOpen(value: unknown): string | null {
  if (!isRecord(value)) return `should be an object, got ${describeValue(value)}`;
  return checkShape(
    value,
    Object.fromEntries(PANEL_NAMES.map((name) => [name, 'boolean' as const])),
  );
}

function checkPid(value: unknown): string | null {
  return Number.isSafeInteger(value) && (value as number) >= 0
    ? null
    : `should be a pid number, got ${describeValue(value)}`;
}

function checkPidOrNull(value: unknown): string | null {
  return value === null ? null : checkPid(value);
}

function checkNumberOrNull(value: unknown): string | null {
  return value === null || (typeof value === 'number' && Number.isFinite(value))
    ? null
    : `should be a finite number or null, got ${describeValue(value)}`;
}

function checkRate(value: unknown): string | null {
  return typeof value === 'number' && value > 0 && value <= 16
    ? null
    : `should be a speed between 0 and 16, got ${describeValue(value)}`;
}

function checkReset(value: unknown): string | null {
  if (!Array.isArray(value)) return `should be an array, got ${describeValue(value)}`;
  const index = value.findIndex((v) => !isPanelName(v));
  return index < 0 ? null : `[${index}] should be a panel name, got ${describeValue(value[index])}`;
}

function checkIndex(value: unknown): string | null {
  return Number.isSafeInteger(value) && (value as number) >= 0
    ? null
    : `should be a position (a whole number from 0), got ${describeValue(value)}`;
}

function checkCapacity(value: unknown): string | null {
  const { min, max } = HISTORY_CAPACITY_RANGE;
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max
    ? null
    : `should be a whole number of events from ${min} to ${max}, got ${describeValue(value)}`;
}

function checkSource(value: unknown): string | null {
  return value === 'live' || value === 'imported'
    ? null
    : `should be 'live' or 'imported', got ${describeValue(value)}`;
}

function checkMarkKind(value: unknown): string | null {
  return value === 'crash' || value === 'restart' || value === 'exit'
    ? null
    : `should be a mark kind, got ${describeValue(value)}`;
}

function checkNames(names: unknown): string | null {
  return Array.isArray(names) &&
    names.every((n) => Array.isArray(n) && typeof n[0] === 'number' && typeof n[1] === 'string')
    ? null
    : 'should be [pid, name] pairs';
}

const ROW_SHAPE: Shape = {
  id: checkPid,
  pid: 'string',
  status: 'string',
  queueLength: 'number',
  links: (links) => (links instanceof Set ? null : 'should be a Set'),
};

const ITEM_SHAPE: Shape = { type: 'string', seq: 'number', label: 'string' };

function checkProcessChanges(value: unknown): string | null {
  return checkNullOr(value, {
    version: 'number',
    upserts: (rows) => checkItems(rows, ROW_SHAPE),
    removed: checkNumbers,
  });
}

function checkSequenceChanges(value: unknown): string | null {
  return checkNullOr(value, {
    version: 'number',
    added: (items) => checkItems(items, ITEM_SHAPE),
    updated: (items) => checkItems(items, { type: 'string', seq: 'number', state: 'string' }),
    firstSeq: 'number',
    names: checkNames,
  });
}

function checkTreeUpdate(value: unknown): string | null {
  return checkNullOr(value, {
    roots: (roots) =>
      checkItems(roots, { key: 'string', status: 'string', children: (c) => checkItems(c, {}) }),
    unlinked: 'number',
    version: 'number',
  });
}

function checkDetail(value: unknown): string | null {
  return checkNullOr(value, {
    id: checkPid,
    pid: 'string',
    status: 'string',
    queueLength: 'number',
    messages: checkStrings,
    omitted: 'number',
  });
}
