/**
 * PartitionSupervisor: a supervisor that starts one copy of a child per partition and routes
 * keys to partitions, to spread the work of a process that would otherwise be a bottleneck.
 *
 * It is a Supervisor (one_for_one by default) whose children have the partition numbers
 * 0..n-1 as ids. Elixir keeps the partitions' pids in an ETS table owned by the supervisor; here
 * the supervisor's own state (`proc.publishedState`, read synchronously like an ETS lookup)
 * is that table, so a restarted partition is found under its new pid at once.
 *
 * Routing: an integer key goes to partition `rem(abs(key), n)`; any other key to
 * `fnv1a32(inspect(key)) % n` (FNV-1a over the UTF-16 code units of the key's printed form),
 * which is stable across runs and runtimes for the same term.
 */
import { callerProc } from '../api';
import { runningProc } from '../current';
import { ArgumentError, ExitSignal } from '../errors';
import { inspect } from '../inspect';
import type { Runtime, ViaTuple } from '../runtime';
import { Pid } from '../terms';
import { resolveServer } from './gen';
import { GenServer } from './genServer';
import type { ChildSpec, ServerName, ServerRef, StartResult } from './genServer';
import type { ChildCounts, ChildSpecInput, SupervisorState, WhichChildrenRow } from './supervisor';
import { startSupervisor, toChildSpec } from './supervisor';

/** Partitions when none are given: a stand-in for Elixir's System.schedulers_online(). */
export const DEFAULT_PARTITIONS = 4;

/** Options of `PartitionSupervisor.startLink`. */
export interface PartitionSupervisorOptions {
  /** Required: the routing looks the partitions up by this name. */
  name: ServerName;
  /** Required: the child started in every partition. */
  childSpec: ChildSpecInput;
  /** How many partitions (default DEFAULT_PARTITIONS). */
  partitions?: number;
  /** Gives each partition its start arguments: `(args, partition) => newArgs` (default: args as they are). */
  withArguments?: (args: any[], partition: number) => unknown[];
  strategy?: 'one_for_one' | 'one_for_all' | 'rest_for_one';
  maxRestarts?: number;
  maxSeconds?: number;
}

/** 32-bit FNV-1a of a string's UTF-16 code units. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The partition of `key` among `n`: `rem(abs(key), n)` for integers, a stable hash otherwise. */
export function partitionOf(key: unknown, n: number): number {
  if (typeof key === 'number' && Number.isInteger(key)) return Math.abs(key) % n;
  if (typeof key === 'bigint') return Number((key < 0n ? -key : key) % BigInt(n));
  return fnv1a(inspect(key)) % n;
}

/** The partition supervisor's state behind `name`, or null when there is none. */
function tableOf(rt: Runtime, name: unknown): SupervisorState | null {
  const pid = resolveServer(rt, name as ServerRef);
  const proc = pid ? rt.procOf(pid) : null;
  if (!proc || proc.behaviour !== 'supervisor') return null;
  const state = proc.publishedState as SupervisorState | null;
  return state && state.kind === 'partition_supervisor' ? state : null;
}

/**
 * The table behind `name` for a caller; with no PartitionSupervisor there the caller exits with
 * `['noproc', ['PartitionSupervisor', 'partitions', [name]]]`, as in Elixir.
 */
function tableOrExit(what: string, name: unknown): SupervisorState {
  const table = tableOf(callerProc(what).runtime, name);
  if (!table) throw new ExitSignal(['noproc', ['PartitionSupervisor', 'partitions', [name]]]);
  return table;
}

