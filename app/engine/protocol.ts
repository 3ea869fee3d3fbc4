/**
 * The one protocol between the page and the runtime worker: every message either side may send,
 * as closed discriminated unions, plus one validator per direction.
 *
 * Everything that crosses is structured-cloneable data (strings, numbers, plain objects): results
 * carry inspected text, never live terms. Validators run where messages arrive (the worker host
 * and the worker client), so a malformed message is reported as a clear error instead of
 * crashing either side. Nothing here touches the DOM or the worker globals.
 */

import type { ProcessChanges, ProcessDetail } from '../panels/model/processTable';
import type { SequenceChanges } from '../panels/model/sequenceModel';
import type { TreeNode } from '../panels/model/supervisionTree';
import type { RichOutput } from './richOutput';
import { MAX_WIDGET_VALUE, checkRichOutput } from './richOutput';
import { describeValue, isRecord } from './validation';

// The rich output kinds travel in `cell/rich`, so they are part of the wire vocabulary.
export type {
  ButtonOutput,
  FrameContent,
  FrameOutput,
  InputOutput,
  MarkdownOutput,
  MermaidOutput,
  NoticeOutput,
  RichOutput,
  SelectOutput,
  SequenceOutput,
  TableOutput,
  TextContent,
  TreeOutput,
  WidgetOutput,
} from './richOutput';

/** Where a cell's output went: kept apart so the page can style errors. */
export type OutputStream = 'stdout' | 'stderr';

