/**
 * The `viz` namespace cells use to draw rich outputs (Markdown, tables, mermaid diagrams,
 * supervision trees, sequence traces, animations and input widgets), and the host side that
 * routes them to the right cell. It runs where the engine runs: in the worker, and headless in
 * Node.
 *
 * Why routing goes through the group leader: text output lands under the cell whose I/O device
 * is the writing process's group leader, so a process a cell started keeps writing there after
 * the cell finished. Rich outputs follow the same rule (`attachDevice` tells the host which
 * device belongs to which cell), so `viz.markdown` in a spawned process appears under the cell
 * that spawned it, in order with its text.
 *
 * Why some outputs have processes of their own: an animation and a live tree keep updating after
 * the cell finished, and timing belongs to the runtime (virtual time in tests), so each is a small
 * unlinked process that sleeps between updates. A crash in a frame function stops its animation,
 * not the cell's evaluator. Both are killed when their cell runs again.
 *
 * Why caps: a cell in a loop could otherwise send the page thousands of tables. Each run of a
 * cell may add a bounded number of outputs (replacing one by id is free) and each output has a
 * bounded size; beyond that the cell gets one notice instead.
 */
import * as RuntimeApi from '../../runtime/index';
import type { Runtime, TraceEvent } from '../../runtime/index';
import {
  ArgumentError,
  Pid,
  cellSupport,
  copyMessage,
  inspect,
  isAlive,
  isExitSignal,
} from '../../runtime/index';
import { clip } from '../panels/model/describe';
import {
  applyProcessEvent,
  applyProcessSnapshot,
  createProcessTable,
  snapshotProcesses,
} from '../panels/model/processTable';
import type { ProcessTable } from '../panels/model/processTable';
import type { SequenceView } from '../panels/model/sequenceModel';
import {
  applySequenceEvent,
  createSequenceModel,
  endpoints,
  nameParticipants,
  participantsOf,
  toMermaid,
  visibleItems,
} from '../panels/model/sequenceModel';
import type { SupervisionModel, TreeNode } from '../panels/model/supervisionTree';
import {
  applySupervisionEvent,
  applySupervisorSnapshots,
  createSupervisionModel,
  loneProcessNode,
  snapshotSupervisors,
  supervisionForest,
} from '../panels/model/supervisionTree';
import type {
  FrameContent,
  FrameOutput,
  RichOutput,
  SequenceOutput,
  TableOutput,
  TreeOutput,
} from './richOutput';
import { checkRichOutput } from './richOutput';
import type { ViewApi } from './view';
import { ViewHost } from './view';

// ------------------------------------------------------------------ the API cells see

/** What a frame function of `viz.animate` may return: text, a viz output, or null to stop. */
export type FrameValue = string | number | boolean | VizOutput | null | undefined;

/** Options every output that can be replaced accepts. */
export interface OutputOptions {
  /** Reuse an id to replace an output shown earlier instead of adding one. */
  readonly id?: string;
}

/** Options of `viz.table`. */
export interface TableOptions extends OutputOptions {
  /** Column names: keys of object rows, or headings of array rows (default: all keys seen). */
  readonly columns?: readonly string[];
  /** Most rows shown (default 100, at most 1000); the rest are counted in a note. */
  readonly limit?: number;
}

/** Options of `viz.tree`. */
export interface TreeOptions extends OutputOptions {
  /** Keep redrawing the tree as processes start, crash and restart, until the cell runs again. */
  readonly live?: boolean;
}

/** Options of `viz.seqTrace`. */
export interface SeqTraceOptions extends OutputOptions {
  /** Only messages between these processes (pids or registered names); default: all involved. */
  readonly pids?: readonly (Pid | string)[];
  /** Milliseconds to keep tracing after the function returned, for messages still in flight. */
  readonly wait?: number;
}

/** Options of `viz.animate`. */
export interface AnimateOptions extends OutputOptions {
  /** Most frames drawn before the animation stops by itself (default 1000, at most 100,000). */
  readonly frames?: number;
}

/** Options of the input widgets. */
export interface WidgetOptions {
  /** The process that gets the widget's messages (pid or registered name); default `self()`. */
  readonly to?: Pid | string;
}

