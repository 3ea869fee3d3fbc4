/**
 * DynamicSupervisor: a supervisor that starts with no children and adds them on demand, each
 * one known by its pid (ids do not matter here), with OTP's one_for_one restarts.
 *
 * It runs the loop shared with Supervisor (`SupervisorBase`); what differs is how children are
 * kept (by pid, in start order, a restarting child under its old pid as Elixir does), the
 * `maxChildren` limit, `extraArguments` prepended to every start, and shutdown: all children are
 * asked to stop at once and each is killed when its own shutdown time runs out.
 */
import { callerProc } from '../api';
import { ArgumentError, exitReasonOf, isExitSignal } from '../errors';
import { inspect } from '../inspect';
import type { Proc } from '../process';
import { Pid, isPlainObject } from '../terms';
import { GenServer, invoke, registerName, startAndWait } from './genServer';
import type { ChildSpec, From, ServerName, ServerRef, StartResult } from './genServer';
import type {
  Child,
  ChildCounts,
  ChildSpecInput,
  RestartType,
  ShutdownType,
  SupervisorSettings,
  SupervisorState,
  WhichChildrenRow,
} from './supervisor';
import {
  SupervisorBase,
  callStart,
  checkChildSpec,
  defineSupervisorModule,
  childState,
  countOf,
  isCleanExit,
  shutdownChildren,
  toChildSpec,
} from './supervisor';

/** Options of `DynamicSupervisor.startLink(options)` and `DynamicSupervisor.init`. */
export interface DynamicSupervisorOptions {
  name?: ServerName;
  /** The only strategy there is (default). */
  strategy?: 'one_for_one';
  /** Most children at once; startChild then gives `['error', 'max_children']` (default infinity). */
  maxChildren?: number | 'infinity';
  /** Arguments put before each child's own start arguments. */
  extraArguments?: unknown[];
  /** Most restarts allowed within maxSeconds (default 3). */
  maxRestarts?: number;
  /** The window of the restart intensity, in seconds (default 5). */
  maxSeconds?: number;
}

/** A DynamicSupervisor's flags, as `DynamicSupervisor.init` returns them. */
export interface DynamicSupervisorFlags {
  strategy: 'one_for_one';
  intensity: number;
  period: number;
  maxChildren: number | 'infinity';
  extraArguments: unknown[];
}

/** What a DynamicSupervisor module's init returns: `DynamicSupervisor.init(options)` or 'ignore'. */
export type DynamicSupervisorInitResult = ['ok', DynamicSupervisorFlags] | 'ignore';

/** The callback of a module-based DynamicSupervisor. */
export interface DynamicSupervisorCallbacks {
  init(arg: any): DynamicSupervisorInitResult | Promise<DynamicSupervisorInitResult>;
}

/** A module made by `DynamicSupervisor.define`. */
export type DynamicSupervisorModule<T> = T & {
  childSpec(arg?: unknown): ChildSpec;
  startLink(arg?: unknown, options?: { name?: ServerName }): Promise<StartResult>;
  readonly __behaviour: 'dynamic_supervisor';
};

/** What `DynamicSupervisor.startChild` resolves to. */
export type DynamicStartChildResult =
  ['ok', Pid] | ['ok', Pid, unknown] | 'ignore' | ['error', unknown];

/** A child of a dynamic supervisor: its spec with extraArguments already in its start args. */
interface DynamicChild extends Child {
  /** The pid it is kept under: its own, or the dead one while it is restarting. */
  key: Pid;
}

class DynamicServer extends SupervisorBase {
  /** By pid, in start order (a restarted child moves to the end, as its new pid sorts last). */
  readonly children = new Map<Pid, DynamicChild>();

  constructor(
    proc: Proc,
    parent: Pid | null,
    settings: SupervisorSettings,
    readonly maxChildren: number | 'infinity',
    readonly extraArguments: unknown[],
  ) {
    super(proc, parent, settings);
  }

  state(): SupervisorState {
    return {
      kind: 'dynamic_supervisor',
      strategy: 'one_for_one',
      maxRestarts: this.settings.intensity,
      maxSeconds: this.settings.period,
      restarts: this.restartTotal,
      maxChildren: this.maxChildren,
      children: [...this.children.values()].map((c) => childState(c, 'undefined')),
    };
  }

