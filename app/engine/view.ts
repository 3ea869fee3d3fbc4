/**
 * `View`: a live view that runs in a cell, modelled on Phoenix LiveView. A view is a process: it
 * mounts (`mount(params, socket)`), renders its assigns into a tree (`render(assigns)`), and then
 * waits for messages: a click or a form submit on the page becomes `handleEvent(event, payload,
 * socket)`, any other message `handleInfo(msg, socket)`, the result of async work
 * `handleAsync(name, result, socket)`. After each callback it renders again and sends the page
 * only what changed (see `viewTree.ts`).
 *
 * Why a process: the lesson of Part 10 is that a UI process must never block. While a callback
 * runs, the view takes no clicks; slow work goes to other processes, whose results come back as
 * messages. A view that crashes is started again with fresh state (`mount` again), like a
 * LiveView whose process died and whose page reconnected, and the cell says so in a line of
 * output; after more than 3 crashes in 5 seconds it stays down.
 *
 * Async work follows LiveView's API (phoenix_live_view's `Phoenix.LiveView.Async`):
 * - `startAsync(socket, name, fn)` runs `fn` in a new process LINKED to the view. Its result
 *   reaches `handleAsync(name, ['ok', value], socket)`. If `fn` throws, the task first unlinks
 *   itself, reports `['exit', reason]` to `handleAsync` and then crashes, so the error does not
 *   take the view down; a task killed from outside does, through the link (the view does not
 *   trap exits). A second `startAsync` with a name still in flight wins: the first task's result
 *   is ignored (it is not killed).
 * - `cancelAsync(socket, name, reason = ['shutdown', 'cancel'])` unlinks and kills the task with
 *   `reason`; `handleAsync` then gets `['exit', reason]` (an `assignAsync` key becomes failed
 *   with `['exit', reason]`).
 * - `assignAsync(socket, keys, fn)` sets each key to an `AsyncResult` that is loading (keeping a
 *   previous result), runs `fn` like startAsync, and expects `['ok', {key: value, ...}]` for every
 *   key (ok), or `['error', reason]` (failed with `['error', reason]`); a throw or another return
 *   value fails it with `['exit', reason]`.
 * - Streams (`stream`, `streamInsert`, `streamDelete`) are lists of items with an `id`, rendered
 *   from `assigns.streams[name]` as `[domId, item]` pairs; inserting an id already there updates it
 *   in place. Unlike LiveView, which forgets the items once sent, this view keeps them: its diff
 *   needs the whole tree.
 */
import * as RuntimeApi from '../../runtime/index';
import type { Runtime } from '../../runtime/index';
import {
  _,
  ArgumentError,
  Pid,
  after,
  cellSupport,
  inspect,
  isAlive,
  isExitSignal,
  on,
} from '../../runtime/index';
import { clip } from '../panels/model/describe';
import type { ViewOutput } from './richOutput';
import type { ViewElement, ViewNode } from './viewTree';
import {
  VIEW_EVENTS,
  VIEW_TAGS,
  checkAttr,
  checkViewNode,
  diffView,
  viewElements,
  viewText,
} from './viewTree';

export type { ViewElement, ViewNode } from './viewTree';

// ------------------------------------------------------------------ what cells see

/** A view's assigns: names to any values. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assigns hold any term
export type Assigns = Record<string, any>;

/** Any term (params, messages, results), loosely typed for cell code as receive's messages are. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a message is any term
export type Term = any;

/** What `View.h` takes as children: text, numbers, elements, arrays of them; null/false/true show nothing. */
export type ViewChild = ViewNode | number | boolean | null | undefined | readonly ViewChild[];

/** Attributes and bindings of `View.h`: allow-listed attributes plus `onClick`/`onSubmit`/`onChange`, `key`, `values`. */
export interface ViewProps {
  /** The event name a click sends to handleEvent. */
  readonly onClick?: string;
  /** On a form: the event name a submit sends, with the form's named fields as payload. */
  readonly onSubmit?: string;
  /** On an input or select: the event name each change sends, with `{name: value}`. */
  readonly onChange?: string;
  /** Identifies the element among its siblings across renders (list items). */
  readonly key?: string | number;
  /** The payload of a click (strings). */
  readonly values?: Readonly<Record<string, string | number>>;
  /** CSS classes. */
  readonly class?: string;
  /** A few style properties only (color, background-color, font-weight, text-align, width...). */
  readonly style?: string | Readonly<Record<string, string | number>>;
  readonly [attribute: string]: unknown;
}

/** The state a view's callbacks get and return; `assign` makes a new one. */
export class Socket<A extends Assigns = Assigns> {
  /** The view's assigns: what `render` gets. */
  readonly assigns: Readonly<A>;
  constructor(assigns: A) {
    this.assigns = Object.freeze({ ...assigns });
    Object.freeze(this);
  }
}

/**
 * The state of async work in an assign (`assignAsync`), or kept by hand with its helpers:
 * `loading` (the keys being loaded, or null), `ok` (a result arrived), `failed` (`['error', r]`
 * or `['exit', r]`, or null) and the last `result`.
 */
