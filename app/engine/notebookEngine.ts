/**
 * The notebook engine: runs a chapter's cells against one runtime, the same in the worker and
 * headless in Node.
 *
 * Cells run inside the evaluator process, so `self()` in a cell is a process that persists from
 * cell to cell. Each cell has its own I/O device (group leader): whatever the cell spawns writes
 * there, also after the cell has finished. If the evaluator dies (exit(), a linked crash), the
 * cell shows why and the next cell gets a fresh evaluator.
 */
import * as RuntimeApi from '../../runtime/index';
import type { Pid, Runtime } from '../../runtime/index';
import { cellSupport, inspect, isAlive, isExitSignal } from '../../runtime/index';
import type { BindingKind, TsTransform } from './cellCompiler';
import { compileCell } from './cellCompiler';
import { check } from './exerciseCheck';
import type { CellResult, OutputChunk } from './protocol';
import type { CellRichOutput } from './viz';
import { VizHost, VizOutput } from './viz';

/**
 * How the evaluator ended a cell, with the raw value or reason kept for the engine's own use
 * (a `viz` output as the last value is not shown twice); hosts see the protocol's CellResult.
 */
type Evaluated =
  | { readonly status: 'ok'; readonly value: string | null; readonly raw: unknown }
  | { readonly status: 'error'; readonly message: string }
  | { readonly status: 'exit'; readonly reason: string };

/** Options of the engine. */
export interface EngineOptions {
  readonly runtime: Runtime;
  readonly transform: TsTransform;
  readonly onOutput: (output: OutputChunk) => void;
  /** Most characters one cell's output keeps before it is truncated with a notice (default 100,000). */
  readonly outputLimit?: number;
  /**
   * Virtual time only: let the clock move only while a cell runs (headless checks), so timers
   * started by one cell do not fire before the next cell runs, as when a person runs them.
   */
  readonly timeOnlyInCells?: boolean;
  /** Rich outputs (`viz`), routed to cells like text: by the writing process's group leader. */
  readonly onRich?: (rich: CellRichOutput) => void;
}

/** Names of the runtime's exports that are not for cells. */
const NOT_FOR_CELLS = new Set([
  'createRuntime',
  'Runtime',
  'cellSupport',
  'instrumentAwaits',
  'SUPPORT_NAME',
  'isRuntimePromise',
  'Tracer',
  'RealClock',
  'VirtualClock',
  'copyMessage',
  'matches',
  'isIoDevice',
]);

/** The globals a cell sees: the runtime API, a console that writes to the cell, `viz` and `check`. */
function cellGlobals(viz: VizHost['api'], view?: VizHost['viewApi']): Record<string, unknown> {
  const globals: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(RuntimeApi)) {
    if (!NOT_FOR_CELLS.has(name)) globals[name] = value;
  }
  const write =
    (stream: 'stdio' | 'stderr') =>
    (...values: unknown[]) => {
      RuntimeApi.IO.write(
        stream,
        `${values.map((v) => (typeof v === 'string' ? v : inspect(v))).join(' ')}\n`,
      );
    };
  globals.console = {
    log: write('stdio'),
    info: write('stdio'),
    warn: write('stderr'),
    error: write('stderr'),
  };
  globals.viz = viz;
  globals.check = check;
  if (view) globals.View = view;
  return globals;
}

interface Job {
  readonly fn: () => Promise<unknown>;
  readonly started: () => void;
  readonly device: Pid;
  readonly done: (run: Evaluated) => void;
}

export class NotebookEngine {
  /** Counts cancel() calls, so a run cancelled while it compiles never starts. */
  private cancels = 0;
  private readonly env: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  private readonly kinds = new Map<string, BindingKind>();
  private readonly devices = new Map<string, Pid>();
  private readonly written = new Map<string, number>();
  private readonly viz: VizHost;
  private readonly globals: Record<string, unknown>;
  private evaluator: Pid | null = null;
  private currentJob: Job | null = null;

  constructor(private readonly options: EngineOptions) {
    this.viz = new VizHost({
      runtime: options.runtime,
      onRich: (rich) => options.onRich?.(rich),
    });
    this.globals = cellGlobals(this.viz.api, this.viz.viewApi);
    this.holdTime(true);
  }

  get runtime(): Runtime {
    return this.options.runtime;
  }

  /** The evaluator's pid, starting one if needed: `self()` in the next cell. */
  evaluatorPid(): Pid {
    if (this.evaluator && isAlive(this.runtime, this.evaluator)) return this.evaluator;
    const pid = this.runtime.spawn(null, () => evaluatorLoop(this.runtime), {
      label: 'evaluator',
    });
    this.runtime.onExit(pid, (reason) => {
      if (this.evaluator === pid) this.evaluator = null;
      const job = this.currentJob;
      this.currentJob = null;
      job?.done({ status: 'exit', reason: inspect(reason) });
    });
    this.evaluator = pid;
    return pid;
  }

