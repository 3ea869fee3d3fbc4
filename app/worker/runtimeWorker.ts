/**
 * The runtime worker host: the only file that talks to the page for the runtime.
 *
 * A thin adapter over the engine's run Session (app/engine/session.ts), which owns the runtime,
 * the queue of runs, cancel and restart: this file validates what arrives
 * (app/engine/protocol.ts; a malformed message is answered with `worker/error` and otherwise
 * ignored), hands cell messages to the session and posts the session's events, which are
 * already protocol messages. It answers pings while it is free, and starts the compiler.
 *
 * The host owns the channel. Cell code runs in this worker's global scope and may replace
 * `self.onmessage`, patch prototypes or globals. So the page talks to the host only through a
 * MessagePort it transfers in its first message (`host/connect`), kept here in module scope where
 * no cell can name it; and everything the host uses to talk (the port's `postMessage`,
 * `MessageEvent`'s `data`, `Reflect.apply`, its timers and clock) is captured when this module is
 * evaluated, before any cell has run. The worker's own `postMessage` is taken away before any cell
 * runs (and the page drops anything that arrives on that channel anyway); a cell that closes the
 * worker is caught by the page's heartbeat. A module worker has no `importScripts`, and the worker
 * reaches neither the page's DOM nor its storage.
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
import { isHostConnect, parseToWorker } from '../engine/protocol';
import { isPanelsToWorker } from '../panels/model/panelMessages';
import { PanelHost } from '../panels/panelFeed';

/** Longest time output waits in the worker before it is posted (about two animation frames). */
const BATCH_MS = 32;

/** The few worker globals used here, typed without pulling the WebWorker lib into the app. */
interface WorkerScope {
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
  addEventListener(
    type: 'error' | 'unhandledrejection',
    listener: (event: Event & { message?: string; reason?: unknown }) => void,
  ): void;
}

const scope = self as unknown as WorkerScope;

// Captured now, before any cell runs: a cell may replace any of these later (they are globals or
// prototype members of the scope it shares), and must not see, alter or stop what the host says.
const apply = Reflect.apply;
const portPostMessage = MessagePort.prototype.postMessage;
const PortClass = MessagePort;
const eventData = Object.getOwnPropertyDescriptor(MessageEvent.prototype, 'data')!.get!;
const eventTrusted = (event: Event): boolean => event.isTrusted; // an own, unforgeable property
const hostSetTimeout = setTimeout.bind(globalThis);
const hostClearTimeout = clearTimeout.bind(globalThis);
const hostNow = performance.now.bind(performance);
const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** What a cell that calls the worker's own `postMessage` is told. */
const POST_MESSAGE_SEALED =
  'postMessage is not available to cells: the runtime owns the channel to the page. Use IO.puts or viz to show something.';

/**
 * Takes the worker's own `postMessage` away from cells. The host never posts there (it speaks on
 * the port), and the page drops what arrives there unread; but the browser still delivers every
 * such message to the page's thread, so a cell posting in a loop slowed the page down. The
 * prototype's method is deleted and the global's own property, fixed in place, throws instead:
 * there is no reference left for a cell to restore.
 */
function sealWorkerPostMessage(): void {
  for (let proto = Object.getPrototypeOf(self); proto; proto = Object.getPrototypeOf(proto)) {
    if (Object.prototype.hasOwnProperty.call(proto, 'postMessage')) delete proto.postMessage;
  }
  Object.defineProperty(self, 'postMessage', {
    value: function postMessage(): never {
      throw new TypeError(POST_MESSAGE_SEALED);
    },
    writable: false,
    configurable: false,
    enumerable: false,
  });
}
sealWorkerPostMessage();

/** The page's end of the channel, once the page sent it; only this module can name it. */
let port: MessagePort | null = null;

/** The live panels: a feed per runtime, fed by the runtime's trace. */
const panels = new PanelHost({ post });
let buffered: OutputChunk[] = [];
let flushTimer: ReturnType<typeof setTimeout> | null = null;

/** The worker's clock and timers, for the notebook's session and the chapter check's. */
const workerTime = {
  now: hostNow,
  setTimer: (callback: () => void, ms: number) => hostSetTimeout(callback, ms),
  clearTimer: (handle: unknown) => hostClearTimeout(handle as ReturnType<typeof setTimeout>),
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
  if (!port) return;
  try {
    apply(portPostMessage, port, [message]);
  } catch (e) {
    // A message that cannot be cloned must not vanish silently: say which one failed.
    apply(portPostMessage, port, [
      { type: 'worker/error', message: `Could not send ${message.type}: ${errorMessage(e)}` },
    ]);
  }
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
  flushTimer ??= hostSetTimeout(flushOutput, BATCH_MS);
}

function flushOutput(): void {
  if (flushTimer !== null) hostClearTimeout(flushTimer);
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

/** Takes the page's port from the handshake; anything else on the worker's own channel is not the page's. */
scope.onmessage = (event) => {
  if (port) return;
  const data: unknown = apply(eventData, event, []);
  if (!isHostConnect(data) || !(data.port instanceof PortClass)) return;
  port = data.port;
  scope.onmessage = null;
  port.onmessage = (message) => {
    const parsed = parseToWorker(apply(eventData, message, []));
    if (parsed.ok) handle(parsed.message);
    else post({ type: 'worker/error', message: parsed.error });
  };
  post({ type: 'ready' });
};
scope.addEventListener('error', (event) => {
  if (!eventTrusted(event)) return; // dispatched by a cell, not thrown
  post({
    type: 'worker/error',
    message: `Uncaught in the worker: ${event.message ?? 'unknown error'}`,
  });
});
scope.addEventListener('unhandledrejection', (event) => {
  if (!eventTrusted(event)) return;
  event.preventDefault();
  post({
    type: 'worker/error',
    message: `Unhandled rejection in the worker: ${errorMessage(event.reason)}`,
  });
});

let compilerWarming: Promise<void> | null = null;

/**
 * Starts the compiler once and reports it as `compiler/status`: on the page's `compiler/warm`
 * (sent once the page is idle) or on the first run, whichever comes first. Not at start-up:
 * esbuild.wasm is megabytes that a reader who only reads never needs. A failure is reported and
 * forgotten, so the next run tries again.
 */
function warmCompiler(): Promise<void> {
  if (compilerWarming) return compilerWarming;
  const started = hostNow();
  compilerWarming = startEsbuild().then(
    () => {
      post({ type: 'compiler/status', ok: true, ms: hostNow() - started, message: null });
    },
    (e: unknown) => {
      compilerWarming = null;
      const message = e instanceof Error ? e.message : String(e);
      post({ type: 'compiler/status', ok: false, ms: hostNow() - started, message });
    },
  );
  return compilerWarming;
}