export interface AsyncResult<T = unknown> {
  readonly ok: boolean;
  readonly loading: unknown;
  readonly failed: unknown;
  readonly result: T | undefined;
}

/** The callbacks of a view; all but `render` are optional, and each returns the socket. */
export interface ViewModule<A extends Assigns = Assigns> {
  /** Shown in the cell's messages ("View Counter crashed..."). */
  readonly name?: string;
  mount?(params: Term, socket: Socket<A>): Socket<A> | Promise<Socket<A>>;
  handleEvent?(
    event: string,
    payload: Record<string, string>,
    socket: Socket<A>,
  ): Socket<A> | Promise<Socket<A>>;
  handleInfo?(message: Term, socket: Socket<A>): Socket<A> | Promise<Socket<A>>;
  handleAsync?(
    name: string,
    result: ['ok', Term] | ['exit', Term],
    socket: Socket<A>,
  ): Socket<A> | Promise<Socket<A>>;
  /** The tree for these assigns (build it with `View.h`); must not be async. */
  render(assigns: Readonly<A>): ViewChild;
}

/** A started view: pass it to `View.click`, `View.text`, `View.pid`... It keeps its identity across remounts. */
export interface ViewRef {
  readonly id: string;
}

/**
 * An item of a stream: anything with an `id`. Generic in the API, so an item written inline with
 * more fields than `id` is not an excess-property error.
 */
export interface StreamItem {
  readonly id: string | number;
}

/** Options of `stream` and `streamInsert`. */
export interface StreamOptions {
  /** Where new items go: -1 at the end (default), 0 at the start, or an index. */
  readonly at?: number;
  /** `stream` only: drop the items there were first. */
  readonly reset?: boolean;
  /** Keep at most this many items: the first ones if positive, the last ones if negative. */
  readonly limit?: number;
}

/** The `View` namespace of cells. */
export interface ViewApi {
  /** Starts a view process drawing under the cell: mount(params), then render; returns its handle. */
  start<A extends Assigns>(module: ViewModule<A>, params?: unknown): ViewRef;
  /** An element of a view's tree: `View.h('button', {onClick: 'inc'}, 'Add')`. Text stays text. */
  h(tag: string, props?: ViewProps | ViewChild, ...children: ViewChild[]): ViewElement;
  /** A new socket with these assigns changed. */
  assign<A extends Assigns>(socket: Socket<A>, assigns: NoInfer<Partial<A>> & Assigns): Socket<A>;
  /** Runs `fn` in a task linked to the view; its result reaches `handleAsync(name, ['ok', v] | ['exit', r])`. */
  startAsync<A extends Assigns>(socket: Socket<A>, name: string, fn: () => unknown): Socket<A>;
  /** Kills the task `name` (or of an assignAsync key) with `reason`; handleAsync gets `['exit', reason]`. */
  cancelAsync<A extends Assigns>(socket: Socket<A>, name: string, reason?: unknown): Socket<A>;
  /** Sets `keys` to loading AsyncResults, runs `fn` in a task; `['ok', {key: v}]` or `['error', r]` settles them. */
  assignAsync<A extends Assigns>(
    socket: Socket<A>,
    keys: string | readonly string[],
    fn: () => unknown,
  ): Socket<A>;
  /** `AsyncResult.loading()`, `.ok(value)`, `.failed(reason)`: the states of async work. */
  readonly AsyncResult: {
    loading(previous?: AsyncResult, loading?: unknown): AsyncResult;
    ok<T>(value: T, previous?: AsyncResult): AsyncResult<T>;
    failed(reason: unknown, previous?: AsyncResult): AsyncResult;
  };
  /** Sets stream `name` to `items` (each with an `id`), rendered from `assigns.streams[name]` as `[domId, item]`. */
  stream<A extends Assigns, T extends StreamItem>(
    socket: Socket<A>,
    name: string,
    items: readonly T[],
    options?: StreamOptions,
  ): Socket<A>;
  /** Inserts `item` into stream `name` (or updates the item with its id in place). */
  streamInsert<A extends Assigns, T extends StreamItem>(
    socket: Socket<A>,
    name: string,
    item: T,
    options?: Omit<StreamOptions, 'reset'>,
  ): Socket<A>;
  /** Removes `item` (or the item with that id) from stream `name`. */
  streamDelete<A extends Assigns, T extends StreamItem>(
    socket: Socket<A>,
    name: string,
    item: T | string | number,
  ): Socket<A>;
  /** Clicks what is bound to click as `target` (an event name or a button's text); resolves once the view handled it. */
  click(view: ViewRef, target: string): Promise<void>;
  /** Submits the form bound to `event`, its fields as they are with `fields` typed over them. */
  submit(view: ViewRef, event: string, fields?: Record<string, string | number>): Promise<void>;
  /** The text the view shows now, one line per block (after every message sent to it so far was handled). */
  text(view: ViewRef): Promise<string>;
  /** The tree the view shows now, as plain data. */
  render(view: ViewRef): Promise<ViewNode | null>;
  /** The view's current process (a new one after a crash remounted it). */
  pid(view: ViewRef): Pid;
}

