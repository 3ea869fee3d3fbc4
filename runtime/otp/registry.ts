/**
 * Registry: a local key-value process registry, like Elixir's Registry.
 *
 * The table is a plain data structure held by the registry process (its `ownedTable`) and
 * reached through the registry's registered name, so `register`, `lookup` and friends are
 * ordinary synchronous calls that return plain values, as ETS reads and writes are in Elixir.
 *
 * A process that registers is linked to the registry process, which traps exits: when the owner
 * dies the registry gets its EXIT and removes its entries. Because that EXIT is a message handled
 * later, every read also skips entries whose owner is already dead, so a lookup never returns a
 * dead pid, even in the instant between the death and the clean-up. As in Elixir, if the registry
 * itself exits, its owners get the exit signal through the link.
 *
 * Partitions: entries are spread over `partitions` buckets (unique keys by a hash of the key,
 * duplicate keys by the owner's pid, as Elixir does). Unlike Elixir, one process owns every
 * partition; only the spreading is kept, and `dispatch` on a partitioned duplicate registry calls
 * its callback once per partition that holds entries, as Elixir's does.
 */
import { callerProc } from '../api';
import { copyMessage } from '../copy';
import { runningProc } from '../current';
import { ArgumentError } from '../errors';
import { inspect } from '../inspect';
import type { Pattern } from '../pattern';
import { matches } from '../pattern';
import type { Proc } from '../process';
import type { Runtime, ViaModule } from '../runtime';
import { Pid, Ref, _, isPlainObject } from '../terms';
import type { ChildSpec, StartResult } from './genServer';
import type { Behaviour } from './gen';
import { ANY_MESSAGE, dispatch, startBehaviour } from './gen';

/** `'unique'`: one process per key; `'duplicate'`: any number (a local pub/sub). */
export type RegistryKeys = 'unique' | 'duplicate';

/** Options of `Registry.startLink`. */
export interface RegistryOptions {
  keys: RegistryKeys;
  /** The registry's name (required): every function takes it as its first argument. */
  name: string;
  /** Number of partitions (default 1). */
  partitions?: number;
  /** Processes told `['register', name, key, pid, value]` / `['unregister', name, key, pid]`. */
  listeners?: Array<Pid | string>;
  /** Initial metadata, read with `Registry.meta` (`[key, value]` pairs or an object). */
  meta?: Array<[unknown, unknown]> | Record<string, unknown>;
}

/** One registration: the owner, the key and the value stored with it. */
interface Entry {
  readonly key: unknown;
  readonly pid: Pid;
  value: unknown;
}

class Partition {
  /** Canonical key -> entries under it, oldest first. */
  readonly byKey = new Map<unknown, Entry[]>();
  /** Owner -> its entries in this partition, oldest first. */
  readonly byPid = new Map<Pid, Entry[]>();

  add(ck: unknown, entry: Entry): void {
    push(this.byKey, ck, entry);
    push(this.byPid, entry.pid, entry);
  }

  remove(ck: unknown, entry: Entry): void {
    pull(this.byKey, ck, entry);
    pull(this.byPid, entry.pid, entry);
  }

  removePid(pid: Pid): Entry[] {
    const entries = this.byPid.get(pid);
    if (!entries) return [];
    this.byPid.delete(pid);
    for (const entry of entries) pull(this.byKey, canonicalKey(entry.key), entry);
    return entries;
  }
}

function push<K>(map: Map<K, Entry[]>, key: K, entry: Entry): void {
  const list = map.get(key);
  if (list) list.push(entry);
  else map.set(key, [entry]);
}

function pull<K>(map: Map<K, Entry[]>, key: K, entry: Entry): void {
  const list = map.get(key);
  if (!list) return;
  const i = list.indexOf(entry);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) map.delete(key);
}

function alive(pid: Pid): boolean {
  return pid.proc !== null;
}

// ------------------------------------------------------------------------- keys

const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;