/** A compile error at the cell's line (1-based) and column (0-based, as esbuild reports it). */
export interface CellCompileError {
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

/** How one run of a cell ended, as the page sees it. */
export type CellResult =
  /** Finished; `value` is the inspected value of the last expression, or null. */
  | { readonly status: 'ok'; readonly value: string | null }
  /** The cell threw; the evaluator carries on. */
  | { readonly status: 'error'; readonly message: string }
  /** The evaluator process exited (a linked crash, exit()); the next cell gets a fresh one. */
  | { readonly status: 'exit'; readonly reason: string }
  /** The cell did not compile. */
  | { readonly status: 'compile_error'; readonly error: CellCompileError }
  /** Stopped on request, before or while it ran. */
  | { readonly status: 'cancelled' }
  /** Stopped because it ran longer than its host allows (the headless chapter check). */
  | { readonly status: 'timeout' }
  /** The runtime was restarted or replaced while the run was pending; `message` says why. */
  | { readonly status: 'lost'; readonly message: string };

/** One piece of text a cell, or a process it started, wrote. */
export interface OutputChunk {
  readonly cellId: string;
  readonly stream: OutputStream;
  readonly text: string;
}

/** The three live panels. */
export type PanelName = 'tree' | 'processes' | 'sequence';

/** Which live panels the page shows: the worker builds updates only for these. */
export interface PanelsOpen {
  readonly tree: boolean;
  readonly processes: boolean;
  readonly sequence: boolean;
}

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

/** The scheduler as the controls show it. */
export interface SchedulerState {
  readonly paused: boolean;
  /** Speed of time: 1 is real time, 0.25 four times slower. */
  readonly rate: number;
}

/** Page -> worker. */
export type ToWorker =
  /** Compile and run `source` as cell `cellId`; runs are queued and run one at a time. */
  | {
      readonly type: 'cell/run';
      readonly runId: number;
      readonly cellId: string;
      readonly source: string;
    }
  /** Stop run `runId`: drop it if queued, kill the evaluator if it is running. */
  | { readonly type: 'cell/cancel'; readonly runId: number }
  /** Throw away the runtime and the engine (every process, every binding) and make new ones. */
  | { readonly type: 'runtime/restart' }
  /** Heartbeat: answered by a `pong` with the same `seq` as soon as the worker is free. */
  | { readonly type: 'ping'; readonly seq: number }
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
  /** A person used a widget of a rich output (`value`: the text or option; null for a click). */
  | {
      readonly type: 'widget/event';
      readonly cellId: string;
      readonly outputId: string;
      readonly widgetId: string;
      readonly value: string | null;
    }
  /** The page is idle: start the TypeScript compiler now (the first run starts it anyway). */
  | { readonly type: 'compiler/warm' };

/** What the live panels tell the worker (the page -> worker messages the panel feed takes). */
export type PanelsToWorker = Extract<
  ToWorker,
  {
    type:
      | 'panels/watch'
      | 'process/inspect'
      | 'process/kill'
      | 'scheduler/pause'
      | 'scheduler/resume'
      | 'scheduler/step'
      | 'scheduler/speed'
      | 'trace/clear';
  }
>;

/** Worker -> page. */
export type FromWorker =
  /** The worker is up and accepts messages (the compiler may still be starting). */
  | { readonly type: 'ready' }
  /** The TypeScript compiler started (or failed to) after `ms` milliseconds. */
  | {
      readonly type: 'compiler/status';
      readonly ok: boolean;
      readonly ms: number;
      readonly message: string | null;
    }
  /** Run `runId` left the queue and is running now. */
  | { readonly type: 'cell/started'; readonly runId: number; readonly cellId: string }
  /** Output of any cells since the last batch, in the order it was written. */
  | { readonly type: 'cell/output'; readonly chunks: readonly OutputChunk[] }
  /** A rich output (`viz`) of a cell, after the text written before it; same id replaces. */
  | { readonly type: 'cell/rich'; readonly cellId: string; readonly output: RichOutput }
  /** Run `runId` ended; all of its output so far was sent before this message. */
  | {
      readonly type: 'cell/done';
      readonly runId: number;
      readonly cellId: string;
      readonly result: CellResult;
      readonly ms: number;
    }
  /** A fresh runtime replaced the old one after `runtime/restart`. */
  | { readonly type: 'runtime/restarted' }
  | { readonly type: 'pong'; readonly seq: number }
  /** Something went wrong in the worker outside any cell (including a rejected message). */
  | { readonly type: 'worker/error'; readonly message: string }
  | PanelsUpdate
  /** The inspected process's mailbox and pending receive; null detail when it is gone. */
  | {
      readonly type: 'process/details';
      readonly pid: number;
      readonly detail: ProcessDetail | null;
    }
  | ({ readonly type: 'scheduler/state' } & SchedulerState);

/**
 * The worker's messages about cell runs, which the page's notebook applies as they arrive: one
 * vocabulary from the engine's session through the worker and the client to the notebook.
 */
export type CellMessage = Extract<
  FromWorker,
  { type: 'cell/started' | 'cell/output' | 'cell/rich' | 'cell/done' }
>;

/** The outcome of validating an arriving message. */
export type Parsed<T> =
  { readonly ok: true; readonly message: T } | { readonly ok: false; readonly error: string };

type Shape = Record<string, 'string' | 'number' | 'boolean' | 'string|null' | Check>;
type Check = (value: unknown) => string | null;

const TO_WORKER: Record<ToWorker['type'], Shape> = {
  'cell/run': { runId: 'number', cellId: 'string', source: 'string' },
  'cell/cancel': { runId: 'number' },
  'runtime/restart': {},
  ping: { seq: 'number' },
  'panels/watch': { open: checkPanelsOpen, treeToggled: checkStrings },
  'process/inspect': { pid: checkPidOrNull },
  'process/kill': { pid: checkPid, reason: 'string' },
  'scheduler/pause': {},
  'scheduler/resume': {},
  'scheduler/step': {},
  'scheduler/speed': { rate: checkRate },
  'trace/clear': {},
  'widget/event': {
    cellId: 'string',
    outputId: 'string',
    widgetId: 'string',
    value: checkWidgetValue,
  },
  'compiler/warm': {},
};

const FROM_WORKER: Record<FromWorker['type'], Shape> = {
  ready: {},
  'compiler/status': { ok: 'boolean', ms: 'number', message: 'string|null' },
  'cell/started': { runId: 'number', cellId: 'string' },
  'cell/output': { chunks: checkChunks },
  'cell/rich': { cellId: 'string', output: checkRichOutput },
  'cell/done': { runId: 'number', cellId: 'string', result: checkResult, ms: 'number' },
  'runtime/restarted': {},
  pong: { seq: 'number' },
  'worker/error': { message: 'string' },
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
};

/** Validates a message arriving in the worker. */
export function parseToWorker(data: unknown): Parsed<ToWorker> {
  return parse<ToWorker>(data, TO_WORKER, 'page -> worker');
}

/** Validates a message arriving on the page from the worker. */
export function parseFromWorker(data: unknown): Parsed<FromWorker> {
  return parse<FromWorker>(data, FROM_WORKER, 'worker -> page');
}

function parse<T>(data: unknown, shapes: Record<string, Shape>, direction: string): Parsed<T> {
  const fail = (why: string): Parsed<T> => ({
    ok: false,
    error: `Rejected a malformed ${direction} message: ${why}.`,
  });
  if (!isRecord(data)) return fail(`expected an object, got ${describeValue(data)}`);
  const { type } = data;
  if (typeof type !== 'string') return fail('it has no string "type"');
  const shape = Object.hasOwn(shapes, type) ? shapes[type] : undefined;
  if (!shape) return fail(`unknown type ${JSON.stringify(type)}`);
  const problem = checkShape(data, shape);
  if (problem) return fail(`${type}: ${problem}`);
  return { ok: true, message: data as T };
}

function checkShape(data: Record<string, unknown>, shape: Shape): string | null {
  for (const [key, expected] of Object.entries(shape)) {
    const value = data[key];
    if (typeof expected === 'function') {
      const problem = expected(value);
      if (problem) return `"${key}" ${problem}`;
    } else if (expected === 'string|null') {
      if (value !== null && typeof value !== 'string')
        return `"${key}" should be a string or null, got ${describeValue(value)}`;
    } else if (expected === 'number') {
      if (typeof value !== 'number' || !Number.isFinite(value))
        return `"${key}" should be a finite number, got ${describeValue(value)}`;
    } else if (typeof value !== expected) {
      return `"${key}" should be a ${expected}, got ${describeValue(value)}`;
    }
  }
  return null;
}

function checkChunks(value: unknown): string | null {
  if (!Array.isArray(value)) return `should be an array, got ${describeValue(value)}`;
  for (const [index, chunk] of value.entries()) {
    if (!isRecord(chunk)) return `[${index}] should be an object`;
    const problem = checkShape(chunk, { cellId: 'string', text: 'string', stream: checkStream });
    if (problem) return `[${index}].${problem}`;
  }
  return null;
}

function checkStream(value: unknown): string | null {
  return value === 'stdout' || value === 'stderr'
    ? null
    : `should be "stdout" or "stderr", got ${describeValue(value)}`;
}

const RESULT_SHAPES: Record<CellResult['status'], Shape> = {
  ok: { value: 'string|null' },
  error: { message: 'string' },
  exit: { reason: 'string' },
  compile_error: {
    error: (value) =>
      isRecord(value)
        ? checkShape(value, { message: 'string', line: 'number', column: 'number' })
        : `should be an object, got ${describeValue(value)}`,
  },
  cancelled: {},
  timeout: {},
  lost: { message: 'string' },
};

function checkResult(value: unknown): string | null {
  if (!isRecord(value)) return `should be an object, got ${describeValue(value)}`;
  const { status } = value;
  const shape =
    typeof status === 'string' && Object.hasOwn(RESULT_SHAPES, status)
      ? RESULT_SHAPES[status as CellResult['status']]
      : undefined;
  if (!shape) return `has an unknown status ${describeValue(status)}`;
  const problem = checkShape(value, shape);
  return problem ? `(${status}) ${problem}` : null;
}

// ------------------------------------------------------------------ live panels

function checkPanelsOpen(value: unknown): string | null {
  if (!isRecord(value)) return `should be an object, got ${describeValue(value)}`;
  return checkShape(value, { tree: 'boolean', processes: 'boolean', sequence: 'boolean' });
}

function checkStrings(value: unknown): string | null {
  if (!Array.isArray(value)) return `should be an array, got ${describeValue(value)}`;
  const index = value.findIndex((item) => typeof item !== 'string');
  return index < 0 ? null : `[${index}] should be a string`;
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
  const index = value.findIndex((v) => v !== 'tree' && v !== 'processes' && v !== 'sequence');
  return index < 0 ? null : `[${index}] should be a panel name, got ${describeValue(value[index])}`;
}

/** Checks an array of records, each with the given fields (the rest of an item is trusted). */
function checkItems(value: unknown, shape: Shape): string | null {
  if (!Array.isArray(value)) return `should be an array, got ${describeValue(value)}`;
  for (const [index, item] of value.entries()) {
    if (!isRecord(item)) return `[${index}] should be an object`;
    const problem = checkShape(item, shape);
    if (problem) return `[${index}].${problem}`;
  }
  return null;
}

function checkNullOr(value: unknown, shape: Shape): string | null {
  if (value === null) return null;
  if (!isRecord(value)) return `should be an object or null, got ${describeValue(value)}`;
  return checkShape(value, shape);
}

function checkProcessChanges(value: unknown): string | null {
  return checkNullOr(value, {
    version: 'number',
    upserts: (rows) =>
      checkItems(rows, {
        id: checkPid,
        pid: 'string',
        status: 'string',
        queueLength: 'number',
        links: (links) => (links instanceof Set ? null : 'should be a Set'),
      }),
    removed: checkNumbers,
  });
}

function checkNumbers(value: unknown): string | null {
  if (!Array.isArray(value)) return `should be an array, got ${describeValue(value)}`;
  const index = value.findIndex((item) => typeof item !== 'number');
  return index < 0 ? null : `[${index}] should be a number`;
}

function checkSequenceChanges(value: unknown): string | null {
  return checkNullOr(value, {
    version: 'number',
    added: (items) => checkItems(items, { type: 'string', seq: 'number', label: 'string' }),
    updated: (items) => checkItems(items, { type: 'string', seq: 'number', state: 'string' }),
    firstSeq: 'number',
    names: (names) =>
      Array.isArray(names) &&
      names.every((n) => Array.isArray(n) && typeof n[0] === 'number' && typeof n[1] === 'string')
        ? null
        : 'should be [pid, name] pairs',
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

function checkWidgetValue(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') return `should be a string or null, got ${describeValue(value)}`;
  return value.length <= MAX_WIDGET_VALUE
    ? null
    : `is longer than ${MAX_WIDGET_VALUE} characters (${value.length})`;
}
