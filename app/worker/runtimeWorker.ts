/**
 * The runtime worker host: the only file that calls `postMessage`/`onmessage` for the runtime.
 *
 * A thin adapter over the engine's run Session (app/engine/session.ts), which owns the runtime,
 * the queue of runs, cancel and restart: this file validates what arrives
 * (app/engine/protocol.ts; a malformed message is answered with `worker/error` and otherwise
 * ignored), hands cell messages to the session and posts the session's events, which are
 * already protocol messages. It answers pings while it is free, and starts the compiler.
 *
 * Output is batched here, because batching is about the cost of `postMessage`: chunks are
 * collected and posted at most once per BATCH_MS, so a process that prints in a tight loop costs
 * the page a few messages a second, not one per line. Every other event of the session (a rich
 * output, a run's `cell/done`) is posted right after the text buffered before it, so the page
 * sees everything in the order it was made (viz itself caps how many outputs a cell may make and
 * how often an animation redraws).
 */
import { createRuntime } from '../../runtime/index';
import type { SessionEvent } from '../engine/index';
import { Session, checkChapterText, esbuildTransform, startEsbuild } from '../engine/index';
import type { FromWorker, OutputChunk, ToWorker } from '../engine/protocol';
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

const scope = self as unknown as WorkerScope;
/** The live panels: a feed per runtime, fed by the runtime's trace. */
const panels = new PanelHost({ post });
let buffered: OutputChunk[] = [];
let flushTimer: ReturnType<typeof setTimeout> | null = null;

/** The worker's clock and timers, for the notebook's session and the chapter check's. */
const workerTime = {
  now: () => performance.now(),
  setTimer: (callback: () => void, ms: number) => setTimeout(callback, ms),
  clearTimer: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const session = new Session({
  createRuntime: () => createRuntime({ clock: 'real' }),
  transform: esbuildTransform,
  ...workerTime,
  prepare: async () => {
    void warmCompiler();
    await startEsbuild();
  },
  onRuntime: (runtime) => panels.attach(runtime),
  onShutdownError: (message) => post({ type: 'worker/error', message }),
  onEvent: forward,
});

function post(message: FromWorker): void {
  scope.postMessage(message);
}

function forward(event: SessionEvent): void {
  if (event.type === 'cell/output') {
    for (const chunk of event.chunks) bufferOutput(chunk);
    return;
  }
  flushOutput(); // the text written before it reaches the page before it
  post(event);
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

function handle(message: ToWorker): void {
  if (isPanelsToWorker(message)) {
    panels.handle(message);
    return;
  }
  switch (message.type) {
    case 'cell/run':
      void session.run(message.cellId, message.source, message.runId);
      return;
    case 'cell/cancel':
      session.cancel(message.runId);
      return;
    case 'runtime/restart':
      // Output the old runtime wrote and the page has not seen yet goes with it.
      buffered = [];
      session.restart();
      return;
    case 'ping':
      post({ type: 'pong', seq: message.seq });
      return;
    case 'widget/event':
      session.widgetEvent(message.cellId, message.widgetId, message.value);
      return;
    case 'compiler/warm':
      void warmCompiler();
      return;
    case 'chapter/check':
      void checkChapterInWorker(message);
      return;
  }
}

/**
 * The page's "Check chapter": the chapter check, in a session of its own on a virtual-time
 * runtime (as `npm run chapters:check` runs it), so the notebook's runtime is not touched.
 */
async function checkChapterInWorker({
  checkId,
  fileName,
  text,
}: Extract<ToWorker, { type: 'chapter/check' }>): Promise<void> {
  try {
    const report = await checkChapterText(text, fileName, {
      createRuntime: () => createRuntime({ clock: 'virtual' }),
      transform: esbuildTransform,
      ...workerTime,
      prepare: async () => {
        await startEsbuild();
      },
    });
    post({ type: 'chapter/checked', checkId, report });
  } catch (e) {
    post({ type: 'worker/error', message: `The chapter check failed: ${String(e)}` });
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