/** Options of `viz.button`. */
export interface ButtonOptions extends WidgetOptions {
  /** The message a click sends instead of `['click', widgetId]`. */
  readonly message?: unknown;
}

/** Options of `viz.input`. */
export interface InputOptions extends WidgetOptions {
  /** The text the field starts with. */
  readonly initial?: string;
}

/** Options of `viz.select`. */
export interface SelectOptions extends WidgetOptions {
  /** The option chosen at first (default: the first one). */
  readonly initial?: string;
}

/** Rich outputs for cells: each call draws under the cell whose process made it. */
export interface Viz {
  /** Renders Markdown text (sanitised, like the chapter's prose) under the cell. */
  markdown(text: string, options?: OutputOptions): VizOutput;
  /** Renders an array of objects or arrays as a table of inspected values, capped in rows. */
  table(rows: readonly unknown[], options?: TableOptions): VizOutput;
  /** Renders a mermaid diagram from its source text. */
  mermaid(source: string, options?: OutputOptions): VizOutput;
  /** Draws the supervision tree under a process (a snapshot, or live with `{live: true}`). */
  tree(pid: Pid | string, options?: TreeOptions): VizOutput;
  /** Runs `fn` while tracing, draws the messages between the processes involved, returns fn's result. */
  seqTrace<T>(fn: () => T | Promise<T>, options?: SeqTraceOptions): Promise<T>;
  /** Redraws one frame every `ms` ms from `fn(i)` until it returns null; returns the animator's pid. */
  animate(
    ms: number,
    fn: (i: number) => FrameValue | Promise<FrameValue>,
    options?: AnimateOptions,
  ): Pid;
  /** Shows a button; each click sends `['click', widgetId]` (or `message`) to a process; returns widgetId. */
  button(label: string, options?: ButtonOptions): string;
  /** Shows a text field; each submit sends `['input', widgetId, text]` to a process; returns widgetId. */
  input(label: string, options?: InputOptions): string;
  /** Shows a drop-down; each choice sends `['select', widgetId, option]` to a process; returns widgetId. */
  select(label: string, options: readonly string[], settings?: SelectOptions): string;
}

/**
 * What the static viz calls return: the output's kind and id. As a cell's last value it shows
 * nothing more (the output is already drawn); from a frame function it becomes the frame.
 */
export class VizOutput {
  constructor(
    readonly kind: RichOutput['kind'],
    readonly id: string,
  ) {}
}

// ------------------------------------------------------------------ limits

/** The bounds a cell's rich outputs stay within. */
export interface VizLimits {
  /** New outputs one run of a cell may add (replacing one by id does not count). */
  readonly outputsPerRun: number;
  /** Most characters one output may take once serialised. */
  readonly outputChars: number;
  /** Default and largest row caps of a table. */
  readonly tableRows: number;
  readonly tableRowsMax: number;
  readonly tableColumns: number;
  /** Characters of one table cell. */
  readonly cellChars: number;
  /** Items of a sequence trace shown. */
  readonly sequenceItems: number;
  /** Shortest frame interval of an animation, and its default and largest frame count. */
  readonly minFrameMs: number;
  readonly defaultFrames: number;
  readonly maxFrames: number;
  /** Least time between two redraws of a live tree. */
  readonly liveTreeMs: number;
}

export const DEFAULT_VIZ_LIMITS: VizLimits = {
  outputsPerRun: 100,
  outputChars: 200_000,
  tableRows: 100,
  tableRowsMax: 1000,
  tableColumns: 30,
  cellChars: 200,
  sequenceItems: 300,
  minFrameMs: 16,
  defaultFrames: 1000,
  maxFrames: 100_000,
  liveTreeMs: 200,
};

// ------------------------------------------------------------------ the host

/** A rich output and the cell it belongs to. */
export interface CellRichOutput {
  readonly cellId: string;
  readonly output: RichOutput;
}

export interface VizHostOptions {
  readonly runtime: Runtime;
  readonly onRich: (rich: CellRichOutput) => void;
  readonly limits?: Partial<VizLimits>;
}