  protected terminateChildren(): Promise<void> {
    const running = [...this.children.values()].filter(
      (c): c is DynamicChild & { pid: Pid } => c.pid instanceof Pid,
    );
    return shutdownChildren(this.proc, running).then(() => this.children.clear());
  }

  protected childExited(pid: Pid, reason: unknown): (() => Promise<void>) | null {
    const child = this.children.get(pid);
    if (!child || child.pid !== pid) return null;
    if (child.restart === 'permanent' || (child.restart === 'transient' && !isCleanExit(reason))) {
      return () => this.restart(child);
    }
    this.children.delete(pid);
    return null;
  }

  private async restart(child: DynamicChild): Promise<void> {
    if (!this.addRestart()) {
      this.children.delete(child.key);
      return this.giveUp('undefined', child.start);
    }
    child.restarts++;
    const outcome = await callStart(this.proc, child.start, 'dynamic_supervisor');
    if (outcome !== 'ignore' && outcome[0] === 'error') {
      child.pid = 'restarting';
      this.rt.send(this.proc, this.proc.pid, ['$gen_restart', child.key], 'send');
      return;
    }
    this.children.delete(child.key);
    if (outcome === 'ignore') return;
    child.pid = outcome[1];
    child.key = outcome[1];
    this.children.set(child.key, child);
  }

  /** Elixir's DynamicSupervisor ignores every cast (a Supervisor crashes on one it does not know). */
  protected handleCastRequest(): null {
    return null;
  }

  protected handleRequest(
    request: unknown,
    from: From,
  ): { reply: unknown } | { work: () => Promise<void> } | null {
    if (request === 'which_children') {
      return {
        reply: [...this.children.values()].map((c): WhichChildrenRow => [
          'undefined',
          c.pid,
          c.type,
          c.modules,
        ]),
      };
    }
    if (request === 'count_children') return { reply: countOf(this.children.values()) };
    if (!Array.isArray(request) || request.length !== 2) return null;
    const [what, arg] = request as [unknown, unknown];
    if (what === 'start_child') {
      const checked = arg as Child;
      if (this.maxChildren !== 'infinity' && this.children.size >= this.maxChildren) {
        return { reply: ['error', 'max_children'] };
      }
      const child: DynamicChild = {
        ...checked,
        start: [checked.start[0], checked.start[1], [...this.extraArguments, ...checked.start[2]]],
        key: null as unknown as Pid,
      };
      return {
        work: async () => {
          const outcome = await callStart(this.proc, child.start, 'dynamic_supervisor');
          if (outcome !== 'ignore' && outcome[0] === 'ok') {
            child.pid = outcome[1];
            child.key = outcome[1];
            this.children.set(child.key, child);
          }
          this.reply(from, outcome);
        },
      };
    }
    if (what === 'terminate_child') {
      const child = arg instanceof Pid ? this.children.get(arg) : undefined;
      if (!child) return { reply: ['error', 'not_found'] };
      return {
        work: async () => {
          if (child.pid instanceof Pid) {
            await shutdownChildren(this.proc, [{ pid: child.pid, shutdown: child.shutdown }]);
          }
          this.children.delete(child.key);
          this.reply(from, 'ok');
        },
      };
    }
    return null;
  }

  /** `['$gen_restart', oldPid]`: a restart that failed is tried again. */
  protected override handleInfo(message: unknown): (() => Promise<void>) | null | undefined {
    if (Array.isArray(message) && message.length === 2 && message[0] === '$gen_restart') {
      const child = message[1] instanceof Pid ? this.children.get(message[1]) : undefined;
      return child && child.pid === 'restarting' ? () => this.restart(child) : null;
    }
    return undefined;
  }
}

/**
 * Elixir's DynamicSupervisor.init: the options as flags, defaults filled in, not yet checked (a
 * bad value makes the start fail with `['supervisor_data', reason]`, as in Elixir).
 */