// ------------------------------------------------------------------ the host

/** What the view host needs from viz: its emitting, routing and process bookkeeping. */
export interface ViewHostDeps {
  readonly runtime: Runtime;
  /** The calling process's pid, group leader and cell (throws for a caller that has no cell). */
  caller(name: string): { pid: Pid; groupLeader: Pid; cellId: string };
  /** Sends one output to a cell. */
  emit(cellId: string, output: ViewOutput): void;
  /** Records a process of cell `cellId`'s run, killed when the cell runs again; returns the run. */
  track(cellId: string, pid: Pid): unknown;
  /** The cell's current run (compared by identity). */
  runOf(cellId: string): unknown;
}

interface AsyncEntry {
  readonly ref: RuntimeApi.Ref;
  readonly pid: Pid;
  readonly kind: 'start' | 'assign';
  readonly keys: readonly string[];
}

interface ViewContext {
  readonly pid: Pid;
  readonly asyncs: Map<string, AsyncEntry>;
  readonly streams: Map<string, [string, unknown][]>;
}

interface ViewRecord {
  readonly id: string;
  readonly cellId: string;
  readonly name: string;
  readonly module: ViewModule;
  readonly params: unknown;
  readonly groupLeader: Pid;
  run: unknown;
  pid: Pid | null;
  tree: ViewNode | null;
  version: number;
  crashes: number[];
  stopped: boolean;
}

const contexts = new WeakMap<Socket, ViewContext>();

/** Crashes within this window count towards giving up. */
const CRASH_WINDOW_MS = 5000;
const MAX_RESTARTS = 3;
const REPLY_MS = 5000;

export class ViewHost {
  readonly api: ViewApi;
  private readonly views = new Map<string, ViewRecord>();
  private nextId = 1;

  constructor(private readonly deps: ViewHostDeps) {
    this.api = this.makeApi();
  }

  private get runtime(): Runtime {
    return this.deps.runtime;
  }

  /** True if `id` is a view's output (its events come here, not to viz's widgets). */
  has(id: string): boolean {
    return this.views.has(id);
  }

  /**
   * The page sent an event of view `id` (value: JSON `{event, payload}`). It reaches the view
   * only if an element of the tree it shows binds that event name, with a payload of strings.
   */
  pageEvent(cellId: string, id: string, value: string | null): boolean {
    const record = this.views.get(id);
    if (!record || record.cellId !== cellId) return false;
    let data: unknown;
    try {
      data = JSON.parse(value ?? '');
    } catch {
      return true;
    }
    if (typeof data !== 'object' || data === null) return true;
    const { event, payload } = data as { event?: unknown; payload?: unknown };
    if (typeof event !== 'string' || !record.tree || !bound(record.tree, event)) return true;
    const fields: Record<string, string> = {};
    if (typeof payload === 'object' && payload !== null) {
      for (const [k, v] of Object.entries(payload).slice(0, 100)) {
        if (typeof v === 'string') fields[k] = v;
      }
    }
    if (record.pid && isAlive(this.runtime, record.pid)) {
      this.runtime.send(null, record.pid, ['$view_event', event, fields, null, null]);
    }
    return true;
  }

  // ---------------------------------------------------------------- processes

  private start(module: ViewModule, params: unknown): ViewRef {
    const caller = this.deps.caller('View.start');
    if (typeof module !== 'object' || module === null || typeof module.render !== 'function') {
      throw new ArgumentError(
        `View.start expects a view module: an object with a render(assigns) function, got ${inspect(module)}`,
      );
    }
    const name = typeof module.name === 'string' && module.name !== '' ? module.name : 'View';
    const id = `view-${this.nextId++}`;
    const record: ViewRecord = {
      id,
      cellId: caller.cellId,
      name: clip(name, 80),
      module,
      params,
      groupLeader: caller.groupLeader,
      run: this.deps.runOf(caller.cellId),
      pid: null,
      tree: null,
      version: 0,
      crashes: [],
      stopped: false,
    };
    this.views.set(id, record);
    this.spawnView(record, caller.pid, null);
    return Object.freeze({ id });
  }

  private spawnView(record: ViewRecord, parent: Pid | null, crashed: string | null): void {
    const pid = this.runtime.spawn(
      parent,
      async () => {
        if (crashed !== null) {
          RuntimeApi.IO.write(
            'stderr',
            `View ${record.name} crashed: ${crashed}; remounted with fresh state.\n`,
          );
        }
        await this.loop(record, RuntimeApi.self());
      },
      { label: `View ${record.name}`, groupLeader: record.groupLeader },
    );
    record.pid = pid;
    record.run = this.deps.track(record.cellId, pid);
    this.runtime.onExit(pid, (reason) => this.exited(record, pid, reason));
  }