  /** Compiles and runs one cell; its output goes to `onOutput` under `cellId`, now and later. */
  async runCell(cellId: string, source: string): Promise<CellResult> {
    this.viz.startRun(cellId);
    const cancels = this.cancels;
    const compiled = await compileCell(source, this.options.transform, this.kinds);
    // Stopped while it compiled: it never starts, as if the evaluator had been killed.
    if (this.cancels !== cancels) return { status: 'exit', reason: "'killed'" };
    if (!compiled.ok) return { status: 'compile_error', error: compiled.error };
    let fn: () => Promise<unknown>;
    try {
      const names = Object.keys(this.globals);
      const factory = new Function('__ab', '__env', ...names, `return ${compiled.cell.code};`) as (
        ...args: unknown[]
      ) => () => Promise<unknown>;
      fn = factory(cellSupport, this.env, ...names.map((n) => this.globals[n]));
    } catch (e) {
      return {
        status: 'compile_error',
        error: { message: (e as Error).message, line: 1, column: 0 },
      };
    }
    this.written.set(cellId, 0);
    const device = this.deviceFor(cellId);
    const evaluator = this.evaluatorPid();
    const run = await new Promise<Evaluated>((resolve) => {
      const job: Job = {
        fn,
        device,
        started: () => this.holdTime(false),
        done: (result) => {
          this.holdTime(true);
          if (this.currentJob === job) this.currentJob = null;
          resolve(result);
        },
      };
      this.currentJob = job;
      this.runtime.send(null, evaluator, ['$eval', job], 'system');
    });
    if (run.status === 'ok') {
      for (const [name, kind] of compiled.cell.declared) this.kinds.set(name, kind);
      // A viz call as the last expression is already drawn: no value to show besides it.
      const shown = compiled.cell.hasValue && !(run.raw instanceof VizOutput);
      return { status: 'ok', value: shown ? run.value : null };
    }
    return run;
  }

  /** Holds virtual time between cells when `timeOnlyInCells` is set; releases it otherwise. */
  holdTime(held: boolean): void {
    if (this.options.timeOnlyInCells) this.runtime.holdVirtualTime(held);
  }

  /** Stops the running cell by killing the evaluator; the next cell gets a fresh one. */
  cancel(): void {
    this.cancels++;
    if (this.evaluator) this.runtime.exitPid(null, this.evaluator, 'kill');
  }

  /** A person used a widget `viz` drew under `cellId`: its process gets the message. */
  widgetEvent(cellId: string, widgetId: string, value: string | null): boolean {
    return this.viz.widgetEvent(cellId, widgetId, value);
  }

  /** Names bound by cells so far. */
  bindings(): ReadonlyMap<string, BindingKind> {
    return this.kinds;
  }

  private deviceFor(cellId: string): Pid {
    const existing = this.devices.get(cellId);
    if (existing && isAlive(this.runtime, existing)) return existing;
    const limit = this.options.outputLimit ?? 100_000;
    const device = this.runtime.createIoDevice((output) => {
      const before = this.written.get(cellId) ?? 0;
      const after = before + output.text.length;
      this.written.set(cellId, after);
      if (after <= limit) {
        this.options.onOutput({ cellId, stream: output.stream, text: output.text });
      } else if (before <= limit) {
        this.options.onOutput({
          cellId,
          stream: 'stderr',
          text: `... output truncated: this cell wrote more than ${limit} characters\n`,
        });
      }
    }, `cell ${cellId}`);
    this.devices.set(cellId, device);
    this.viz.attachDevice(device, cellId);
    return device;
  }
}

/**
 * The evaluator: takes one cell at a time. A thrown error is reported and the evaluator carries
 * on; an exit ends it (the engine's exit hook reports it and the next cell starts a new one).
 * A receive the cell started but did not await (`GenServer.call(...)` without `await`) is
 * dropped when the cell ends, with a warning, so the evaluator can take the next cell.
 */
async function evaluatorLoop(runtime: Runtime): Promise<void> {
  const { receive, Process, self, IO, _ } = RuntimeApi;
  const me = self();
  for (;;) {
    const [, job] = (await receive(['$eval', _])) as [string, Job];
    Process.groupLeader(me, job.device);
    job.started();
    let abandoned = false;
    try {
      const value = await runtime.settleInProcess(me, job.fn(), () => (abandoned = true));
      warnIfAbandoned(abandoned);
      job.done({ status: 'ok', value: value === undefined ? null : inspect(value), raw: value });
    } catch (e) {
      if (isExitSignal(e)) throw e;
      warnIfAbandoned(abandoned);
      const message =
        e instanceof Error ? `${e.name}: ${e.message}` : `uncaught throw: ${inspect(e)}`;
      job.done({ status: 'error', message });
    }
  }

  function warnIfAbandoned(abandoned: boolean): void {
    if (!abandoned) return;
    IO.write(
      'stderr',
      'warning: this cell started a receive (a GenServer.call, Task.await, receive, sleep...) ' +
        'without await; it was dropped when the cell ended. Put await in front of it.\n',
    );
  }
}