interface Caller {
  /** The process calling viz: a cell's evaluator or a process it started. */
  readonly pid: Pid;
  /** Where its output goes: the I/O device of the caller's cell. */
  readonly groupLeader: Pid;
  /** The cell the caller's output goes to. */
  readonly cellId: string;
  /** True inside an animation's frame function: outputs become the frame instead. */
  readonly capturing: boolean;
}

interface Widget {
  readonly cellId: string;
  readonly kind: 'button' | 'input' | 'select';
  readonly to: Pid;
  /** A button's own click message, when it has one. */
  readonly message: { readonly value: unknown } | null;
}

/** What the host remembers of a cell's current run. */
interface CellRun {
  readonly ids: Set<string>;
  capped: boolean;
  /** Animators and live trees of this run: killed when the cell runs again. */
  readonly processes: Set<Pid>;
  readonly widgets: Set<string>;
}

const WAKE = '$viz_wake';

/**
 * The host side of `viz`: knows which I/O device belongs to which cell, applies the caps, keeps
 * the widgets and delivers their events as messages. One per engine (one per runtime).
 */
export class VizHost {
  /** The namespace cells see as `viz`. */
  readonly api: Viz;
  private readonly limits: VizLimits;
  private readonly cellOfDevice = new Map<number, string>();
  private readonly runs = new Map<string, CellRun>();
  private readonly widgets = new Map<string, Widget>();
  /** Animator pids (their viz calls build frames). */
  private readonly capturing = new Set<number>();
  /** Pids of viz's own processes, left out of sequence traces. */
  private readonly internal = new Set<number>();
  private nextId = 1;
  /** Live views (`View.start`): processes that draw under their cell. */
  private readonly views: ViewHost;

  constructor(private readonly options: VizHostOptions) {
    this.limits = { ...DEFAULT_VIZ_LIMITS, ...options.limits };
    this.api = this.makeApi();
    this.views = new ViewHost({
      runtime: options.runtime,
      caller: (name) => this.caller(name),
      emit: (cellId, output) => void this.emit(cellId, output),
      track: (cellId, pid) => {
        const run = this.run(cellId);
        run.processes.add(pid);
        this.runtime.onExit(pid, () => run.processes.delete(pid));
        return run;
      },
      runOf: (cellId) => this.runs.get(cellId),
    });
  }

  /** The cells' `View` namespace. */
  get viewApi(): ViewApi {
    return this.views.api;
  }

  private get runtime(): Runtime {
    return this.options.runtime;
  }

  /** Output of processes whose group leader is `device` goes to cell `cellId`. */
  attachDevice(device: Pid, cellId: string): void {
    this.cellOfDevice.set(device.id, cellId);
  }

  /**
   * Cell `cellId` runs again: its animations and live trees stop, its widgets stop sending,
   * and its output count starts from zero.
   */
  startRun(cellId: string): void {
    const old = this.runs.get(cellId);
    this.runs.set(cellId, {
      ids: new Set(),
      capped: false,
      processes: new Set(),
      widgets: new Set(),
    });
    if (!old) return;
    for (const id of old.widgets) this.widgets.delete(id);
    for (const pid of old.processes) {
      if (isAlive(this.runtime, pid)) this.runtime.exitPid(null, pid, 'kill');
    }
  }

  /**
   * A person used widget `widgetId` of cell `cellId`: sends its message to its process. Returns
   * false when the widget is unknown (its cell ran again since).
   */
  widgetEvent(cellId: string, widgetId: string, value: string | null): boolean {
    if (this.views.has(widgetId)) return this.views.pageEvent(cellId, widgetId, value);
    const widget = this.widgets.get(widgetId);
    if (!widget || widget.cellId !== cellId) return false;
    let message: unknown;
    if (widget.kind === 'button')
      message = widget.message ? widget.message.value : ['click', widgetId];
    else message = [widget.kind, widgetId, value ?? ''];
    if (!isAlive(this.runtime, widget.to)) {
      this.emit(cellId, {
        kind: 'notice',
        id: `${widgetId}-notice`,
        text: `Nobody got that: ${widget.to.toString()}, the process this ${widget.kind} sends to, is not alive.`,
      });
      return true;
    }
    this.runtime.send(null, widget.to, message);
    return true;
  }

  // ---------------------------------------------------------------- emitting

