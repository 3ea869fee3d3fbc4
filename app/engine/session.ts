/**
 * A run session: one runtime and one NotebookEngine, the queue of cell runs, and everything that
 * ends a run early (Stop, a time limit, a restart). Both hosts are thin adapters over it: the
 * worker host (app/worker/runtimeWorker.ts) turns its events into `postMessage`, the chapter
 * check (chapterCheck.ts) awaits its runs headless in Node.
 *
 * Why one object: the rules of a run are subtle and must be the same wherever cells run. Runs go
 * one at a time in the order they were queued. Stopping a queued run drops it; stopping the
 * running one kills the evaluator, and the run ends `cancelled` (not as the evaluator's exit). A
 * restart replaces the runtime and the engine and ends every pending run as `lost`; a generation
 * number keeps whatever the old runtime still reports (late output, a run that resolves during
 * shutdown) from being taken for the new one's.
 *
 * The session speaks the protocol's vocabulary (`cell/started`, `cell/output`, `cell/rich`,
 * `cell/done` with a `CellResult`), so the worker host forwards its events as they are. It has
 * no host of its own: timers, the clock and the compiler come in through `SessionHost`.
 */
import type { Runtime } from '../../runtime/index';
import type { TsTransform } from './cellCompiler';
import { NotebookEngine } from './notebookEngine';
import type { CellMessage, CellResult } from './protocol';

/** What the session tells its host, in protocol form and in order. */
export type SessionEvent = CellMessage | { readonly type: 'runtime/restarted' };

/** What a host provides: the runtime, the compiler, a clock and timers (the engine has none). */
export interface SessionHost {
  /** Makes a fresh runtime: at the start and on every restart. */
  readonly createRuntime: () => Runtime;
  readonly transform: TsTransform;
  /** A monotonic clock in milliseconds, for how long a run took. */
  readonly now: () => number;
  readonly setTimer: (callback: () => void, ms: number) => unknown;
  readonly clearTimer: (handle: unknown) => void;
  /**
   * Awaited before each run compiles (the worker starts esbuild-wasm here); the time it takes is
   * not counted as the cell's.
   */
  readonly prepare?: () => Promise<void>;
}

/** Options of a session. */
export interface SessionOptions extends SessionHost {
  readonly onEvent: (event: SessionEvent) => void;
  /** Called with each new runtime, before any cell runs on it (the live panels attach here). */
  readonly onRuntime?: (runtime: Runtime) => void;
  /** Called when shutting an old runtime down failed during a restart. */
  readonly onShutdownError?: (message: string) => void;
  /**
   * Milliseconds a run may take before it is stopped and ends `timeout` (default: no limit; the
   * page's heartbeat guards the worker instead).
   */
  readonly cellTimeoutMs?: number;
  /** Passed to the engine: virtual time moves only while a cell runs (headless checks). */
  readonly timeOnlyInCells?: boolean;
  /** Passed to the engine: most characters one cell's output keeps. */
  readonly outputLimit?: number;
}

interface Run {
  readonly runId: number;
  readonly cellId: string;
  readonly source: string;
  /** Why the run was ended early, if it was. */
  stopped: 'cancelled' | 'timeout' | null;
  readonly resolve: (result: CellResult) => void;
}

/** The message of a run ended by a restart. */
export const LOST_TO_RESTART = 'The runtime was restarted before this run finished.';

export class Session {
  private generation = 0;
  private runtimeNow!: Runtime;
  private engineNow!: NotebookEngine;
  private queue: Run[] = [];
  private running: Run | null = null;
  private nextRunId = 1;
  private disposed = false;

  constructor(private readonly options: SessionOptions) {
    this.start();
  }

  /** The current runtime (replaced by `restart`). */
  get runtime(): Runtime {
    return this.runtimeNow;
  }

  /** The current engine (replaced by `restart`). */
  get engine(): NotebookEngine {
    return this.engineNow;
  }

  /**
   * Queues a run of `source` as cell `cellId`; resolves with how it ended, after its `cell/done`.
   * `runId` is the host's name for the run (the page's); by default the session numbers runs.
   */
  run(cellId: string, source: string, runId: number = this.nextRunId++): Promise<CellResult> {
    return new Promise<CellResult>((resolve) => {
      const run: Run = { runId, cellId, source, stopped: null, resolve };
      if (this.disposed) {
        this.finish(run, { status: 'lost', message: 'The session was closed.' }, 0);
        return;
      }
      this.queue.push(run);
      void this.pump();
    });
  }

