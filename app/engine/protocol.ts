/**
 * The one protocol between the page and the runtime worker: every message either side may send,
 * as closed discriminated unions, plus one validator per direction.
 *
 * Everything that crosses is structured-cloneable data (strings, numbers, plain objects): results
 * carry inspected text, never live terms. Validators run where messages arrive (the worker host
 * and the worker client), so a malformed message is reported as a clear error instead of
 * crashing either side. Nothing here touches the DOM or the worker globals.
 */

import type { PanelsFromWorker, PanelsToWorker } from '../panels/model/panelMessages';
import { PANELS_FROM_WORKER, PANELS_TO_WORKER } from '../panels/model/panelMessages';
import type { ChapterCheckReport } from './chapterCheck';

// `chapter/checked` carries the chapter check's report, so its types are wire vocabulary too.
export type { ChapterCheckReport, ChapterFailure } from './chapterCheck';
export type { ChapterError } from './chapterFormat';
import type { RichOutput } from './richOutput';
import { MAX_WIDGET_VALUE, checkRichOutput } from './richOutput';
import type { Shape } from './validation';
import { checkItems, checkShape, describeValue, isRecord } from './validation';

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
  ViewOutput,
} from './richOutput';
// A view's tree travels in `cell/rich`; the page applies its patches and reads its text.
export type { ViewElement, ViewNode, ViewPatch } from './viewTree';
export { applyViewPatches, checkAttr } from './viewTree';

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

/**
 * The handshake: the page's first message on the worker's own channel, and the only one. It
 * carries (and transfers) one end of a MessageChannel; every other message, both ways, travels on
 * that port. The worker host keeps the port in its module scope, out of reach of cell code, which
 * shares the worker's global scope: so a cell calling `postMessage` itself, or replacing
 * `self.onmessage`, reaches nothing the page believes. (`port` is a MessagePort; this file knows
 * no DOM types.)
 */
export interface HostConnect {
  readonly type: 'host/connect';
  readonly port: unknown;
}

/** The handshake's type, the one message a worker host takes on its own channel. */
export const HOST_CONNECT = 'host/connect';

/** True for the handshake message (the caller checks that `port` is a real MessagePort). */
export function isHostConnect(data: unknown): data is HostConnect {
  return isRecord(data) && data.type === HOST_CONNECT && 'port' in data;
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
  /** A person used a widget of a rich output (`value`: the text or option; null for a click). */
  | {
      readonly type: 'widget/event';
      readonly cellId: string;
      readonly outputId: string;
      readonly widgetId: string;
      readonly value: string | null;
    }
  /** The page is idle: start the TypeScript compiler now (the first run starts it anyway). */
  | { readonly type: 'compiler/warm' }
  /**
   * Check a chapter file the way `npm run chapters:check` does, in a session of its own on a
   * virtual-time runtime (the notebook's runtime is not touched); answered by `chapter/checked`.
   */
  | {
      readonly type: 'chapter/check';
      readonly checkId: number;
      readonly fileName: string;
      readonly text: string;
    }
  /** The live panels' messages (app/panels/model/panelMessages.ts). */
  | PanelsToWorker;

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
  /** The outcome of `chapter/check` `checkId`. */
  | {
      readonly type: 'chapter/checked';
      readonly checkId: number;
      readonly report: ChapterCheckReport;
    }
  /** Something went wrong in the worker outside any cell (including a rejected message). */
  | { readonly type: 'worker/error'; readonly message: string }
  /** The live panels' messages (app/panels/model/panelMessages.ts). */
  | PanelsFromWorker;

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

const TO_WORKER: Record<ToWorker['type'], Shape> = {
  'cell/run': { runId: 'number', cellId: 'string', source: 'string' },
  'cell/cancel': { runId: 'number' },
  'runtime/restart': {},
  ping: { seq: 'number' },
  'widget/event': {
    cellId: 'string',
    outputId: 'string',
    widgetId: 'string',
    value: checkWidgetValue,
  },
  'compiler/warm': {},
  'chapter/check': { checkId: 'number', fileName: 'string', text: 'string' },
  ...PANELS_TO_WORKER,
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
  'chapter/checked': { checkId: 'number', report: checkCheckReport },
  'worker/error': { message: 'string' },
  ...PANELS_FROM_WORKER,
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

function checkCheckReport(value: unknown): string | null {
  if (!isRecord(value)) return `should be an object, got ${describeValue(value)}`;
  if (value['kind'] === 'malformed') {
    return checkShape(value, {
      errors: (errors) =>
        checkItems(errors, { line: 'number', column: 'number', message: 'string' }),
    });
  }
  if (value['kind'] === 'checked') {
    return checkShape(value, {
      failures: (failures) =>
        checkItems(failures, {
          cellLine: 'number',
          line: 'number',
          key: 'string',
          expected: 'string',
          actual: 'string',
        }),
    });
  }
  return `has an unknown kind ${describeValue(value['kind'])}`;
}

function checkWidgetValue(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') return `should be a string or null, got ${describeValue(value)}`;
  return value.length <= MAX_WIDGET_VALUE
    ? null
    : `is longer than ${MAX_WIDGET_VALUE} characters (${value.length})`;
}