  private run(cellId: string): CellRun {
    let run = this.runs.get(cellId);
    if (!run) {
      run = { ids: new Set(), capped: false, processes: new Set(), widgets: new Set() };
      this.runs.set(cellId, run);
    }
    return run;
  }

  /** Sends one output to its cell, within the caps; returns false if it was left out. */
  private emit(cellId: string, output: RichOutput): boolean {
    const run = this.run(cellId);
    if (!run.ids.has(output.id)) {
      if (run.ids.size >= this.limits.outputsPerRun) {
        if (!run.capped) {
          run.capped = true;
          this.options.onRich({
            cellId,
            output: {
              kind: 'notice',
              id: 'viz-limit',
              text: `This cell made more than ${this.limits.outputsPerRun} rich outputs; later ones are not shown.`,
            },
          });
        }
        return false;
      }
      run.ids.add(output.id);
    }
    const size = JSON.stringify(output).length;
    const sent: RichOutput =
      size > this.limits.outputChars
        ? {
            kind: 'notice',
            id: output.id,
            text: `This ${output.kind} output is too large to show: ${size} characters, the limit is ${this.limits.outputChars}.`,
          }
        : output;
    const problem = checkRichOutput(sent);
    if (problem) throw new Error(`viz built a malformed ${output.kind} output: ${problem}`);
    this.options.onRich({ cellId, output: sent });
    return true;
  }

  /** Emits a static output, or hands it to the frame being built; returns the cell's handle. */
  private show(caller: Caller, output: RichOutput): VizOutput {
    const handle = new VizOutput(output.kind, output.id);
    handles.set(handle, output);
    if (!caller.capturing) this.emit(caller.cellId, output);
    return handle;
  }

  private caller(name: string): Caller {
    const me = cellSupport.self();
    if (me === null || me.runtime !== this.runtime) {
      throw new ArgumentError(`viz.${name} can only be called from a cell or a process it started`);
    }
    const { pid, groupLeader } = me;
    const cellId = this.cellOfDevice.get(groupLeader.id);
    if (cellId === undefined) {
      throw new ArgumentError(
        `viz.${name}: ${pid.toString()} writes to no cell (its group leader ${groupLeader.toString()} is not a cell's output)`,
      );
    }
    return { pid, groupLeader, cellId, capturing: this.capturing.has(pid.id) };
  }

  private newId(kind: string, options: OutputOptions | undefined, name: string): string {
    if (options?.id !== undefined) {
      if (typeof options.id !== 'string' || options.id === '' || options.id.length > 100) {
        throw new ArgumentError(
          `viz.${name}: id should be a non-empty string of at most 100 characters, got ${inspect(options.id)}`,
        );
      }
      return options.id;
    }
    return `${kind}-${this.nextId++}`;
  }

  /** Starts one of viz's own processes for the caller's cell, killed when the cell runs again. */
  private spawnHelper(caller: Caller, label: string, body: (me: Pid) => Promise<void>): Pid {
    const pid = this.runtime.spawn(caller.pid, () => body(RuntimeApi.self()), {
      label,
      groupLeader: caller.groupLeader,
    });
    const run = this.run(caller.cellId);
    run.processes.add(pid);
    this.internal.add(pid.id);
    this.runtime.onExit(pid, () => {
      run.processes.delete(pid);
      this.internal.delete(pid.id);
      this.capturing.delete(pid.id);
    });
    return pid;
  }

  private resolvePid(name: string, what: string, value: unknown): Pid {
    if (value instanceof Pid) return value;
    if (typeof value === 'string') {
      const pid = this.runtime.whereis(value);
      if (pid instanceof Pid) return pid;
      throw new ArgumentError(`viz.${name}: no process is registered as '${value}'`);
    }
    throw new ArgumentError(
      `viz.${name}: ${what} should be a pid or a registered name, got ${inspect(value)}`,
    );
  }

  // ---------------------------------------------------------------- the API

