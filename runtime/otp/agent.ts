/**
 * Agent: state behind a process, read and changed with functions, like Elixir's Agent.
 *
 * An Agent is a GenServer (so `sys.getState(agent)` works and it answers calls in order): the
 * functions given to get/update/getAndUpdate/cast travel in the request and run inside the agent
 * process, on its state. Functions are not copied when sent, so closures work as in Elixir.
 */
import { ArgumentError } from '../errors';
import { inspect } from '../inspect';
import type {
  ChildSpec,
  ChildSpecDefaults,
  From,
  GenServerCallbacks,
  ServerName,
  ServerRef,
  StartResult,
} from './genServer';
import { isThenable } from '../runtime';
import { GenServer, withChildSpec } from './genServer';

/** An agent reference: a pid, a registered name or a via tuple. */
export type AgentRef = ServerRef;

/** Options of `Agent.start` / `Agent.startLink`. */
export interface AgentOptions {
  /** The name to register; null or undefined registers none. */
  name?: ServerName | null;
  /** Milliseconds the initial function may take (default: infinity). */
  timeout?: number | 'infinity';
}

type Timeout = number | 'infinity';

/** Applies `fn` to `value`, then `next` to the result, staying synchronous when `fn` is. */
function then(value: unknown, next: (v: unknown) => unknown): unknown {
  return isThenable(value) ? Promise.resolve(value).then(next) : next(value);
}

function checkFunction(fn: unknown, what: string): void {
  if (typeof fn !== 'function')
    throw new ArgumentError(`${what} expects a function, got ${inspect(fn)}`);
}

/** The GenServer callbacks every agent runs. */
const AgentServer: GenServerCallbacks & { name: string } = {
  name: 'Agent',

  init(fn: () => unknown) {
    return then(fn(), (state) => ['ok', state]) as ['ok', unknown];
  },

  handleCall(request: [string, (state: unknown) => unknown], _from: From, state: unknown) {
    const [kind, fn] = request;
    if (kind === 'get')
      return then(fn(state), (reply) => ['reply', reply, state]) as ['reply', unknown, unknown];
    if (kind === 'update')
      return then(fn(state), (next) => ['reply', 'ok', next]) as ['reply', unknown, unknown];
    if (kind === 'get_and_update') {
      // As Elixir's Agent.Server: anything but [reply, newState] stops the agent.
      return then(fn(state), (result) =>
        Array.isArray(result) && result.length === 2
          ? ['reply', result[0], result[1]]
          : ['stop', ['bad_return_value', result], state],
      ) as ['reply', unknown, unknown];
    }
    throw new ArgumentError(`unknown Agent request ${inspect(request)}`);
  },

  handleCast(request: [string, (state: unknown) => unknown], state: unknown) {
    return then(request[1](state), (next) => ['noreply', next]) as ['noreply', unknown];
  },
};

/** Agent functions, named after Elixir's Agent module. */
export const Agent = {
  /**
   * Starts an agent linked to the caller; `fn` computes its initial state inside the agent.
   * Resolves `['ok', pid]`, or `['error', reason]` if `fn` fails (or the name is taken).
   */
  startLink(fn: () => unknown, options: AgentOptions = {}): Promise<StartResult> {
    checkFunction(fn, 'Agent.startLink');
    return GenServer.startLink(AgentServer, fn, options);
  },

  /** Starts an agent that is not linked to the caller (see startLink). */
  start(fn: () => unknown, options: AgentOptions = {}): Promise<StartResult> {
    checkFunction(fn, 'Agent.start');
    return GenServer.start(AgentServer, fn, options);
  },

  /** Resolves `fn(state)`, computed in the agent; the state is unchanged. */
  get<S = any, R = any>(
    agent: AgentRef,
    fn: (state: S) => R | Promise<R>,
    timeout: Timeout = 5000,
  ): Promise<R> {
    checkFunction(fn, 'Agent.get');
    return GenServer.call(agent, ['get', fn], timeout);
  },

  /** Replaces the state with `fn(state)`; resolves 'ok' once done. */
  update<S = any>(
    agent: AgentRef,
    fn: (state: S) => S | Promise<S>,
    timeout: Timeout = 5000,
  ): Promise<'ok'> {
    checkFunction(fn, 'Agent.update');
    return GenServer.call(agent, ['update', fn], timeout);
  },

  /** `fn(state)` returns `[reply, newState]`: the state becomes newState and reply is resolved. */
  getAndUpdate<S = any, R = any>(
    agent: AgentRef,
    fn: (state: S) => [R, S] | Promise<[R, S]>,
    timeout: Timeout = 5000,
  ): Promise<R> {
    checkFunction(fn, 'Agent.getAndUpdate');
    return GenServer.call(agent, ['get_and_update', fn], timeout);
  },

  /** Replaces the state with `fn(state)` without waiting; returns 'ok' at once. */
  cast<S = any>(agent: AgentRef, fn: (state: S) => S | Promise<S>): 'ok' {
    checkFunction(fn, 'Agent.cast');
    return GenServer.cast(agent, ['cast', fn]);
  },

  /** Stops the agent with `reason` (default 'normal'); resolves 'ok'. */
  stop(agent: AgentRef, reason: unknown = 'normal', timeout: Timeout = 'infinity'): Promise<'ok'> {
    return GenServer.stop(agent, reason, timeout);
  },

  /**
   * A child spec starting `Agent.startLink(fn)`: restarts run `fn` again, so a restarted agent
   * starts over from its initial state. Exactly `{id: Agent, start: [Agent, 'startLink', [fn]]}`,
   * as in Elixir: the supervisor fills in restart, shutdown and type.
   */
  childSpec(fn: () => unknown): ChildSpec {
    return { id: Agent, start: [Agent, 'startLink', [fn]] };
  },

  /**
   * Like `use Agent`: gives a module with its own `startLink(arg)` a `childSpec(arg)`, so it can
   * be listed as `Module` or `[Module, arg]` under a supervisor.
   */
  define<T extends { startLink(arg?: any): unknown } & Record<string, any>>(
    module: T,
    defaults: ChildSpecDefaults = {},
  ): T & { childSpec(arg?: unknown): ChildSpec } {
    return withChildSpec(module, defaults, {});
  },
};
