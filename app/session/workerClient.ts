/**
 * The page's side of the runtime worker: starts it, runs cells in it, passes on what the worker
 * says about them, and replaces the worker when it stops answering. It lives outside app/engine/
 * because it is page code (it makes the Worker); it speaks the engine's protocol.
 *
 * Why a heartbeat: the loop guard stops runaway loops in compiled cell code, but JavaScript can
 * still hang for good where no guard runs (a catastrophic regular expression, a huge sort). While
 * anything is pending, the client pings the worker every `pingIntervalMs`; a ping unanswered for
 * `hangTimeoutMs` means the worker is stuck, so it is terminated and a new one started, every
 * pending run ends as `lost` and subscribers get a notice. The timeout is longer than the
 * runtime's loop guard (2 s), so a loop the guard is about to stop is not mistaken for a hang.
 * Until the worker reports its compiler started, the allowance is `startupHangTimeoutMs`:
 * esbuild-wasm starts on the worker's own thread and can hold it for seconds on a loaded
 * machine, and no learner code can run (or hang) before it has started.
 *
 * The channel: cell code runs in the worker's global scope, so it can call `postMessage` itself.
 * The client therefore never listens to the worker's own channel. Its first and only message
 * there (`host/connect`) transfers one end of a MessageChannel to the worker host, which keeps it
 * where cells cannot reach; all traffic uses that port. What arrives on the worker's own channel
 * afterwards was posted by a cell: it is dropped unread, with one notice per worker. A cell that
 * closes the worker (`close()`) leaves the port silent, which the heartbeat takes as a hang.
 *
 * Everything arriving on the port is validated (protocol.ts) before it is believed.
 */
import type {
  CellMessage,
  CellResult,
  FromWorker,
  HostConnect,
  ToWorker,
} from '../engine/protocol';
import { HOST_CONNECT, parseFromWorker } from '../engine/protocol';
import type { PanelsFromWorker, PanelsToWorker } from '../panels/model/panelMessages';
import { isPanelsFromWorker } from '../panels/model/panelMessages';

/** Whether the worker can take cells. */
export type RuntimeStatus = 'starting' | 'ready' | 'restarting';

/**
 * What subscribers hear, in order. The worker's cell messages and compiler status are passed on
 * as the protocol has them (validated); only a run's `cell/done` may also come from the client
 * itself, when it ends a run as `lost` (the worker was replaced, the notebook closed).
 */
export type ClientEvent =
  | CellMessage
  | Extract<FromWorker, { type: 'compiler/status' }>
  | { readonly type: 'status'; readonly status: RuntimeStatus }
  /** Something the person should know about the runtime as a whole. */
  | { readonly type: 'notice'; readonly tone: 'info' | 'error'; readonly text: string };

/** The part of a Worker the client uses, so tests can stand in for it. */
export interface WorkerLike {
  /** Only ever the handshake, transferring the worker's end of the channel. */
  postMessage(message: HostConnect, transfer: Transferable[]): void;
  terminate(): void;
  /** After the handshake, only a cell posts here: the client drops such messages unread. */
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

/** The page's end of the channel to the worker host. */
export interface PortLike {
  postMessage(message: ToWorker): void;
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
  onmessageerror: ((event: MessageEvent<unknown>) => void) | null;
  close(): void;
}

/** A channel whose `port2` goes to the worker host; tests stand in for MessageChannel. */
export interface ChannelLike {
  readonly port1: PortLike;
  readonly port2: Transferable;
}

export interface WorkerClientOptions {
  /** Makes a worker; the default starts app/worker/runtimeWorker.ts as a module worker. */
  readonly createWorker?: () => WorkerLike;
  /** Makes the channel to each new worker; the default is a MessageChannel. */
  readonly createChannel?: () => ChannelLike;
  readonly pingIntervalMs?: number;
  readonly hangTimeoutMs?: number;
  /** The hang allowance until the worker's compiler has started (default 20 s). */
  readonly startupHangTimeoutMs?: number;
}

/** Longest wait for an idle moment before the compiler is started anyway (ms). */
const COMPILER_WARM_TIMEOUT_MS = 2000;

/** The notice shown when a stuck (or closed) worker was replaced. */
export const HANG_NOTICE =
  'The runtime stopped answering and was restarted (a cell hung or closed it): bindings were lost.';

/** The notice shown, once per worker, when a cell posted on the worker's own channel. */
export const FOREIGN_MESSAGE_NOTICE =
  'A cell called postMessage itself: the page ignores messages that do not come from the runtime.';

/** A run sent to the worker and not ended yet (where it is, queued or running, is the notebook's). */
interface Pending {
  readonly runId: number;
  readonly cellId: string;
  readonly resolve: (result: CellResult) => void;
}

function startRuntimeWorker(): WorkerLike {
  return new Worker(new URL('../worker/runtimeWorker.ts', import.meta.url), {
    type: 'module',
    name: 'actorbook-runtime',
  }) as unknown as WorkerLike;
}

export class WorkerClient {
  private readonly createWorker: () => WorkerLike;
  private readonly createChannel: () => ChannelLike;
  private readonly pingIntervalMs: number;
  private readonly hangTimeoutMs: number;
  private readonly startupHangTimeoutMs: number;
  /** Whether the current worker reported its compiler (started or failed). */
  private compilerReported = false;
  private readonly listeners = new Set<(event: ClientEvent) => void>();
  private panelSink: ((message: PanelsFromWorker) => void) | null = null;
  private readonly pending = new Map<number, Pending>();
  private worker: WorkerLike;
  /** The page's end of the current worker's channel: the only source of believed messages. */
  private port: PortLike;
  private statusNow: RuntimeStatus = 'starting';
  /** True once the current worker said `ready`; until then messages wait in the outbox. */
  private workerReady = false;
  /** Messages posted before the worker said `ready`. */
  private outbox: ToWorker[] = [];
  private nextRunId = 1;
  private nextSeq = 1;
  /** When the unanswered ping was sent, or null when none is outstanding. */
  private pingSentAt: number | null = null;
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private disposed = false;