  private makeApi(): Viz {
    return {
      markdown: (text, options) => {
        const caller = this.caller('markdown');
        if (typeof text !== 'string') {
          throw new ArgumentError(
            `viz.markdown expects Markdown text (a string), got ${inspect(text)}`,
          );
        }
        return this.show(caller, {
          kind: 'markdown',
          id: this.newId('markdown', options, 'markdown'),
          markdown: text,
        });
      },
      table: (rows, options) => {
        const caller = this.caller('table');
        const id = this.newId('table', options, 'table');
        return this.show(caller, buildTable(id, rows, options ?? {}, this.limits));
      },
      mermaid: (source, options) => {
        const caller = this.caller('mermaid');
        if (typeof source !== 'string' || source.trim() === '') {
          throw new ArgumentError(
            `viz.mermaid expects the diagram's mermaid source (a non-empty string), got ${inspect(source)}`,
          );
        }
        return this.show(caller, {
          kind: 'mermaid',
          id: this.newId('mermaid', options, 'mermaid'),
          source,
        });
      },
      tree: (pid, options) => {
        const caller = this.caller('tree');
        const target = this.resolvePid('tree', 'the root', pid);
        checkOptions('tree', options);
        const id = this.newId('tree', options, 'tree');
        const live = options?.live === true && !caller.capturing;
        const handle = this.show(caller, this.treeOutput(id, target, live, null, null));
        if (live) this.startLiveTree(caller, id, target);
        return handle;
      },
      seqTrace: (fn, options) => this.seqTrace(fn, options),
      animate: (ms, fn, options) => this.animate(ms, fn, options),
      button: (label, options) => {
        const caller = this.widgetCaller('button', label);
        checkOptions('button', options);
        const message = options && Object.hasOwn(options, 'message') ? options.message : undefined;
        if (message !== undefined) copyChecked('button', message);
        const id = this.newId('button', undefined, 'button');
        this.addWidget(
          caller,
          id,
          'button',
          options,
          message === undefined ? null : { value: message },
        );
        this.emit(caller.cellId, { kind: 'button', id, label });
        return id;
      },
      input: (label, options) => {
        const caller = this.widgetCaller('input', label);
        checkOptions('input', options);
        const initial = options?.initial ?? '';
        if (typeof initial !== 'string') {
          throw new ArgumentError(`viz.input: initial should be a string, got ${inspect(initial)}`);
        }
        const id = this.newId('input', undefined, 'input');
        this.addWidget(caller, id, 'input', options, null);
        this.emit(caller.cellId, { kind: 'input', id, label, initial });
        return id;
      },
      select: (label, choices, settings) => {
        const caller = this.widgetCaller('select', label);
        checkOptions('select', settings);
        if (
          !Array.isArray(choices) ||
          choices.length === 0 ||
          choices.length > 200 ||
          !choices.every((c) => typeof c === 'string')
        ) {
          throw new ArgumentError(
            `viz.select expects its options as 1 to 200 strings, got ${inspect(choices)}`,
          );
        }
        const initial = settings?.initial ?? choices[0]!;
        if (!choices.includes(initial)) {
          throw new ArgumentError(
            `viz.select: initial ${inspect(initial)} is not one of the options`,
          );
        }
        const id = this.newId('select', undefined, 'select');
        this.addWidget(caller, id, 'select', settings, null);
        this.emit(caller.cellId, { kind: 'select', id, label, options: [...choices], initial });
        return id;
      },
    };
  }

  private widgetCaller(name: string, label: unknown): Caller {
    const caller = this.caller(name);
    if (caller.capturing) {
      throw new ArgumentError(
        `viz.${name} cannot be part of an animation frame; create it outside viz.animate`,
      );
    }
    if (typeof label !== 'string' || label.trim() === '' || label.length > 200) {
      throw new ArgumentError(
        `viz.${name} expects a label (a non-empty string of at most 200 characters), got ${inspect(label)}`,
      );
    }
    return caller;
  }

  private addWidget(
    caller: Caller,
    id: string,
    kind: Widget['kind'],
    options: WidgetOptions | undefined,
    message: Widget['message'],
  ): void {
    const to = options?.to === undefined ? caller.pid : this.resolvePid(kind, 'to', options.to);
    this.widgets.set(id, { cellId: caller.cellId, kind, to, message });
    this.run(caller.cellId).widgets.add(id);
  }

  // ---------------------------------------------------------------- trees