  private exited(record: ViewRecord, pid: Pid, reason: unknown): void {
    // Killed because its cell runs again: its output is being cleared.
    if (this.deps.runOf(record.cellId) !== record.run || record.pid !== pid) {
      this.views.delete(record.id);
      return;
    }
    if (
      reason === 'normal' ||
      reason === 'shutdown' ||
      (Array.isArray(reason) && reason[0] === 'shutdown')
    ) {
      record.stopped = true;
      this.show(record, record.tree, null, `The view stopped (${clip(inspect(reason), 100)}).`);
      return;
    }
    const now = this.runtime.clock.now();
    record.crashes = [...record.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    const why = describeReason(reason);
    if (record.crashes.length > MAX_RESTARTS) {
      record.stopped = true;
      const note = `The view crashed ${record.crashes.length} times in ${CRASH_WINDOW_MS / 1000} s and was not restarted; last: ${why}.`;
      this.show(record, record.tree, null, note);
      this.runtime.spawn(
        null,
        () => RuntimeApi.IO.write('stderr', `View ${record.name}: ${note}\n`),
        {
          label: 'View notice',
          groupLeader: record.groupLeader,
        },
      );
      return;
    }
    // Remount after the exit is done (links and monitors of the old process fired).
    void Promise.resolve().then(() => {
      if (this.deps.runOf(record.cellId) !== record.run || record.pid !== pid) return;
      record.tree = null;
      this.spawnView(record, null, why);
    });
  }

  private async loop(record: ViewRecord, me: Pid): Promise<void> {
    const ctx: ViewContext = { pid: me, asyncs: new Map(), streams: new Map() };
    let socket = this.socket(ctx, {});
    socket = await this.callback(record, me, 'mount', [record.params, socket], socket);
    this.draw(record, socket);
    for (;;) {
      const message: unknown = await RuntimeApi.receive(_);
      if (isTagged(message, '$view_sync', 3)) {
        RuntimeApi.send(message[1] as Pid, ['$view_done', message[2]]);
        continue;
      }
      let from: Pid | null = null;
      let ref: unknown = null;
      if (isTagged(message, '$view_event', 5)) {
        const [, event, payload] = message;
        [, , , from, ref] = message as [string, string, unknown, Pid | null, unknown];
        if (typeof record.module.handleEvent !== 'function') {
          throw new ArgumentError(
            `${record.name} got the event ${inspect(event)} but has no handleEvent(event, payload, socket)`,
          );
        }
        socket = await this.callback(record, me, 'handleEvent', [event, payload, socket], socket);
      } else if (isTagged(message, '$view_async', 4)) {
        const [, aref, name, result] = message as [string, unknown, string, [string, unknown]];
        const entry = ctx.asyncs.get(name);
        if (!entry || entry.ref !== aref) continue; // a task that a later one replaced
        ctx.asyncs.delete(name);
        if (entry.kind === 'start') {
          if (typeof record.module.handleAsync !== 'function') {
            throw new ArgumentError(
              `${record.name} started async work ${inspect(name)} but has no handleAsync(name, result, socket)`,
            );
          }
          socket = await this.callback(record, me, 'handleAsync', [name, result, socket], socket);
        } else {
          socket = settleAssign(socket, entry.keys, result);
        }
      } else if (typeof record.module.handleInfo === 'function') {
        socket = await this.callback(record, me, 'handleInfo', [message, socket], socket);
      } else {
        RuntimeApi.IO.write(
          'stderr',
          `warning: View ${record.name} has no handleInfo; it dropped the message ${clip(inspect(message), 200)}\n`,
        );
        continue;
      }
      this.draw(record, socket);
      if (from instanceof Pid) RuntimeApi.send(from, ['$view_done', ref]);
    }
  }

  private socket(ctx: ViewContext, assigns: Record<string, unknown>): Socket {
    const socket = new Socket(assigns);
    contexts.set(socket, ctx);
    return socket;
  }

  private async callback(
    record: ViewRecord,
    me: Pid,
    name: 'mount' | 'handleEvent' | 'handleInfo' | 'handleAsync',
    args: unknown[],
    socket: Socket,
  ): Promise<Socket> {
    const fn = record.module[name] as ((...a: unknown[]) => unknown) | undefined;
    if (typeof fn !== 'function') return socket;
    const value = cellSupport.resumeAs(
      me,
      await cellSupport.awaitAs(me, fn.apply(record.module, args)),
    );
    if (!(value instanceof Socket) || !contexts.has(value)) {
      throw new ArgumentError(
        `${record.name}.${name} should return the socket (View.assign returns a new one), got ${clip(inspect(value), 200)}`,
      );
    }
    return value;
  }

  /** Renders and sends the change: the whole tree the first time, else patches if smaller. */
  private draw(record: ViewRecord, socket: Socket): void {
    const raw = record.module.render(socket.assigns);
    if (raw && typeof (raw as { then?: unknown }).then === 'function') {
      throw new ArgumentError(`${record.name}.render must not be async: it returned a promise`);
    }
    const tree = rootOf(raw);
    const problem = checkViewNode(tree);
    if (problem) throw new ArgumentError(`${record.name}.render: ${problem}`);
    const before = record.tree;
    if (before === null) {
      this.show(record, tree, null, null);
      return;
    }
    const patches = diffView(before, tree);
    if (patches.length === 0) return;
    const full = JSON.stringify(tree).length;
    if (JSON.stringify(patches).length < full) this.show(record, tree, patches, null);
    else this.show(record, tree, null, null);
  }

  private show(
    record: ViewRecord,
    tree: ViewNode | null,
    patches: ViewOutput['patches'],
    note: string | null,
  ): void {
    record.tree = tree;
    record.version += 1;
    this.deps.emit(record.cellId, {
      kind: 'view',
      id: record.id,
      name: record.name,
      version: record.version,
      tree: patches ? null : tree,
      patches,
      note,
      live: !record.stopped,
    });
  }

  // ---------------------------------------------------------------- headless use

  private record(view: unknown, name: string): ViewRecord {
    const id =
      typeof view === 'object' && view !== null ? (view as { id?: unknown }).id : undefined;
    const record = typeof id === 'string' ? this.views.get(id) : undefined;
    if (!record) {
      throw new ArgumentError(
        `View.${name} expects a view View.start returned (in a cell that has not run again since), got ${inspect(view)}`,
      );
    }
    return record;
  }

  /** Waits until the view handled every message sent to it so far (a remounted view: its mount). */
  private async sync(record: ViewRecord, what: string): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      if (record.stopped) return;
      const pid = record.pid;
      if (!pid || !isAlive(this.runtime, pid)) {
        await RuntimeApi.sleep(1);
        continue;
      }
      const ref = RuntimeApi.makeRef();
      const outcome = await this.ask(pid, ['$view_sync', RuntimeApi.self(), ref], ref);
      if (outcome === 'done') return;
      if (outcome === 'timeout') break;
    }
    throw new ArgumentError(`View.${what}: ${record.name} did not answer within ${REPLY_MS} ms`);
  }

  private async ask(
    pid: Pid,
    message: unknown,
    ref: RuntimeApi.Ref,
  ): Promise<'done' | 'down' | 'timeout'> {
    const monitor = RuntimeApi.Process.monitor(pid);
    RuntimeApi.send(pid, message);
    const outcome = await RuntimeApi.receive<'done' | 'down' | 'timeout'>(
      on(['$view_done', ref], () => 'done'),
      on(['DOWN', monitor, _, _, _], () => 'down'),
      after(REPLY_MS, () => 'timeout'),
    );
    RuntimeApi.Process.demonitor(monitor, { flush: true });
    return outcome;
  }

  private async deliver(
    record: ViewRecord,
    what: string,
    event: string,
    payload: Record<string, string>,
  ) {
    const pid = record.pid;
    if (record.stopped || !pid)
      throw new ArgumentError(`View.${what}: ${record.name} is not running`);
    const ref = RuntimeApi.makeRef();
    const outcome = await this.ask(
      pid,
      ['$view_event', event, payload, RuntimeApi.self(), ref],
      ref,
    );
    if (outcome === 'timeout') {
      throw new ArgumentError(
        `View.${what}: ${record.name} did not handle ${inspect(event)} within ${REPLY_MS} ms`,
      );
    }
    // It crashed handling the event: wait for the remount, as the page would.
    if (outcome === 'down') await this.sync(record, what);
  }

  private async click(view: ViewRef, target: string): Promise<void> {
    const record = this.record(view, 'click');
    if (typeof target !== 'string') {
      throw new ArgumentError(
        `View.click expects an event name or a button's text, got ${inspect(target)}`,
      );
    }
    await this.sync(record, 'click');
    const elements = record.tree ? [...viewElements(record.tree)].map(([el]) => el) : [];
    const clickable = elements.filter((el) => el.on.click !== undefined);
    const found =
      clickable.find((el) => el.on.click === target) ??
      clickable.find((el) => viewText(el) === target);
    if (!found) {
      const names = clickable.map((el) => `${el.on.click} (${JSON.stringify(viewText(el))})`);
      throw new ArgumentError(
        `View.click: nothing in ${record.name} is clickable as ${JSON.stringify(target)}; clickable: ${names.join(', ') || 'nothing'}`,
      );
    }
    await this.deliver(record, 'click', found.on.click!, { ...found.values });
  }

  private async submit(view: ViewRef, event: string, fields?: Record<string, string | number>) {
    const record = this.record(view, 'submit');
    await this.sync(record, 'submit');
    const forms = record.tree
      ? [...viewElements(record.tree)].map(([el]) => el).filter((el) => el.on.submit !== undefined)
      : [];
    const form = forms.find((el) => el.on.submit === event);
    if (!form) {
      throw new ArgumentError(
        `View.submit: no form in ${record.name} submits ${JSON.stringify(event)}; forms: ${forms.map((f) => f.on.submit).join(', ') || 'none'}`,
      );
    }
    const payload = formFields(form);
    for (const [k, v] of Object.entries(fields ?? {})) payload[k] = String(v);
    await this.deliver(record, 'submit', event, payload);
  }

  // ---------------------------------------------------------------- the API

  private makeApi(): ViewApi {
    return {
      start: (module, params) => this.start(module as ViewModule, params),
      h: element,
      assign: (socket, assigns) => {
        const ctx = contextOf(socket, 'assign');
        if (typeof assigns !== 'object' || assigns === null || Array.isArray(assigns)) {
          throw new ArgumentError(
            `View.assign expects an object of assigns, got ${inspect(assigns)}`,
          );
        }
        return this.socket(ctx, { ...socket.assigns, ...assigns }) as typeof socket;
      },
      startAsync: (socket, name, fn) => {
        const ctx = inView(socket, 'startAsync');
        checkName('startAsync', name);
        if (typeof fn !== 'function') {
          throw new ArgumentError(`View.startAsync expects a function to run, got ${inspect(fn)}`);
        }
        ctx.asyncs.set(name, runTask(ctx, name, 'start', [], fn));
        return socket;
      },
      cancelAsync: (socket, name, reason = ['shutdown', 'cancel']) => {
        const ctx = inView(socket, 'cancelAsync');
        let key: string | null = null;
        for (const [k, entry] of ctx.asyncs) {
          if (k === name || (entry.kind === 'assign' && entry.keys.includes(name))) key = k;
        }
        const entry = key === null ? undefined : ctx.asyncs.get(key);
        if (!entry) return socket;
        RuntimeApi.Process.unlink(entry.pid);
        RuntimeApi.Process.exit(entry.pid, reason);
        RuntimeApi.send(ctx.pid, ['$view_async', entry.ref, key, ['exit', reason]]);
        return socket;
      },
      assignAsync: (socket, keys, fn) => {
        const ctx = inView(socket, 'assignAsync');
        const list = typeof keys === 'string' ? [keys] : keys;
        if (
          !Array.isArray(list) ||
          list.length === 0 ||
          !list.every((k) => typeof k === 'string')
        ) {
          throw new ArgumentError(
            `View.assignAsync expects a key or an array of keys, got ${inspect(keys)}`,
          );
        }
        if (typeof fn !== 'function') {
          throw new ArgumentError(`View.assignAsync expects a function to run, got ${inspect(fn)}`);
        }
        const loading: Record<string, unknown> = {};
        for (const key of list) {
          const previous = socket.assigns[key] as unknown;
          loading[key] = asyncResult.loading(isAsyncResult(previous) ? previous : undefined, [
            ...list,
          ]);
        }
        const name = list.join(',');
        ctx.asyncs.set(name, runTask(ctx, name, 'assign', [...list], fn));
        return this.socket(ctx, { ...socket.assigns, ...loading }) as typeof socket;
      },
      AsyncResult: asyncResult,
      stream: (socket, name, items, options) => {
        const ctx = contextOf(socket, 'stream');
        checkName('stream', name);
        if (!Array.isArray(items)) {
          throw new ArgumentError(`View.stream expects an array of items, got ${inspect(items)}`);
        }
        const list = options?.reset || !ctx.streams.has(name) ? [] : [...ctx.streams.get(name)!];
        for (const item of items) insertItem(list, name, item, options?.at ?? -1);
        return this.withStream(ctx, socket, name, limited(list, options?.limit)) as typeof socket;
      },
      streamInsert: (socket, name, item, options) => {
        const ctx = contextOf(socket, 'streamInsert');
        checkName('streamInsert', name);
        const list = [...(ctx.streams.get(name) ?? [])];
        insertItem(list, name, item, options?.at ?? -1);
        return this.withStream(ctx, socket, name, limited(list, options?.limit)) as typeof socket;
      },
      streamDelete: (socket, name, item) => {
        const ctx = contextOf(socket, 'streamDelete');
        checkName('streamDelete', name);
        const id = domId(name, typeof item === 'object' && item !== null ? item.id : item);
        const list = (ctx.streams.get(name) ?? []).filter(([dom]) => dom !== id);
        return this.withStream(ctx, socket, name, list) as typeof socket;
      },
      click: (view, target) => this.click(view, target),
      submit: (view, event, fields) => this.submit(view, event, fields),
      text: async (view) => {
        const record = this.record(view, 'text');
        await this.sync(record, 'text');
        return record.tree === null ? '' : viewText(record.tree);
      },
      render: async (view) => {
        const record = this.record(view, 'render');
        await this.sync(record, 'render');
        return record.tree;
      },
      pid: (view) => {
        const record = this.record(view, 'pid');
        if (!record.pid) throw new ArgumentError(`View.pid: ${record.name} has no process yet`);
        return record.pid;
      },
    };
  }

  private withStream(
    ctx: ViewContext,
    socket: Socket,
    name: string,
    list: [string, unknown][],
  ): Socket {
    ctx.streams.set(name, list);
    const streams = {
      ...(socket.assigns.streams as Record<string, unknown> | undefined),
      [name]: list,
    };
    return this.socket(ctx, { ...socket.assigns, streams });
  }
}