function startLink(options: PartitionSupervisorOptions): Promise<StartResult> {
  const opts = (options ?? {}) as Partial<PartitionSupervisorOptions>;
  const { name, childSpec } = opts;
  if (name === undefined)
    throw new ArgumentError('the name option must be given to PartitionSupervisor');
  if (childSpec === undefined) {
    throw new ArgumentError('the childSpec option must be given to PartitionSupervisor');
  }
  const partitions = opts.partitions ?? DEFAULT_PARTITIONS;
  if (!(typeof partitions === 'number' && Number.isInteger(partitions) && partitions > 0)) {
    throw new ArgumentError(
      `the partitions option must be a positive integer, got: ${inspect(partitions)}`,
    );
  }
  const withArguments = opts.withArguments ?? ((args: unknown[]) => args);
  if (typeof withArguments !== 'function') {
    throw new ArgumentError(
      'the withArguments option must be a function that receives two arguments, the current ' +
        `call arguments and the partition, got: ${inspect(withArguments)}`,
    );
  }
  // As in Elixir, the partitions' specs are made here, in the caller: a bad childSpec or a
  // withArguments that does not give an array raises before any process starts.
  const base = toChildSpec(childSpec);
  const [module, fn, args] = base.start;
  const children: ChildSpec[] = [];
  for (let partition = 0; partition < partitions; partition++) {
    const partitionArgs = withArguments([...args], partition);
    if (!Array.isArray(partitionArgs)) {
      throw new Error(
        `the call to the function in withArguments must return an array, got: ${inspect(partitionArgs)}`,
      );
    }
    children.push({
      ...base,
      id: partition,
      start: [module, fn, partitionArgs],
      modules: base.modules ?? [module],
    });
  }
  const init = () => [
    'ok',
    [
      {
        strategy: opts.strategy ?? 'one_for_one',
        intensity: opts.maxRestarts ?? 3,
        period: opts.maxSeconds ?? 5,
      },
      children,
    ],
  ];
  return startSupervisor('PartitionSupervisor.startLink', {
    init,
    name,
    label: 'PartitionSupervisor',
    kind: 'partition_supervisor',
    partitions,
  });
}

/** PartitionSupervisor functions, named after Elixir's PartitionSupervisor module; also the via module. */
export const PartitionSupervisor = {
  /**
   * Starts `partitions` copies of `childSpec`, partition `i` with `withArguments(args, i)` as its
   * start arguments; resolves `['ok', pid]` or `['error', reason]`.
   */
  startLink,

  /**
   * The child spec of a PartitionSupervisor under another supervisor (`[PartitionSupervisor,
   * options]`): `{id: name, start, type: 'supervisor'}`; the parent fills in the rest.
   */
  childSpec(options: PartitionSupervisorOptions): ChildSpec {
    return {
      id: options.name,
      start: [PartitionSupervisor, 'startLink', [options]],
      type: 'supervisor',
    };
  },

  /** A via tuple naming the partition of `key`: `GenServer.call(PartitionSupervisor.via(name, key), msg)`. */
  via(name: ServerName, key: unknown): ViaTuple {
    return ['via', PartitionSupervisor, [name, key]];
  },

  /** Via-module lookup of `[name, key]`: the pid of that key's partition, or 'undefined'. */
  whereisName(nameAndKey: unknown): Pid | 'undefined' {
    const proc = runningProc();
    if (proc === null)
      throw new ArgumentError('PartitionSupervisor names are resolved inside a process');
    if (!Array.isArray(nameAndKey) || nameAndKey.length !== 2) {
      throw new ArgumentError(
        `a PartitionSupervisor via name is [name, key], got ${inspect(nameAndKey)}`,
      );
    }
    const table = tableOf(proc.runtime, nameAndKey[0]);
    if (!table || table.partitions === undefined) return 'undefined';
    const partition = partitionOf(nameAndKey[1], table.partitions);
    const child = table.children.find((c) => c.id === partition);
    return child && child.pid instanceof Pid ? child.pid : 'undefined';
  },

  /** How many partitions the PartitionSupervisor `name` has; exits the caller with noproc when there is none. */
  partitions(name: ServerRef): number {
    return tableOrExit('PartitionSupervisor.partitions', name).partitions!;
  },

  /** The partition number that `key` is routed to under `name` (exits with noproc like partitions). */
  resolvePartition(name: ServerRef, key: unknown): number {
    return partitionOf(key, PartitionSupervisor.partitions(name));
  },

  /** Rows `[partition, pid | 'undefined' | 'restarting', type, modules]`, last partition first. */
  whichChildren(name: ServerRef): Promise<WhichChildrenRow[]> {
    return GenServer.call(name, 'which_children', 'infinity');
  },

  /** `{specs, active, supervisors, workers}`. */
  countChildren(name: ServerRef): Promise<ChildCounts> {
    return GenServer.call(name, 'count_children', 'infinity');
  },

  /** Stops the PartitionSupervisor and its partitions (newest first). */
  stop(
    name: ServerRef,
    reason: unknown = 'normal',
    timeout: number | 'infinity' = 'infinity',
  ): Promise<'ok'> {
    return GenServer.stop(name, reason, timeout);
  },
};