  private treeOutput(
    id: string,
    pid: Pid,
    live: boolean,
    models: { table: ProcessTable; supervision: SupervisionModel } | null,
    note: string | null,
  ): TreeOutput {
    const rt = this.runtime;
    const table = models?.table ?? createProcessTable();
    const supervision = models?.supervision ?? createSupervisionModel();
    applyProcessSnapshot(table, snapshotProcesses(rt));
    applySupervisorSnapshots(supervision, snapshotSupervisors(rt));
    const alive = isAlive(rt, pid);
    let root: TreeNode | null = null;
    if (alive) {
      const forest = supervisionForest(supervision, table);
      root = findNode(forest.roots, pid.id) ?? loneProcessNode(table, pid.id);
    }
    return {
      kind: 'tree',
      id,
      pidText: pid.toString(),
      root: root && foldCollapsed(root),
      live,
      time: rt.clock.now(),
      note: note ?? (alive ? null : `${pid.toString()} is not alive.`),
    };
  }

  private startLiveTree(caller: Caller, id: string, pid: Pid): void {
    const table = createProcessTable();
    const supervision = createSupervisionModel();
    const models = { table, supervision };
    const throttle = this.limits.liveTreeMs;
    let waking = false;
    let last = '';
    let unsubscribe = (): void => {};
    const helper = this.spawnHelper(caller, 'viz.tree live', async () => {
      for (;;) {
        await RuntimeApi.receive(WAKE);
        await RuntimeApi.sleep(throttle);
        waking = false;
        const alive = isAlive(this.runtime, pid);
        const output = this.treeOutput(
          id,
          pid,
          alive,
          models,
          alive ? null : `${pid.toString()} exited; the tree stopped updating.`,
        );
        const text = JSON.stringify({ ...output, time: 0 });
        if (text !== last) {
          last = text;
          this.emit(caller.cellId, output);
        }
        if (!alive) return;
      }
    });
    const onEvent = (event: TraceEvent): void => {
      if (touches(event, helper)) return;
      applyProcessEvent(table, event);
      applySupervisionEvent(supervision, event);
      if (waking) return;
      waking = true;
      void Promise.resolve().then(() => {
        if (isAlive(this.runtime, helper)) this.runtime.send(null, helper, WAKE);
      });
    };
    unsubscribe = this.runtime.trace.subscribe(onEvent);
    this.runtime.onExit(helper, () => unsubscribe());
  }

  // ---------------------------------------------------------------- sequence traces

  private async seqTrace<T>(fn: () => T | Promise<T>, options?: SeqTraceOptions): Promise<T> {
    const caller = this.caller('seqTrace');
    if (typeof fn !== 'function') {
      throw new ArgumentError(
        `viz.seqTrace expects a function to run while tracing, got ${inspect(fn)}`,
      );
    }
    checkOptions('seqTrace', options);
    const pids = options?.pids;
    if (pids !== undefined && !Array.isArray(pids)) {
      throw new ArgumentError(
        `viz.seqTrace: pids should be an array of pids or names, got ${inspect(pids)}`,
      );
    }
    const chosen = pids?.map((p) => this.resolvePid('seqTrace', 'each of pids', p).id);
    const wait = options?.wait ?? 0;
    if (typeof wait !== 'number' || !(wait >= 0) || wait > 60_000) {
      throw new ArgumentError(
        `viz.seqTrace: wait should be a number of ms from 0 to 60000, got ${inspect(wait)}`,
      );
    }
    const id = this.newId('sequence', options, 'seqTrace');
    const model = createSequenceModel(Math.max(2000, this.limits.sequenceItems * 4));
    // Names registered before tracing started label their lifelines too.
    const named: [number, string][] = [];
    for (const name of this.runtime.registered()) {
      const pid = this.runtime.whereis(name);
      if (pid) named.push([pid.id, name]);
    }
    nameParticipants(model, named);
    const unsubscribe = this.runtime.trace.subscribe((event) => applySequenceEvent(model, event));
    // If the cell is stopped while fn waits, the finally below never runs: stop tracing anyway.
    this.runtime.onExit(caller.pid, unsubscribe);
    let result: T;
    try {
      const me = caller.pid;
      result = cellSupport.resumeAs(me, (await cellSupport.awaitAs(me, fn())) as T);
      if (wait > 0) await RuntimeApi.sleep(wait);
    } finally {
      unsubscribe();
      // Drawn even when fn threw: the messages up to the failure are often the point.
      const output = this.sequenceOutput(id, model, chosen);
      if (!caller.capturing) this.emit(caller.cellId, output);
    }
    return result;
  }