// ------------------------------------------------------------------ helpers

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return clip(`${reason.name}: ${reason.message}`, 200);
  return clip(inspect(reason), 200);
}

function isTagged(message: unknown, tag: string, length: number): message is unknown[] {
  return Array.isArray(message) && message.length === length && message[0] === tag;
}

function bound(tree: ViewNode, event: string): boolean {
  for (const [el] of viewElements(tree)) {
    if (Object.values(el.on).includes(event)) return true;
  }
  return false;
}

function contextOf(socket: unknown, name: string): ViewContext {
  const ctx = socket instanceof Socket ? contexts.get(socket) : undefined;
  if (!ctx) {
    throw new ArgumentError(
      `View.${name} expects the socket a view callback got, got ${clip(inspect(socket), 120)}`,
    );
  }
  return ctx;
}

/** Async work belongs to the view process: its tasks link to it and report to it. */
function inView(socket: unknown, name: string): ViewContext {
  const ctx = contextOf(socket, name);
  const me = cellSupport.self();
  if (!me || me.pid !== ctx.pid) {
    throw new ArgumentError(`View.${name} can only be called in the view's own callbacks`);
  }
  return ctx;
}

function checkName(what: string, name: unknown): void {
  if (typeof name !== 'string' || name === '') {
    throw new ArgumentError(
      `View.${what} expects a name (a non-empty string), got ${inspect(name)}`,
    );
  }
}