  /** Stops run `runId`: drops it if queued, kills the evaluator if it is running. */
  cancel(runId: number): void {
    const queued = this.queue.find((run) => run.runId === runId);
    if (queued) {
      this.queue = this.queue.filter((run) => run !== queued);
      this.finish(queued, { status: 'cancelled' }, 0);
    } else if (this.running?.runId === runId) {
      this.stop(this.running, 'cancelled');
    }
  }

  /** Throws away the runtime and engine (every process, every binding) and starts new ones. */
  restart(): void {
    const lost = [...(this.running ? [this.running] : []), ...this.queue];
    this.running = null;
    this.queue = [];
    const old = this.runtimeNow;
    this.start();
    this.shutDown(old);
    for (const run of lost) this.finish(run, { status: 'lost', message: LOST_TO_RESTART }, 0);
    this.options.onEvent({ type: 'runtime/restarted' });
  }

  /** A person used a widget `viz` drew under `cellId`: its process gets the message. */
  widgetEvent(cellId: string, widgetId: string, value: string | null): boolean {
    return this.engineNow.widgetEvent(cellId, widgetId, value);
  }

  /**
   * After the last cell: lets time run (virtual timers fire) until the runtime is idle; false if
   * it was still busy after `timeoutMs`.
   */
  async settle(timeoutMs: number): Promise<boolean> {
    this.engineNow.holdTime(false);
    let timer: unknown;
    const timedOut = new Promise<false>((resolve) => {
      timer = this.options.setTimer(() => resolve(false), timeoutMs);
    });
    const idle = this.runtimeNow.whenIdle().then(() => true);
    const settled = await Promise.race([idle, timedOut]);
    this.options.clearTimer(timer);
    return settled;
  }

  /** Ends every pending run as lost and shuts the runtime down; later runs end lost at once. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const lost = [...(this.running ? [this.running] : []), ...this.queue];
    this.running = null;
    this.queue = [];
    this.generation++;
    this.shutDown(this.runtimeNow);
    for (const run of lost) {
      this.finish(run, { status: 'lost', message: 'The session was closed.' }, 0);
    }
  }

  private start(): void {
    const generation = ++this.generation;
    const { onEvent } = this.options;
    const runtime = this.options.createRuntime();
    this.runtimeNow = runtime;
    this.engineNow = new NotebookEngine({
      runtime,
      transform: this.options.transform,
      timeOnlyInCells: this.options.timeOnlyInCells,
      outputLimit: this.options.outputLimit,
      onOutput: (chunk) => {
        if (this.generation === generation) onEvent({ type: 'cell/output', chunks: [chunk] });
      },
      onRich: ({ cellId, output }) => {
        if (this.generation === generation) onEvent({ type: 'cell/rich', cellId, output });
      },
    });
    this.options.onRuntime?.(runtime);
  }

  private shutDown(runtime: Runtime): void {
    try {
      runtime.shutdown();
    } catch (e) {
      this.options.onShutdownError?.(`Shutting the old runtime down failed: ${String(e)}`);
    }
  }

  /** Runs queued cells one after another; a no-op while one runs. */
  private async pump(): Promise<void> {
    if (this.running) return;
    const run = this.queue.shift();
    if (!run) return;
    this.running = run;
    const { generation, engineNow: engine } = this;
    const { now } = this.options;
    this.options.onEvent({ type: 'cell/started', runId: run.runId, cellId: run.cellId });
    let started = now();
    let result: CellResult;
    let timer: unknown = null;
    try {
      await this.options.prepare?.();
      started = now(); // the compiler's start-up is not the cell's time
      if (run.stopped === null && this.options.cellTimeoutMs !== undefined) {
        timer = this.options.setTimer(() => this.stop(run, 'timeout'), this.options.cellTimeoutMs);
      }
      result =
        run.stopped === null
          ? await engine.runCell(run.cellId, run.source)
          : { status: 'exit', reason: "'killed'" };
      // A run the session stopped ends as stopped, not as the evaluator's exit.
      if (run.stopped !== null && result.status === 'exit') result = { status: run.stopped };
    } catch (e) {
      result = { status: 'error', message: e instanceof Error ? e.message : String(e) };
    }
    if (timer !== null) this.options.clearTimer(timer);
    if (this.generation !== generation) return; // a restart already reported this run as lost
    this.running = null;
    this.finish(run, result, now() - started);
    void this.pump();
  }

  private stop(run: Run, why: 'cancelled' | 'timeout'): void {
    if (this.running !== run || run.stopped !== null) return;
    run.stopped = why;
    this.engineNow.cancel();
  }

  private finish(run: Run, result: CellResult, ms: number): void {
    this.options.onEvent({ type: 'cell/done', runId: run.runId, cellId: run.cellId, result, ms });
    run.resolve(result);
  }
}