  private sequenceOutput(
    id: string,
    model: ReturnType<typeof createSequenceModel>,
    chosen: readonly number[] | undefined,
  ): SequenceOutput {
    // viz's own processes (animators, live trees) are not part of what the cell did.
    model.items = model.items.filter((item) =>
      endpoints(item).every((end) => end === null || !this.internal.has(end)),
    );
    const view: SequenceView = chosen ? { pids: chosen, match: 'both' } : {};
    let items = visibleItems(model, view);
    const total = items.length;
    if (total > this.limits.sequenceItems) {
      items = items.slice(0, this.limits.sequenceItems);
      view.to = items.at(-1)!.seq;
    }
    return {
      kind: 'sequence',
      id,
      items: items.map((item) => ({ ...item })),
      participants: participantsOf(model, items),
      mermaid: toMermaid(model, view),
      omitted: total - items.length,
    };
  }

  // ---------------------------------------------------------------- animations

  private animate(
    ms: number,
    fn: (i: number) => FrameValue | Promise<FrameValue>,
    options?: AnimateOptions,
  ): Pid {
    const caller = this.caller('animate');
    const { minFrameMs, maxFrames, defaultFrames } = this.limits;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < minFrameMs || ms > 3_600_000) {
      throw new ArgumentError(
        `viz.animate: ms should be a number of milliseconds from ${minFrameMs} to 3600000, got ${inspect(ms)}`,
      );
    }
    if (typeof fn !== 'function') {
      throw new ArgumentError(
        `viz.animate expects a function from the frame number to the frame, got ${inspect(fn)}`,
      );
    }
    checkOptions('animate', options);
    const frames = options?.frames ?? defaultFrames;
    if (!Number.isInteger(frames) || frames < 1 || frames > maxFrames) {
      throw new ArgumentError(
        `viz.animate: frames should be a whole number from 1 to ${maxFrames}, got ${inspect(frames)}`,
      );
    }
    const id = this.newId('frame', options, 'animate');
    let frame: FrameOutput = {
      kind: 'frame',
      id,
      index: 0,
      content: { kind: 'text', text: '' },
      state: 'running',
      note: null,
    };
    let stopped = false;
    const stop = (note: string): void => {
      if (stopped) return;
      stopped = true;
      frame = { ...frame, state: 'stopped', note };
      this.emit(caller.cellId, frame);
    };
    const animator = this.spawnHelper(caller, 'viz.animate', async (me) => {
      this.capturing.add(me.id);
      for (let i = 0; ; i++) {
        if (i >= frames) {
          stop(`Stopped after ${frames} frames (the limit).`);
          return;
        }
        let value: FrameValue;
        try {
          value = cellSupport.resumeAs(me, (await cellSupport.awaitAs(me, fn(i))) as FrameValue);
        } catch (e) {
          if (isExitSignal(e)) throw e;
          stop(
            `Stopped: frame ${i} threw ${e instanceof Error ? `${e.name}: ${e.message}` : inspect(e)}`,
          );
          return;
        }
        if (value === null || value === undefined) {
          stop(`Stopped after ${i} frame${i === 1 ? '' : 's'}.`);
          return;
        }
        frame = { ...frame, index: i, content: frameContent(value) };
        this.emit(caller.cellId, frame);
        await RuntimeApi.sleep(ms);
      }
    });
    const run = this.runs.get(caller.cellId);
    this.runtime.onExit(animator, (reason) => {
      // Killed because the cell runs again: its outputs are being cleared, nothing to say.
      if (this.runs.get(caller.cellId) !== run) return;
      if (reason !== 'normal')
        stop(`Stopped: the animator exited with ${clip(inspect(reason), 200)}.`);
    });
    return animator;
  }
}

/** The full output behind each handle a static viz call returned. */
const handles = new WeakMap<VizOutput, RichOutput>();

const FRAME_KINDS = new Set<string>(['markdown', 'table', 'mermaid', 'tree', 'sequence']);