/** A task linked to the view: reports `['ok', value]`, or unlinks, reports `['exit', reason]` and crashes. */
function runTask(
  ctx: ViewContext,
  name: string,
  kind: AsyncEntry['kind'],
  keys: readonly string[],
  fn: () => unknown,
): AsyncEntry {
  const ref = RuntimeApi.makeRef();
  const view = ctx.pid;
  const pid = RuntimeApi.spawnLink(async () => {
    const me = RuntimeApi.self();
    try {
      let value = cellSupport.resumeAs(me, await cellSupport.awaitAs(me, fn()));
      if (kind === 'assign') value = assignReply(value, keys);
      RuntimeApi.send(view, ['$view_async', ref, name, ['ok', value]]);
    } catch (e) {
      const reason = isExitSignal(e) ? e.reason : e instanceof Error ? e : ['nocatch', e];
      RuntimeApi.Process.unlink(view);
      RuntimeApi.send(view, ['$view_async', ref, name, ['exit', reason]]);
      throw e;
    }
  });
  return { ref, pid, kind, keys };
}

/** What assignAsync's function returned, checked in its task (a wrong shape fails it with an exit). */
function assignReply(value: unknown, keys: readonly string[]): unknown {
  if (Array.isArray(value) && value.length === 2 && value[0] === 'error') return value;
  if (Array.isArray(value) && value.length === 2 && value[0] === 'ok') {
    const map = value[1] as unknown;
    if (typeof map === 'object' && map !== null && keys.every((k) => Object.hasOwn(map, k)))
      return value;
  }
  throw new ArgumentError(
    `assignAsync expected its function to return ['ok', {${keys.join(', ')}}] or ['error', reason], got ${clip(inspect(value), 200)}`,
  );
}