function flagsOf(options: unknown): DynamicSupervisorFlags {
  const opts = (Array.isArray(options) || options === undefined ? {} : options) as Record<
    string,
    unknown
  >;
  if (!isPlainObject(opts)) {
    throw new ArgumentError(
      `DynamicSupervisor options must be an object, got: ${inspect(options)}`,
    );
  }
  return {
    strategy: (opts.strategy ?? 'one_for_one') as 'one_for_one',
    intensity: (opts.maxRestarts ?? 3) as number,
    period: (opts.maxSeconds ?? 5) as number,
    maxChildren: (opts.maxChildren ?? 'infinity') as number | 'infinity',
    extraArguments: (opts.extraArguments ?? []) as unknown[],
  };
}

/** Checks init's flags as Elixir's DynamicSupervisor does, with its defaults for missing keys. */
function checkFlags(flags: unknown): DynamicSupervisorFlags | { error: unknown } {
  if (!isPlainObject(flags)) return { error: ['invalid_type', flags] };
  const {
    strategy = 'one_for_one',
    intensity = 1,
    period = 5,
    maxChildren = 'infinity',
    extraArguments = [],
  } = flags;
  if (strategy !== 'one_for_one') return { error: ['invalid_strategy', strategy] };
  if (typeof intensity !== 'number' || !Number.isInteger(intensity) || intensity < 0) {
    return { error: ['invalid_intensity', intensity] };
  }
  if (typeof period !== 'number' || !Number.isInteger(period) || period <= 0) {
    return { error: ['invalid_period', period] };
  }
  if (
    maxChildren !== 'infinity' &&
    !(typeof maxChildren === 'number' && Number.isInteger(maxChildren) && maxChildren >= 0)
  ) {
    return { error: ['invalid_max_children', maxChildren] };
  }
  if (!Array.isArray(extraArguments)) return { error: ['invalid_extra_arguments', extraArguments] };
  return { strategy, intensity, period, maxChildren, extraArguments };
}

function start(
  what: string,
  init: () => unknown,
  name: ServerName | undefined,
  label: string,
): Promise<StartResult> {
  const parent = callerProc(what);
  const rt = parent.runtime;
  return startAndWait(parent, true, label, 'supervisor', (proc, ack) => {
    if (name !== undefined) {
      const holder = registerName(rt, name, proc.pid);
      if (holder) {
        ack(['error', ['already_started', holder]]);
        rt.terminate(proc, 'normal');
        return;
      }
    }
    rt.setTrapExit(proc, true);
    const fail = (reason: unknown) => {
      ack(['error', reason]);
      rt.terminate(proc, reason);
    };
    invoke(
      proc,
      init,
      (result: unknown) => {
        if (result === 'ignore') {
          ack('ignore');
          return rt.terminate(proc, 'normal');
        }
        if (!Array.isArray(result) || result.length !== 2 || result[0] !== 'ok') {
          return fail(['bad_return', [label, 'init', result]]);
        }
        const flags = checkFlags(result[1]);
        if ('error' in flags) return fail(['supervisor_data', flags.error]);
        const server = new DynamicServer(
          proc,
          parent.pid,
          { strategy: 'one_for_one', intensity: flags.intensity, period: flags.period },
          flags.maxChildren,
          flags.extraArguments,
        );
        ack(['ok', proc.pid]);
        server.serve();
      },
      (e) => {
        if (!isExitSignal(e)) rt.crashReport(proc, e);
        fail(exitReasonOf(e));
      },
    );
  });
}

function init(options: DynamicSupervisorOptions = {}): DynamicSupervisorInitResult {
  return ['ok', flagsOf(options)];
}

function startLink(
  optionsOrModule?: DynamicSupervisorOptions | DynamicSupervisorCallbacks | unknown[],
  arg?: unknown,
  moduleOptions: { name?: ServerName } = {},
): Promise<StartResult> {
  const candidate = optionsOrModule as { init?: unknown } | undefined;
  if (candidate && !Array.isArray(candidate) && typeof candidate.init === 'function') {
    const module = optionsOrModule as DynamicSupervisorCallbacks;
    const name = (module as { name?: unknown }).name;
    const label = typeof name === 'string' && name !== '' ? name : 'DynamicSupervisor';
    return start('DynamicSupervisor.startLink', () => module.init(arg), moduleOptions.name, label);
  }
  const flags = flagsOf(optionsOrModule);
  const name = Array.isArray(optionsOrModule)
    ? undefined
    : (optionsOrModule as DynamicSupervisorOptions | undefined)?.name;
  return start('DynamicSupervisor.startLink', () => ['ok', flags], name, 'DynamicSupervisor');
}

