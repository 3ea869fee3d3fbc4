/**
 * The runtime worker host: the only file that calls `postMessage`/`onmessage` for the runtime.
 *
 * It owns one real-clock runtime and one NotebookEngine (a "session"), runs cells one at a time
 * in the order they arrive, and answers pings while it is free. Messages are validated on arrival
 * (app/engine/protocol.ts); a malformed one is answered with `worker/error` and otherwise ignored.
 *
 * Output is batched: chunks are collected and posted at most once per BATCH_MS, so a process that
 * prints in a tight loop costs the page a few messages a second, not one per line. A run's output
 * is always flushed before its `cell/done`. A restart drops the whole session; a generation number
 * keeps whatever the old session still reports (late output, a run that resolves during shutdown)
 * from reaching the page.
 *
 * Rich outputs (`viz`) are not batched: each is posted as `cell/rich` right after the text
 * buffered before it, so the page sees text and rich outputs in the order they were made (viz
 * itself caps how many a cell may make and how often an animation redraws).
 */
import { createRuntime } from '../../runtime/index';
import type { Runtime } from '../../runtime/index';
import { esbuildTransform, startEsbuild } from '../engine/esbuildWasm';
import type { CellRun } from '../engine/notebookEngine';
import { NotebookEngine } from '../engine/notebookEngine';
import type { CellResult, FromWorker, OutputChunk, ToWorker } from '../engine/protocol';
import { parseToWorker } from '../engine/protocol';
import { isPanelsToWorker } from '../panels/model/panelMessages';
import { PanelHost } from '../panels/panelFeed';

/** Longest time output waits in the worker before it is posted (about two animation frames). */
const BATCH_MS = 32;

/** The few worker globals used here, typed without pulling the WebWorker lib into the app. */
interface WorkerScope {
  postMessage(message: FromWorker): void;
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
  addEventListener(
    type: 'error' | 'unhandledrejection',
    listener: (event: Event & { message?: string; reason?: unknown }) => void,
  ): void;
}

interface Session {
  readonly generation: number;
  readonly runtime: Runtime;
  readonly engine: NotebookEngine;
}

interface PendingRun {
  readonly runId: number;
  readonly cellId: string;
  readonly source: string;
  cancelled: boolean;
}

const scope = self as unknown as WorkerScope;
/** The live panels: a feed per session, fed by the session's trace. */
const panels = new PanelHost({ post });
let session = newSession(1);
let queue: PendingRun[] = [];
let running: PendingRun | null = null;
let buffered: OutputChunk[] = [];
let flushTimer: ReturnType<typeof setTimeout> | null = null;

function post(message: FromWorker): void {
  scope.postMessage(message);
}

function newSession(generation: number): Session {
  const runtime = createRuntime({ clock: 'real' });
  const engine = new NotebookEngine({
    runtime,
    transform: esbuildTransform,
    onOutput: ({ cellId, stream, text }) => {
      if (session.generation === generation) bufferOutput({ cellId, stream, text });
    },
    onRich: ({ cellId, output }) => {
      if (session.generation !== generation) return;
      flushOutput(); // the text written before it reaches the page before it
      post({ type: 'cell/rich', cellId, output });
    },
  });
  panels.attach(runtime);
  return { generation, runtime, engine };
}

function bufferOutput(chunk: OutputChunk): void {
  const last = buffered.at(-1);
  if (last && last.cellId === chunk.cellId && last.stream === chunk.stream) {
    buffered[buffered.length - 1] = { ...last, text: last.text + chunk.text };
  } else {
    buffered.push(chunk);
  }
  flushTimer ??= setTimeout(flushOutput, BATCH_MS);
}

function flushOutput(): void {
  if (flushTimer !== null) clearTimeout(flushTimer);
  flushTimer = null;
  if (buffered.length === 0) return;
  const chunks = buffered;
  buffered = [];
  post({ type: 'cell/output', chunks });
}

function finish(run: PendingRun, result: CellResult, ms: number): void {
  flushOutput();
  post({ type: 'cell/done', runId: run.runId, cellId: run.cellId, result, ms });
}