/**
 * Keys compare as Erlang terms do (`['room', 1]` equals another `['room', 1]`), so composite keys
 * get a canonical string; strings, numbers and other primitives are their own key.
 */
function canonicalKey(key: unknown): unknown {
  if (typeof key !== 'object' || key === null) return key;
  return `\u0000${encode(key)}`;
}

function encode(term: unknown): string {
  switch (typeof term) {
    case 'string':
      return JSON.stringify(term);
    case 'number':
      return Object.is(term, -0) ? 'n0' : `n${String(term)}`;
    case 'bigint':
      return `b${String(term)}`;
    case 'boolean':
    case 'undefined':
      return String(term);
    case 'symbol':
      return term === _ ? '_' : `y${String(term.description)}`;
    default:
      break;
  }
  if (term === null) return 'null';
  if (term instanceof Pid) return `p${term.id}`;
  if (term instanceof Ref) return `r${term.id}`;
  if (Array.isArray(term)) return `[${term.map(encode).join(',')}]`;
  if (isPlainObject(term)) {
    const keys = Object.keys(term).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${encode(term[k])}`).join(',')}}`;
  }
  if (term instanceof Date) return `d${term.getTime()}`;
  let id = objectIds.get(term as object);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(term as object, id);
  }
  return `o${id}`;
}