  constructor(options: WorkerClientOptions = {}) {
    this.createWorker = options.createWorker ?? startRuntimeWorker;
    this.createChannel = options.createChannel ?? (() => new MessageChannel());
    this.pingIntervalMs = options.pingIntervalMs ?? 500;
    this.hangTimeoutMs = options.hangTimeoutMs ?? 3000;
    this.startupHangTimeoutMs = options.startupHangTimeoutMs ?? 20_000;
    [this.worker, this.port] = this.connect();
    this.heartbeat = setInterval(() => this.beat(), this.pingIntervalMs);
  }

  /** The worker's current status. */
  get status(): RuntimeStatus {
    return this.statusNow;
  }

  /** Listens to everything the client reports; returns the unsubscribe function. */
  subscribe(listener: (event: ClientEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Queues cell `cellId` to run `source`; resolves with how the run ended. */
  run(cellId: string, source: string): Promise<CellResult> {
    const runId = this.nextRunId++;
    return new Promise<CellResult>((resolve) => {
      if (this.disposed) {
        resolve({ status: 'lost', message: 'The notebook was closed.' });
        return;
      }
      this.pending.set(runId, { runId, cellId, resolve });
      this.send({ type: 'cell/run', runId, cellId, source });
    });
  }

  /** Stops the cell's pending run, whether it is still queued or running. */
  cancel(cellId: string): void {
    for (const run of this.pending.values()) {
      if (run.cellId === cellId) this.send({ type: 'cell/cancel', runId: run.runId });
    }
  }

  /** A person used widget `widgetId` of output `outputId` under cell `cellId` (null: a click). */
  sendWidgetEvent(cellId: string, outputId: string, widgetId: string, value: string | null): void {
    this.send({ type: 'widget/event', cellId, outputId, widgetId, value });
  }

  /**
   * Hands every panel message from the worker (updates, the inspected mailbox, the scheduler
   * state) straight to `sink`, the panels' store, instead of to the subscribers: ten updates a
   * second have no business in the notebook's operations. One sink at a time; returns the
   * disconnect function.
   */
  connectPanels(sink: (message: PanelsFromWorker) => void): () => void {
    this.panelSink = sink;
    return () => {
      if (this.panelSink === sink) this.panelSink = null;
    };
  }

  /** Sends a live-panel message (watch, inspect, kill, scheduler controls, clear the trace). */
  sendPanels(message: PanelsToWorker): void {
    if (!this.disposed) this.send(message);
  }

  /** Throws away every process and binding: a fresh runtime in the same worker. */
  restart(): void {
    this.setStatus('restarting');
    this.send({ type: 'runtime/restart' });
  }

  /** Terminates the worker and the heartbeat; pending runs end as lost. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.heartbeat);
    this.worker.terminate();
    this.port.close();
    this.loseAll('The notebook was closed.');
    this.listeners.clear();
    this.panelSink = null;
  }

  /** Starts a worker and hands it its end of a new channel; returns both. */
  private connect(): [WorkerLike, PortLike] {
    const worker = this.createWorker();
    const { port1: port, port2 } = this.createChannel();
    worker.onmessage = () => {
      // Posted by a cell (the host speaks only on the port): not read, never believed. Said
      // once; then no listener at all, so a cell posting in a loop costs the page next to nothing.
      worker.onmessage = null;
      if (worker === this.worker) {
        this.emit({ type: 'notice', tone: 'info', text: FOREIGN_MESSAGE_NOTICE });
      }
    };
    worker.onerror = (event) => {
      if (worker !== this.worker) return;
      event.preventDefault?.();
      const detail = event.message || 'the worker script failed to load or threw';
      this.emit({ type: 'notice', tone: 'error', text: `The runtime worker failed: ${detail}` });
    };
    port.onmessage = (event) => {
      if (port === this.port) this.receive(event.data);
    };
    port.onmessageerror = () => {
      if (port !== this.port) return;
      this.emit({
        type: 'notice',
        tone: 'error',
        text: 'A message from the runtime worker could not be read.',
      });
    };
    worker.postMessage({ type: HOST_CONNECT, port: port2 }, [port2]);
    return [worker, port];
  }

  private receive(data: unknown): void {
    const parsed = parseFromWorker(data);
    if (!parsed.ok) {
      this.emit({ type: 'notice', tone: 'error', text: parsed.error });
      return;
    }
    const message = parsed.message;
    if (isPanelsFromWorker(message)) {
      this.panelSink?.(message);
      return;
    }
    switch (message.type) {
      case 'ready': {
        this.workerReady = true;
        this.setStatus('ready');
        const outbox = this.outbox;
        this.outbox = [];
        for (const queued of outbox) this.port.postMessage(queued);
        this.warmCompilerWhenIdle(this.port);
        return;
      }
      case 'compiler/status':
        this.compilerReported = true;
        this.emit(message);
        if (!message.ok && message.message) {
          this.emit({ type: 'notice', tone: 'error', text: message.message });
        }
        return;
      case 'cell/started':
        // Only runs of this client: a replaced worker's late messages are not believed.
        if (this.pending.has(message.runId)) this.emit(message);
        return;
      case 'cell/rich':
      case 'cell/output':
        this.emit(message);
        return;
      case 'cell/done':
        this.settle(message.runId, message.result, message.ms);
        return;
      case 'runtime/restarted':
        this.setStatus('ready');
        this.emit({
          type: 'notice',
          tone: 'info',
          text: 'The runtime was restarted: every process and binding is gone.',
        });
        return;
      case 'pong':
        this.pingSentAt = null;
        return;
      case 'worker/error':
        this.emit({ type: 'notice', tone: 'error', text: message.message });
        return;
    }
  }

  private settle(runId: number, result: CellResult, ms: number): void {
    const run = this.pending.get(runId);
    if (!run) return;
    this.pending.delete(runId);
    this.emit({ type: 'cell/done', runId, cellId: run.cellId, result, ms });
    run.resolve(result);
  }

  private loseAll(message: string): void {
    for (const run of [...this.pending.values()]) {
      this.settle(run.runId, { status: 'lost', message }, 0);
    }
  }

  /**
   * Asks a freshly started worker to start the compiler once the page is idle, so the first run
   * does not wait for it, while a reader who only reads never downloads it during page load.
   * Without requestIdleCallback (Safari) a timer stands in; outside a page (tests) nothing does,
   * and the first run starts the compiler.
   */
  private warmCompilerWhenIdle(port: PortLike): void {
    const warm = () => {
      if (port === this.port && !this.disposed) port.postMessage({ type: 'compiler/warm' });
    };
    const scope = globalThis as {
      requestIdleCallback?: (callback: () => void, options: { timeout: number }) => number;
      document?: unknown;
    };
    if (typeof scope.requestIdleCallback === 'function') {
      scope.requestIdleCallback(warm, { timeout: COMPILER_WARM_TIMEOUT_MS });
    } else if (scope.document !== undefined) {
      setTimeout(warm, COMPILER_WARM_TIMEOUT_MS);
    }
  }

  private send(message: ToWorker): void {
    if (this.workerReady) this.port.postMessage(message);
    else this.outbox.push(message);
  }

  /** One heartbeat tick: replace a stuck worker, else ping it while anything is pending. */
  private beat(): void {
    const now = performance.now();
    if (this.pingSentAt !== null) {
      const allowance = this.compilerReported ? this.hangTimeoutMs : this.startupHangTimeoutMs;
      if (now - this.pingSentAt >= allowance) this.replace();
      return;
    }
    const busy = this.pending.size > 0 || this.statusNow === 'restarting';
    if (!this.workerReady || !busy) return;
    this.pingSentAt = now;
    this.port.postMessage({ type: 'ping', seq: this.nextSeq++ });
  }

  /** Terminates the stuck worker and starts a new one. */
  private replace(): void {
    this.worker.terminate();
    this.port.close();
    this.pingSentAt = null;
    this.compilerReported = false;
    this.workerReady = false;
    this.outbox = [];
    this.setStatus('starting');
    [this.worker, this.port] = this.connect();
    this.loseAll(HANG_NOTICE);
    this.emit({ type: 'notice', tone: 'error', text: HANG_NOTICE });
  }

  private setStatus(status: RuntimeStatus): void {
    if (this.statusNow === status) return;
    this.statusNow = status;
    this.emit({ type: 'status', status });
  }

  private emit(event: ClientEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