function define<T extends DynamicSupervisorCallbacks & Record<string, any>>(
  callbacks: T,
  defaults: { id?: unknown; restart?: RestartType; shutdown?: ShutdownType } = {},
): DynamicSupervisorModule<T> {
  return defineSupervisorModule(
    callbacks,
    'dynamic_supervisor',
    (module, arg, options) => startLink(module, arg, options),
    defaults,
  ) as DynamicSupervisorModule<T>;
}

/** DynamicSupervisor functions, named after Elixir's DynamicSupervisor module. */
export const DynamicSupervisor = {
  /** Makes a module-based DynamicSupervisor from `{init(arg)}` (init returns `DynamicSupervisor.init(options)`). */
  define,

  /**
   * `startLink({name, strategy, maxChildren, extraArguments, maxRestarts, maxSeconds})`, or
   * `startLink(module, arg, {name})`; resolves `['ok', pid]`, `'ignore'` or `['error', reason]`.
   */
  startLink: startLink as {
    (options?: DynamicSupervisorOptions): Promise<StartResult>;
    (
      module: DynamicSupervisorCallbacks,
      arg?: unknown,
      options?: { name?: ServerName },
    ): Promise<StartResult>;
  },

  /** What a module's init returns: the flags with their defaults filled in. */
  init,

  /**
   * The child spec of a DynamicSupervisor under another supervisor (`[DynamicSupervisor, options]`):
   * `{id, start, type: 'supervisor'}`, its id the name (a via name's own name) or DynamicSupervisor.
   */
  childSpec(options: DynamicSupervisorOptions | unknown[] = {}): ChildSpec {
    const name = Array.isArray(options) ? undefined : options.name;
    const id = Array.isArray(name) && name[0] === 'via' ? name[2] : name;
    return {
      id: id ?? DynamicSupervisor,
      start: [DynamicSupervisor, 'startLink', [options]],
      type: 'supervisor',
    };
  },

  /**
   * Starts a child (its `extraArguments` first, then the spec's arguments). Resolves `['ok', pid]`,
   * `'ignore'`, `['error', 'max_children']` or `['error', reason]`; an invalid spec gives
   * `['error', ['invalid_child_spec', spec]]`, `['error', ['invalid_restart_type', r]]`, ...
   * without asking the supervisor.
   */
  startChild(sup: ServerRef, spec: ChildSpecInput): Promise<DynamicStartChildResult> {
    const checked = checkChildSpec(toChildSpec(spec), 'dynamic_supervisor');
    if ('error' in checked) return Promise.resolve(['error', checked.error]);
    return GenServer.call(sup, ['start_child', checked], 'infinity');
  },

  /** Stops the child with this pid; `'ok'` or `['error', 'not_found']` (anything but a pid raises). */
  terminateChild(sup: ServerRef, pid: Pid): Promise<'ok' | ['error', 'not_found']> {
    if (!(pid instanceof Pid)) {
      // Elixir's terminate_child takes only a pid: children of a DynamicSupervisor have no ids.
      throw new ArgumentError(
        `DynamicSupervisor.terminateChild expects the pid of a child, got: ${inspect(pid)}`,
      );
    }
    return GenServer.call(sup, ['terminate_child', pid], 'infinity');
  },

  /** Rows `['undefined', pid | 'restarting', type, modules]`. */
  whichChildren(sup: ServerRef): Promise<WhichChildrenRow[]> {
    return GenServer.call(sup, 'which_children', 'infinity');
  },

  /** `{specs, active, supervisors, workers}`. */
  countChildren(sup: ServerRef): Promise<ChildCounts> {
    return GenServer.call(sup, 'count_children', 'infinity');
  },

  /** Stops the supervisor: all children are asked to stop at once, then it exits with `reason`. */
  stop(
    sup: ServerRef,
    reason: unknown = 'normal',
    timeout: number | 'infinity' = 'infinity',
  ): Promise<'ok'> {
    return GenServer.stop(sup, reason, timeout);
  },
};