/** Runs queued cells one after another; a no-op while one runs. */
async function pump(): Promise<void> {
  if (running) return;
  const run = queue.shift();
  if (!run) return;
  running = run;
  const { generation, engine } = session;
  post({ type: 'cell/started', runId: run.runId, cellId: run.cellId });
  let started = performance.now();
  let result: CellResult;
  try {
    void warmCompiler();
    await startEsbuild();
    started = performance.now(); // the compiler's start-up is not the cell's time
    result = run.cancelled
      ? { status: 'cancelled' }
      : toResult(await engine.runCell(run.cellId, run.source), run.cancelled);
  } catch (e) {
    result = { status: 'error', message: e instanceof Error ? e.message : String(e) };
  }
  if (session.generation !== generation) return; // restart() already reported this run as lost
  running = null;
  finish(run, result, performance.now() - started);
  void pump();
}

function toResult(run: CellRun, cancelled: boolean): CellResult {
  switch (run.status) {
    case 'ok':
      return { status: 'ok', value: run.value };
    case 'error':
      return { status: 'error', message: run.message };
    case 'exit':
      return cancelled ? { status: 'cancelled' } : { status: 'exit', reason: run.reason };
    case 'compile_error':
      return { status: 'compile_error', error: { ...run.error } };
  }
}

function cancel(runId: number): void {
  const queued = queue.find((run) => run.runId === runId);
  if (queued) {
    queue = queue.filter((run) => run !== queued);
    finish(queued, { status: 'cancelled' }, 0);
  } else if (running?.runId === runId) {
    running.cancelled = true;
    session.engine.cancel();
  }
}

function restart(): void {
  const lost = [...(running ? [running] : []), ...queue];
  running = null;
  queue = [];
  const old = session;
  session = newSession(old.generation + 1);
  try {
    old.runtime.shutdown();
  } catch (e) {
    post({ type: 'worker/error', message: `Shutting the old runtime down failed: ${String(e)}` });
  }
  buffered = [];
  for (const run of lost) {
    finish(
      run,
      { status: 'lost', message: 'The runtime was restarted before this run finished.' },
      0,
    );
  }
  post({ type: 'runtime/restarted' });
}

function handle(message: ToWorker): void {
  if (isPanelsToWorker(message)) {
    panels.handle(message);
    return;
  }
  switch (message.type) {
    case 'cell/run':
      queue.push({ ...message, cancelled: false });
      void pump();
      return;
    case 'cell/cancel':
      cancel(message.runId);
      return;
    case 'runtime/restart':
      restart();
      return;
    case 'ping':
      post({ type: 'pong', seq: message.seq });
      return;
    case 'widget/event':
      session.engine.widgetEvent(message.cellId, message.widgetId, message.value);
      return;
    case 'compiler/warm':
      void warmCompiler();
      return;
  }
}

scope.onmessage = (event) => {
  const parsed = parseToWorker(event.data);
  if (parsed.ok) handle(parsed.message);
  else post({ type: 'worker/error', message: parsed.error });
};
scope.addEventListener('error', (event) => {
  post({
    type: 'worker/error',
    message: `Uncaught in the worker: ${event.message ?? 'unknown error'}`,
  });
});
scope.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  const reason = event.reason instanceof Error ? event.reason.message : String(event.reason);
  post({ type: 'worker/error', message: `Unhandled rejection in the worker: ${reason}` });
});
post({ type: 'ready' });

let compilerWarming: Promise<void> | null = null;

/**
 * Starts the compiler once and reports it as `compiler/status`: on the page's `compiler/warm`
 * (sent once the page is idle) or on the first run, whichever comes first. Not at start-up:
 * esbuild.wasm is megabytes that a reader who only reads never needs. A failure is reported and
 * forgotten, so the next run tries again.
 */
function warmCompiler(): Promise<void> {
  if (compilerWarming) return compilerWarming;
  const started = performance.now();
  compilerWarming = startEsbuild().then(
    () => {
      post({ type: 'compiler/status', ok: true, ms: performance.now() - started, message: null });
    },
    (e: unknown) => {
      compilerWarming = null;
      const message = e instanceof Error ? e.message : String(e);
      post({ type: 'compiler/status', ok: false, ms: performance.now() - started, message });
    },
  );
  return compilerWarming;
}