function settleAssign(socket: Socket, keys: readonly string[], result: [string, unknown]): Socket {
  const ctx = contexts.get(socket)!;
  const next: Record<string, unknown> = { ...socket.assigns };
  for (const key of keys) {
    const previous = isAsyncResult(next[key]) ? (next[key] as AsyncResult) : undefined;
    if (result[0] === 'ok') {
      const reply = result[1] as [string, unknown];
      next[key] =
        reply[0] === 'ok'
          ? asyncResult.ok((reply[1] as Record<string, unknown>)[key], previous)
          : asyncResult.failed(['error', reply[1]], previous);
    } else next[key] = asyncResult.failed(['exit', result[1]], previous);
  }
  const settled = new Socket(next);
  contexts.set(settled, ctx);
  return settled;
}

const ASYNC = new WeakSet<object>();

function isAsyncResult(value: unknown): value is AsyncResult {
  return typeof value === 'object' && value !== null && ASYNC.has(value);
}

function makeResult(fields: AsyncResult): AsyncResult {
  const result = Object.freeze({ ...fields });
  ASYNC.add(result);
  return result;
}

const asyncResult: ViewApi['AsyncResult'] = Object.freeze({
  loading: (previous?: AsyncResult, loading: unknown = true) =>
    makeResult({ ok: previous?.ok ?? false, loading, failed: null, result: previous?.result }),
  ok: <T>(value: T, _previous?: AsyncResult) =>
    makeResult({ ok: true, loading: null, failed: null, result: value }) as AsyncResult<T>,
  failed: (reason: unknown, previous?: AsyncResult) =>
    makeResult({
      ok: previous?.ok ?? false,
      loading: null,
      failed: reason,
      result: previous?.result,
    }),
});

function domId(name: string, id: unknown): string {
  if (typeof id !== 'string' && typeof id !== 'number') {
    throw new ArgumentError(
      `a stream item of ${name} needs an id (a string or a number), got ${inspect(id)}`,
    );
  }
  return `${name}-${id}`;
}

function insertItem(list: [string, unknown][], name: string, item: unknown, at: number): void {
  const id = domId(
    name,
    typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined,
  );
  const existing = list.findIndex(([dom]) => dom === id);
  if (existing >= 0) {
    list[existing] = [id, item];
    return;
  }
  if (!Number.isInteger(at))
    throw new ArgumentError(`stream: at should be a whole number, got ${inspect(at)}`);
  if (at === -1 || at >= list.length) list.push([id, item]);
  else list.splice(at < 0 ? Math.max(0, list.length + at + 1) : at, 0, [id, item]);
}