function hash(value: unknown): number {
  const text = typeof value === 'string' ? value : encode(value);
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

// ------------------------------------------------------------------------- the table

/** The table of one registry, owned by its process. */
class RegistryTable {
  readonly partitions: Partition[];
  readonly meta = new Map<unknown, unknown>();

  constructor(
    readonly name: string,
    readonly kind: RegistryKeys,
    partitions: number,
    readonly proc: Proc,
    readonly parent: Pid,
    readonly listeners: Array<Pid | string>,
  ) {
    this.partitions = Array.from({ length: partitions }, () => new Partition());
  }

  get rt(): Runtime {
    return this.proc.runtime;
  }

  private keyPartition(ck: unknown): Partition {
    const n = this.partitions.length;
    return this.partitions[n === 1 ? 0 : hash(ck) % n]!;
  }

  private pidPartition(pid: Pid): Partition {
    return this.partitions[pid.id % this.partitions.length]!;
  }

  /** The partitions that may hold entries under `ck`. */
  private partitionsForKey(ck: unknown): Partition[] {
    return this.kind === 'unique' ? [this.keyPartition(ck)] : this.partitions;
  }

  /** Live entries under `key`, partition by partition. */
  entriesByPartition(key: unknown): Entry[][] {
    const ck = canonicalKey(key);
    return this.partitionsForKey(ck).map((p) =>
      (p.byKey.get(ck) ?? []).filter((e) => alive(e.pid)),
    );
  }

  entries(key: unknown): Entry[] {
    return this.entriesByPartition(key).flat();
  }

  register(
    owner: Proc,
    key: unknown,
    value: unknown,
  ): ['ok', Pid] | ['error', ['already_registered', Pid]] {
    const ck = canonicalKey(key);
    const partition = this.kind === 'unique' ? this.keyPartition(ck) : this.pidPartition(owner.pid);
    if (this.kind === 'unique') {
      const existing = partition.byKey.get(ck)?.[0];
      if (existing) {
        if (alive(existing.pid)) return ['error', ['already_registered', existing.pid]];
        // The owner died and its EXIT is not handled yet: its entry is already gone for readers.
        partition.remove(ck, existing);
      }
    }
    partition.add(ck, { key: copyMessage(key), pid: owner.pid, value: copyMessage(value) });
    if (owner !== this.proc) this.rt.link(owner, this.proc.pid);
    this.notify(owner, ['register', this.name, key, owner.pid, value]);
    return ['ok', this.proc.pid];
  }

  /** Removes `owner`'s entries under `key` that `keep` rejects (all of them by default). */
  unregister(owner: Proc, key: unknown, drop: (entry: Entry) => boolean = () => true): void {
    const ck = canonicalKey(key);
    const partition = this.kind === 'unique' ? this.keyPartition(ck) : this.pidPartition(owner.pid);
    const mine = (partition.byKey.get(ck) ?? []).filter((e) => e.pid === owner.pid && drop(e));
    for (const entry of mine) partition.remove(ck, entry);
    if (mine.length > 0) this.notify(owner, ['unregister', this.name, key, owner.pid]);
    this.unlinkIfUnregistered(owner);
  }

  private unlinkIfUnregistered(owner: Proc): void {
    if (owner === this.proc || owner.pid === this.parent) return;
    if (this.partitions.some((p) => p.byPid.has(owner.pid))) return;
    this.rt.unlink(owner, this.proc.pid);
  }

  /** Entries of `pid`, oldest first within each partition. */
  entriesOf(pid: Pid): Entry[] {
    if (!alive(pid)) return [];
    if (this.kind === 'duplicate') return [...(this.pidPartition(pid).byPid.get(pid) ?? [])];
    return this.partitions.flatMap((p) => p.byPid.get(pid) ?? []);
  }

  /** The owner exited: forget its entries. */
  ownerExited(pid: Pid): void {
    for (const partition of this.partitions) partition.removePid(pid);
  }

  count(): number {
    let n = 0;
    for (const partition of this.partitions) {
      for (const [pid, entries] of partition.byPid) if (alive(pid)) n += entries.length;
    }
    return n;
  }

  private notify(from: Proc, message: unknown): void {
    for (const listener of this.listeners) {
      try {
        this.rt.send(from, listener, message);
      } catch {
        // A listener that is not registered (yet) is skipped, as a dead pid would be.
      }
    }
  }

  /** What `sys.getState` shows: every live entry as `[key, pid, value]`. */
  snapshot(): unknown {
    const rows: unknown[] = [];
    for (const partition of this.partitions) {
      for (const entries of partition.byKey.values()) {
        for (const e of entries) if (alive(e.pid)) rows.push([e.key, e.pid, e.value]);
      }
    }
    return { keys: this.kind, partitions: this.partitions.length, entries: rows };
  }
}

function tableOf(rt: Runtime, registry: string | Pid): RegistryTable {
  const pid =
    registry instanceof Pid ? registry : typeof registry === 'string' ? rt.whereis(registry) : null;
  const proc = pid ? rt.procOf(pid) : null;
  const state = proc?.ownedTable;
  if (proc?.behaviour === 'registry' && state instanceof RegistryTable) return state;
  throw new ArgumentError(`unknown registry: ${inspect(registry)}`);
}

/** A copy of a registry's live entries, for introspection (`otp/introspect.ts`); null if none. */
export function registryTableSnapshot(
  rt: Runtime,
  registry: string | Pid,
): RegistrySnapshot | null {
  let table: RegistryTable;
  try {
    table = tableOf(rt, registry);
  } catch {
    return null;
  }
  return copyMessage(table.snapshot() as RegistrySnapshot);
}

/** What `sys.getState` and introspection show of a registry. */
export interface RegistrySnapshot {
  readonly keys: RegistryKeys;
  readonly partitions: number;
  /** Every live entry as `[key, owner pid, value]`. */
  readonly entries: readonly (readonly [key: unknown, owner: Pid, value: unknown])[];
}

function callerTable(what: string, registry: string | Pid): [Proc, RegistryTable] {
  const proc = callerProc(what);
  return [proc, tableOf(proc.runtime, registry)];
}

function pairs<V>(entries: Entry[]): Array<[Pid, V]> {
  return entries.map((e) => [e.pid, copyMessage(e.value) as V]);
}

// ------------------------------------------------------------------------- the process

/**
 * The registry's process on the behaviour core. Callers read and write the table themselves, so
 * the process only cleans up after owners that exit, stops with its parent and answers system
 * messages (`sys.getState` gives a snapshot of the table); calls and casts are not part of its
 * protocol and are left unanswered.
 */
class RegistryServer implements Behaviour {
  constructor(readonly table: RegistryTable) {}

  get proc(): Proc {
    return this.table.proc;
  }

  get parent(): Pid {
    return this.table.parent;
  }

  serve(): void {
    this.proc.runtime.waitFor(this.proc, ANY_MESSAGE, (message) => dispatch(this, message));
  }

  onCall(): void {
    this.serve();
  }

  onCast(): void {
    this.serve();
  }

  onParentExit(reason: unknown): void {
    this.proc.runtime.terminate(this.proc, reason);
  }

  onInfo(message: unknown): void {
    if (Array.isArray(message) && message.length === 3 && message[0] === 'EXIT') {
      this.table.ownerExited(message[1] as Pid);
    }
    this.serve();
  }

  systemGetState(): unknown {
    return this.table.snapshot();
  }

  systemTerminate(reason: unknown): void {
    this.proc.runtime.terminate(this.proc, reason);
  }
}

function startLink(options: RegistryOptions): Promise<StartResult> {
  const parent = callerProc('Registry.startLink');
  const rt = parent.runtime;
  if (typeof options !== 'object' || options === null) {
    throw new ArgumentError('Registry.startLink takes options: {keys, name, partitions?}');
  }
  const { keys, name, partitions = 1, listeners = [], meta = [] } = options;
  if (keys !== 'unique' && keys !== 'duplicate') {
    throw new ArgumentError(
      `expected keys to be given and be one of 'unique' or 'duplicate', got: ${inspect(keys)}`,
    );
  }
  if (typeof name !== 'string' || name === '') {
    throw new ArgumentError(`expected name to be given and to be a string, got: ${inspect(name)}`);
  }
  if (!(Number.isInteger(partitions) && partitions > 0)) {
    throw new ArgumentError(
      `expected partitions to be a positive integer, got: ${inspect(partitions)}`,
    );
  }
  const start = { link: true, label: `Registry ${name}`, behaviour: 'registry', name };
  return startBehaviour(parent, start, (proc, ack) => {
    rt.setTrapExit(proc, true);
    const table = new RegistryTable(name, keys, partitions, proc, parent.pid, [...listeners]);
    for (const [k, v] of Array.isArray(meta) ? meta : Object.entries(meta))
      table.meta.set(canonicalKey(k), v);
    proc.ownedTable = table;
    ack(['ok', proc.pid]);
    new RegistryServer(table).serve();
  });
}

// ------------------------------------------------------------------------- via

/** A via name: `[registry, key]` or `[registry, key, value]`. */
type ViaName = readonly [registry: string, key: unknown, value?: unknown];

function viaParts(name: unknown): ViaName {
  if (
    Array.isArray(name) &&
    (name.length === 2 || name.length === 3) &&
    typeof name[0] === 'string'
  ) {
    return name as unknown as ViaName;
  }
  throw new ArgumentError(
    `expected a Registry via name [registry, key] or [registry, key, value], got ${inspect(name)}`,
  );
}

function viaTable(name: unknown): [RegistryTable, ViaName] {
  const parts = viaParts(name);
  const proc = runningProc();
  if (!proc) throw new ArgumentError('Registry via names can only be used inside a process');
  const table = tableOf(proc.runtime, parts[0]);
  refuseDuplicateVia(table);
  return [table, parts];
}

/** Elixir's whereis_name raises this in the caller of start, before any process is spawned. */
function refuseDuplicateVia(table: RegistryTable): void {
  if (table.kind !== 'unique')
    throw new ArgumentError(`via is not supported for ${table.kind} registries`);
}

/** The via module of Registry: `['via', RegistryViaModule, [registry, key]]` names a process. */
export const RegistryViaModule: ViaModule & { readonly name: 'Registry' } = {
  name: 'Registry',

  whereisName(name: unknown): Pid | 'undefined' {
    const [table, [, key]] = viaTable(name);
    const entry = table.entries(key)[0];
    return entry ? entry.pid : 'undefined';
  },

  registerName(name: unknown, pid: Pid): 'yes' | 'no' {
    const [table, [, key, value = null]] = viaTable(name);
    const owner = table.rt.procOf(pid);
    if (!owner) return 'no';
    return table.register(owner, key, value)[0] === 'ok' ? 'yes' : 'no';
  },

  unregisterName(name: unknown): void {
    const [table, [, key]] = viaTable(name);
    const proc = runningProc()!;
    table.unregister(proc, key);
  },
};

// ------------------------------------------------------------------------- the API

/** A callback for `dispatch`: a function, or `[module, fnName, extraArgs]` (entries come first). */
type DispatchCallback<V> =
  ((entries: Array<[Pid, V]>) => unknown) | [module: object, fn: string, args: unknown[]];

/** Registry functions, named after Elixir's Registry module. */
export const Registry = {
  /**
   * Starts a registry linked to the caller and registers it under `name`:
   * `Registry.startLink({keys: 'unique', name: 'rooms'})` resolves `['ok', pid]`.
   */
  startLink,

  /** A child spec for supervisors: `{id: name, start: [Registry, 'startLink', [options]], type: 'supervisor'}`. */
  childSpec(options: RegistryOptions): ChildSpec {
    return {
      id: options.name ?? Registry,
      start: [Registry, 'startLink', [options]],
      type: 'supervisor',
    };
  },

  /**
   * Registers the caller under `key` with `value` (default null). Returns `['ok', owner]`, or
   * `['error', ['already_registered', pid]]` when a live process holds a unique key.
   */
  register(
    registry: string,
    key: unknown,
    value: unknown = null,
  ): ['ok', Pid] | ['error', ['already_registered', Pid]] {
    const [proc, table] = callerTable('Registry.register', registry);
    return table.register(proc, key, value);
  },

  /** Removes every registration of the caller under `key`; returns 'ok'. */
  unregister(registry: string, key: unknown): 'ok' {
    const [proc, table] = callerTable('Registry.unregister', registry);
    table.unregister(proc, key);
    return 'ok';
  },

  /** Removes the caller's registrations under `key` whose value matches `pattern` (and `guard`). */
  unregisterMatch<V = unknown>(
    registry: string,
    key: unknown,
    pattern: Pattern,
    guard?: (value: V) => unknown,
  ): 'ok' {
    const [proc, table] = callerTable('Registry.unregisterMatch', registry);
    table.unregister(proc, key, (e) => valueMatches(e.value, pattern, guard));
    return 'ok';
  },

  /** `[[pid, value], ...]` for the live processes registered under `key`. */
  lookup<V = unknown>(registry: string, key: unknown): Array<[Pid, V]> {
    const [, table] = callerTable('Registry.lookup', registry);
    return pairs(table.entries(key));
  },

  /**
   * Calls `callback` with the `[pid, value]` entries under `key` (not at all when there are none;
   * once per partition holding entries for a partitioned duplicate registry); returns 'ok'.
   */
  dispatch<V = unknown>(registry: string, key: unknown, callback: DispatchCallback<V>): 'ok' {
    const [, table] = callerTable('Registry.dispatch', registry);
    for (const entries of table.entriesByPartition(key)) {
      if (entries.length === 0) continue;
      if (typeof callback === 'function') callback(pairs<V>(entries));
      else {
        const [module, fn, args] = callback;
        (module as Record<string, (...a: unknown[]) => unknown>)[fn]!(pairs(entries), ...args);
      }
    }
    return 'ok';
  },

  /**
   * The `[pid, value]` entries under `key` whose value matches a receive-style `pattern`
   * (`_` matches anything, functions are guards), and `guard(value as V)` when given.
   */
  match<V = unknown>(
    registry: string,
    key: unknown,
    pattern: Pattern,
    guard?: (value: V) => unknown,
  ): Array<[Pid, V]> {
    const [, table] = callerTable('Registry.match', registry);
    return pairs(table.entries(key).filter((e) => valueMatches(e.value, pattern, guard)));
  },

  /** How many entries under `key` have a value matching `pattern` (and `guard`). */
  countMatch<V = unknown>(
    registry: string,
    key: unknown,
    pattern: Pattern,
    guard?: (value: V) => unknown,
  ): number {
    const [, table] = callerTable('Registry.countMatch', registry);
    return table.entries(key).filter((e) => valueMatches(e.value, pattern, guard)).length;
  },

  /** The number of live entries in the registry. */
  count(registry: string): number {
    return callerTable('Registry.count', registry)[1].count();
  },

  /** The keys `pid` is registered under (a key repeats for each duplicate registration). */
  keys(registry: string, pid: Pid): unknown[] {
    const [, table] = callerTable('Registry.keys', registry);
    return table.entriesOf(pid).map((e) => copyMessage(e.key));
  },

  /** The values `pid` registered under `key`. */
  values(registry: string, key: unknown, pid: Pid): unknown[] {
    const [, table] = callerTable('Registry.values', registry);
    return table
      .entries(key)
      .filter((e) => e.pid === pid)
      .map((e) => copyMessage(e.value));
  },

  /**
   * Updates the value of the caller's unique `key` with `fn`: `[newValue, oldValue]`, or 'error'
   * if the caller does not hold the key.
   */
  updateValue<V = unknown>(registry: string, key: unknown, fn: (value: V) => V): [V, V] | 'error' {
    const [proc, table] = callerTable('Registry.updateValue', registry);
    if (table.kind !== 'unique')
      throw new ArgumentError('Registry.updateValue/3 is not supported for duplicate registries');
    const entry = table.entries(key)[0];
    if (!entry || entry.pid !== proc.pid) return 'error';
    const old = entry.value as V;
    entry.value = copyMessage(fn(copyMessage(old)));
    return [copyMessage(entry.value) as V, copyMessage(old)];
  },

  /** Reads registry metadata: `['ok', value]` or 'error'. */
  meta<V = unknown>(registry: string, key: unknown): ['ok', V] | 'error' {
    const [, table] = callerTable('Registry.meta', registry);
    const ck = canonicalKey(key);
    return table.meta.has(ck) ? ['ok', copyMessage(table.meta.get(ck)) as V] : 'error';
  },

  /** Stores registry metadata; returns 'ok'. */
  putMeta(registry: string, key: unknown, value: unknown): 'ok' {
    const [, table] = callerTable('Registry.putMeta', registry);
    table.meta.set(canonicalKey(key), copyMessage(value));
    return 'ok';
  },

  /** Removes a registry metadata key (absent or not); returns 'ok', as Elixir's delete_meta. */
  deleteMeta(registry: string, key: unknown): 'ok' {
    const [, table] = callerTable('Registry.deleteMeta', registry);
    table.meta.delete(canonicalKey(key));
    return 'ok';
  },

  /**
   * A name for GenServer (and `send`) resolved by this registry:
   * `GenServer.start(M, arg, {name: Registry.via('rooms', 'lobby')})`. Only unique registries:
   * for a running duplicate registry it raises ArgumentError at once, in the caller, which is
   * where Elixir's `start` raises (its `whereis_name` check runs before the spawn).
   */
  via(
    registry: string,
    key: unknown,
    ...value: [unknown?]
  ): ['via', typeof RegistryViaModule, ViaName] {
    const proc = runningProc();
    const pid = proc && typeof registry === 'string' ? proc.runtime.whereis(registry) : null;
    const state = pid ? proc!.runtime.procOf(pid)?.ownedTable : null;
    if (state instanceof RegistryTable) refuseDuplicateVia(state);
    return [
      'via',
      RegistryViaModule,
      value.length === 0 ? [registry, key] : [registry, key, value[0]],
    ];
  },
};

function valueMatches<V>(value: unknown, pattern: Pattern, guard?: (value: V) => unknown): boolean {
  try {
    return matches(pattern, value) && (guard === undefined || Boolean(guard(value as V)));
  } catch {
    return false; // a throwing guard is a failing guard
  }
}