function frameContent(value: FrameValue): FrameContent {
  if (value instanceof VizOutput) {
    const output = handles.get(value);
    if (output && FRAME_KINDS.has(output.kind)) return output as FrameContent;
    throw new ArgumentError(`a ${value.kind} output cannot be an animation frame`);
  }
  return { kind: 'text', text: typeof value === 'string' ? value : inspect(value) };
}

function checkOptions(name: string, options: unknown): void {
  if (
    options !== undefined &&
    (typeof options !== 'object' || options === null || Array.isArray(options))
  ) {
    throw new ArgumentError(`viz.${name}: options should be an object, got ${inspect(options)}`);
  }
}

/** Messages follow the copy rules; a value that cannot be copied (a cycle) fails now, not at the click. */
function copyChecked(name: string, value: unknown): void {
  try {
    copyMessage(value);
  } catch (e) {
    throw new ArgumentError(`viz.${name}: the message cannot be sent: ${(e as Error).message}`);
  }
}

function touches(event: TraceEvent, pid: Pid): boolean {
  const e = event as Partial<Record<'pid' | 'from' | 'to' | 'watcher' | 'target', unknown>>;
  return e.pid === pid || e.from === pid || e.to === pid || e.watcher === pid || e.target === pid;
}

// ---------------------------------------------------------------- tables

function buildTable(
  id: string,
  rows: unknown,
  options: TableOptions,
  limits: VizLimits,
): TableOutput {
  if (!Array.isArray(rows)) {
    throw new ArgumentError(
      `viz.table expects an array of rows (objects or arrays), got ${inspect(rows, { depth: 2 })}`,
    );
  }
  checkOptions('table', options);
  const limit = options.limit ?? limits.tableRows;
  if (!Number.isInteger(limit) || limit < 1 || limit > limits.tableRowsMax) {
    throw new ArgumentError(
      `viz.table: limit should be a whole number from 1 to ${limits.tableRowsMax}, got ${inspect(limit)}`,
    );
  }
  let columns: string[];
  if (options.columns !== undefined) {
    if (!Array.isArray(options.columns) || !options.columns.every((c) => typeof c === 'string')) {
      throw new ArgumentError(
        `viz.table: columns should be an array of strings, got ${inspect(options.columns)}`,
      );
    }
    columns = options.columns.slice(0, limits.tableColumns);
  } else {
    const seen = new Set<string>();
    for (const row of rows.slice(0, limit)) {
      if (Array.isArray(row)) row.forEach((_, i) => seen.add(String(i)));
      else if (isRecordRow(row)) Object.keys(row).forEach((key) => seen.add(key));
      else seen.add('value');
      if (seen.size >= limits.tableColumns) break;
    }
    columns = [...seen].slice(0, limits.tableColumns);
  }
  const cell = (value: unknown): string =>
    value === undefined
      ? ''
      : clip(
          typeof value === 'string' ? value : inspect(value, { depth: 3, limit: 20 }),
          limits.cellChars,
        );
  const shown = rows.slice(0, limit).map((row) =>
    columns.map((column, index) => {
      if (Array.isArray(row)) {
        return cell(options.columns ? row[index] : row[Number(column)]);
      }
      if (isRecordRow(row)) return cell(Object.hasOwn(row, column) ? row[column] : undefined);
      return column === 'value' || (options.columns && index === 0) ? cell(row) : '';
    }),
  );
  return { kind: 'table', id, columns, rows: shown, totalRows: rows.length };
}

function isRecordRow(row: unknown): row is Record<string, unknown> {
  return (
    typeof row === 'object' &&
    row !== null &&
    !(row instanceof Pid) &&
    !(row instanceof Map) &&
    !(row instanceof Set) &&
    !(row instanceof Date)
  );
}

// ---------------------------------------------------------------- tree helpers

function findNode(nodes: readonly TreeNode[], pid: number): TreeNode | null {
  for (const node of nodes) {
    if (node.pid === pid) return node;
    const below = findNode(node.children, pid);
    if (below) return below;
  }
  return null;
}

/** Folded nodes travel without their children (their counts stay), so a huge tree stays small. */
function foldCollapsed(node: TreeNode): TreeNode {
  if (node.collapsed) return { ...node, children: [] };
  return { ...node, children: node.children.map(foldCollapsed) };
}