function limited(list: [string, unknown][], limit: number | undefined): [string, unknown][] {
  if (limit === undefined) return list;
  if (!Number.isInteger(limit))
    throw new ArgumentError(`stream: limit should be a whole number, got ${inspect(limit)}`);
  return limit >= 0 ? list.slice(0, limit) : list.slice(limit);
}

function formFields(form: ViewElement): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [el] of viewElements(form)) {
    const name = el.attrs.name;
    if (name === undefined) continue;
    if (el.tag === 'input') {
      const type = el.attrs.type ?? 'text';
      if ((type === 'checkbox' || type === 'radio') && el.attrs.checked === undefined) continue;
      fields[name] = el.attrs.value ?? (type === 'checkbox' ? 'on' : '');
    } else if (el.tag === 'textarea') fields[name] = el.attrs.value ?? viewText(el);
    else if (el.tag === 'select') {
      const options = el.children.filter((c): c is ViewElement => typeof c !== 'string');
      const chosen = options.find((o) => o.attrs.selected !== undefined) ?? options[0];
      fields[name] = el.attrs.value ?? chosen?.attrs.value ?? (chosen ? viewText(chosen) : '');
    }
  }
  return fields;
}

/** The root of a rendered tree: an element (text and lists are put in a div). */
function rootOf(raw: ViewChild): ViewElement {
  if (isElement(raw)) return raw;
  return { tag: 'div', attrs: {}, on: {}, values: {}, key: null, children: children([raw]) };
}

const ELEMENTS = new WeakSet<object>();

function isElement(value: unknown): value is ViewElement {
  return typeof value === 'object' && value !== null && ELEMENTS.has(value);
}

function children(list: readonly ViewChild[]): ViewNode[] {
  const out: ViewNode[] = [];
  const add = (child: ViewChild): void => {
    if (child === null || child === undefined || typeof child === 'boolean') return;
    if (typeof child === 'string') out.push(child);
    else if (typeof child === 'number') out.push(String(child));
    else if (Array.isArray(child)) (child as readonly ViewChild[]).forEach(add);
    else if (isElement(child)) out.push(child);
    // Anything else is shown as its inspected text: a view's values are never markup.
    else out.push(inspect(child));
  };
  list.forEach(add);
  return out;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `View.h`: an element, its attributes checked against the allow-lists now, with a clear error. */
function element(tag: string, props?: ViewProps | ViewChild, ...rest: ViewChild[]): ViewElement {
  if (typeof tag !== 'string') {
    throw new ArgumentError(`View.h expects a tag name first, got ${inspect(tag)}`);
  }
  const lower = tag.toLowerCase();
  if (!VIEW_TAGS.has(lower)) throw new ArgumentError(`View.h: tag ${inspect(tag)} is not allowed`);
  const isProps =
    typeof props === 'object' && props !== null && !Array.isArray(props) && !isElement(props);
  const kids = isProps ? rest : [props as ViewChild, ...rest];
  const attrs: Record<string, string> = {};
  const on: Record<string, string> = {};
  const values: Record<string, string> = {};
  let key: string | null = null;
  for (const [name, value] of Object.entries(isProps ? (props as ViewProps) : {})) {
    if (name === 'key') {
      key = value === null || value === undefined ? null : String(value);
    } else if (name === 'values') {
      if (typeof value !== 'object' || value === null) {
        throw new ArgumentError(
          `View.h: values should be an object of strings, got ${inspect(value)}`,
        );
      }
      for (const [k, v] of Object.entries(value)) values[k] = String(v);
    } else if (/^on[A-Z]/.test(name)) {
      const event = name.slice(2).toLowerCase();
      if (!VIEW_EVENTS.has(event)) {
        throw new ArgumentError(
          `View.h: ${name} cannot be bound; a view binds onClick, onSubmit and onChange`,
        );
      }
      if (typeof value !== 'string' || value === '') {
        throw new ArgumentError(
          `View.h: ${name} takes the name of the event handleEvent gets (a string), not ${typeof value === 'function' ? 'a function' : inspect(value)}`,
        );
      }
      on[event] = value;
    } else {
      if (value === false || value === null || value === undefined) continue;
      const attr = name === 'className' ? 'class' : name.toLowerCase();
      let text: string;
      if (attr === 'style' && typeof value === 'object') {
        text = Object.entries(value as Record<string, unknown>)
          .map(([p, v]) => `${kebab(p)}: ${String(v)}`)
          .join('; ');
      } else text = value === true ? '' : String(value);
      const problem = checkAttr(lower, attr, text);
      if (problem) throw new ArgumentError(`View.h('${lower}'): ${problem}`);
      attrs[attr] = text;
    }
  }
  const node: ViewElement = { tag: lower, attrs, on, values, key, children: children(kids) };
  const problem = checkViewNode({ ...node, children: [] });
  if (problem) throw new ArgumentError(`View.h: ${problem}`);
  Object.freeze(node);
  ELEMENTS.add(node);
  return node;
}
