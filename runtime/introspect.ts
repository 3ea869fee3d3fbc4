/**
 * Read-only introspection: what the panels, `viz`, the notebook engine and `Process.info` learn
 * about processes, as plain data.
 *
 * Everything here is a copy or a frozen value, so nobody outside the runtime can change a process
 * through what it read, and the process control block (`Proc`) may change shape freely. The
 * snapshots are built to be cheap enough for a panel that reads 10,000 processes: a process with
 * no links or monitors shares one frozen empty list, and the mailbox is never copied whole: a
 * snapshot carries its length, and `processMessages` copies only the bounded slice asked for.
 */
import { ArgumentError } from './errors';
import { inspect } from './inspect';
import { copyMessage } from './copy';
import { WORD_BYTES, flatSize, size } from './termSize';
import type { Proc, ProcessStatus } from './process';
import type { Runtime } from './runtime';
import { Pid } from './terms';
import type { Ref } from './terms';

/** One process at one moment, as plain data (a copy: later changes do not show in it). */
export interface ProcessSnapshot {
  readonly pid: Pid;
  /** What it was started with (`initial_call`). */
  readonly label: string;
  readonly registeredName: string | null;
  readonly status: ProcessStatus;
  /** How many messages wait in its mailbox (`message_queue_len`). */
  readonly queueLength: number;
  readonly reductions: number;
  readonly links: readonly Pid[];
  /** Monitors it holds: `[ref, monitored pid]`. */
  readonly monitors: readonly (readonly [Ref, Pid])[];
  /** Monitors on it: `[ref, watching pid]`. */
  readonly monitoredBy: readonly (readonly [Ref, Pid])[];
  readonly trapExit: boolean;
  readonly groupLeader: Pid;
  /** The process that spawned it, or null for one the host started. */
  readonly parent: Pid | null;
  /** The OTP behaviour it runs ('gen_server', 'supervisor', ...), or null for plain code. */
  readonly behaviour: string | null;
  /** True for an I/O device: a group leader the host provides, which takes output. */
  readonly ioDevice: boolean;
  /** True while it is in `Process.hibernate`. */
  readonly hibernating: boolean;
}

/** What a process's pending receive waits for, described as text. */
export interface PendingReceive {
  /** One printed pattern per clause, in the order they are tried; `['_']` for any message. */
  readonly patterns: readonly string[];
  /** The `after` timeout in ms, 'infinity', or null without an after clause. */
  readonly timeout: number | 'infinity' | null;
  /** True for a process in `Process.hibernate`: any message wakes it. */
  readonly hibernating: boolean;
}

/** A bounded copy of part of a mailbox. */
export interface MessagesSlice {
  /** Every message waiting, shown or not. */
  readonly total: number;
  /** The position in the mailbox (0 = next in line) of the first message copied. */
  readonly first: number;
  /** Copies of the messages, oldest first. */
  readonly messages: readonly unknown[];
}

const NONE: readonly never[] = Object.freeze([]);

function pidsOf(procs: Set<Proc> | null): readonly Pid[] {
  if (!procs || procs.size === 0) return NONE;
  const pids: Pid[] = [];
  for (const p of procs) pids.push(p.pid);
  return pids;
}

function refPairs(map: Map<Ref, Proc> | null): readonly (readonly [Ref, Pid])[] {
  if (!map || map.size === 0) return NONE;
  const pairs: [Ref, Pid][] = [];
  for (const [ref, p] of map) pairs.push([ref, p.pid]);
  return pairs;
}

function snapshotOf(rt: Runtime, proc: Proc): ProcessSnapshot {
  return {
    pid: proc.pid,
    label: proc.label,
    registeredName: proc.name,
    status: rt.statusOf(proc),
    queueLength: proc.mailbox.length,
    reductions: proc.reductions,
    links: pidsOf(proc.links),
    monitors: refPairs(proc.monitors),
    monitoredBy: refPairs(proc.monitoredBy),
    trapExit: proc.trapExit,
    groupLeader: proc.groupLeader,
    parent: proc.parent,
    behaviour: proc.behaviour,
    ioDevice: proc.ioSink !== null,
    hibernating: proc.hibernating,
  };
}

/** The live process behind a pid (or a pid's number) of `rt`, or null once it exited. */
function live(rt: Runtime, pid: Pid | number): Proc | null {
  if (typeof pid === 'number') {
    const found = rt.pidOf(pid);
    return found ? rt.procOf(found) : null;
  }
  return rt.procOf(pid);
}

/** True while `pid` (or a pid's number) names a live process of `rt`. */
export function isAlive(rt: Runtime, pid: Pid | number): boolean {
  return live(rt, pid) !== null;
}

/** A snapshot of one process of `rt`, or null if it is not alive. */
export function processSnapshot(rt: Runtime, pid: Pid | number): ProcessSnapshot | null {
  const proc = live(rt, pid);
  return proc ? snapshotOf(rt, proc) : null;
}

/** Snapshots of every live process of `rt`, oldest first (O(n); mailboxes are not copied). */
export function processSnapshots(rt: Runtime): ProcessSnapshot[] {
  const all: ProcessSnapshot[] = [];
  for (const proc of rt.processes()) all.push(snapshotOf(rt, proc));
  return all;
}

/**
 * Copies of at most `limit` queued messages of a live process (all of them by default), the
 * ones next in line (`which: 'oldest'`, the default) or the latest arrivals ('newest'); null if
 * the process is not alive. Copied like a send, so changing them changes nothing in the mailbox.
 */
export function processMessages(
  rt: Runtime,
  pid: Pid | number,
  options: { limit?: number; which?: 'oldest' | 'newest' } = {},
): MessagesSlice | null {
  const { limit } = options;
  if (limit !== undefined && !(limit >= 0 && (Number.isInteger(limit) || limit === Infinity)))
    throw new ArgumentError(
      `processMessages: limit should be a whole number from 0, got ${inspect(limit)}`,
    );
  const proc = live(rt, pid);
  if (!proc) return null;
  const total = proc.mailbox.length;
  const shown = Math.min(limit ?? total, total);
  const first = options.which === 'newest' ? total - shown : 0;
  const messages: unknown[] = [];
  for (let i = first; i < first + shown; i++) messages.push(copyMessage(proc.mailbox.at(i)));
  return { total, first, messages };
}

/** What the receive a live process is suspended in waits for; null when it is not receiving. */
export function pendingReceive(rt: Runtime, pid: Pid | number): PendingReceive | null {
  const wait = live(rt, pid)?.wait;
  if (!wait) return null;
  if (wait.kind === 'hibernate' || !wait.spec) {
    return { patterns: ['_'], timeout: null, hibernating: wait.kind === 'hibernate' };
  }
  return {
    patterns: wait.spec.clauses.map((clause) => inspect(clause.pattern)),
    timeout: wait.spec.timeout ? wait.spec.timeout.ms : null,
    hibernating: false,
  };
}

/** A copy of a live process's dictionary as `[key, value]` pairs; null if it is not alive. */
export function processDictionary(
  rt: Runtime,
  pid: Pid | number,
): (readonly [unknown, unknown])[] | null {
  const proc = live(rt, pid);
  if (!proc) return null;
  return [...(proc.dictionary ?? [])].map(([k, v]) => [k, copyMessage(v)] as const);
}

/** Words a queued message costs besides its term: the BEAM's message header. */
const MESSAGE_HEADER_WORDS = 3;
/** Words a dictionary entry costs besides its key and value: a `{key, value}` tuple in a list. */
const DICTIONARY_ENTRY_WORDS = 5;

/**
 * Bytes a live process takes, computed when asked (never on send): the control block, each
 * queued message at its flat size (a message is a copy: it keeps no sharing), the dictionary and
 * a behaviour's state at their size with sharing, and its links and monitors. Sizes follow
 * `termSize.ts` (64-bit words).
 */
export function processMemory(rt: Runtime, pid: Pid | number): number | null {
  const proc = live(rt, pid);
  if (!proc) return null;
  let words = 0;
  const mailbox = proc.mailbox;
  for (let i = 0; i < mailbox.length; i++) words += MESSAGE_HEADER_WORDS + flatSize(mailbox.at(i));
  if (proc.dictionary)
    for (const [k, v] of proc.dictionary) words += DICTIONARY_ENTRY_WORDS + size(k) + size(v);
  // A behaviour's loop keeps its state in `state` (GenServer, Agent): the state is its heap.
  const server = proc.behaviourServer as { state?: unknown } | null;
  if (server && 'state' in server) words += size(server.state);
  const links =
    ((proc.links?.size ?? 0) + (proc.monitors?.size ?? 0) + (proc.monitoredBy?.size ?? 0)) * 32;
  return (proc.hibernating ? 200 : 400) + links + words * WORD_BYTES;
}

/**
 * The state a live process's behaviour publishes for introspection (a supervisor's children,
 * ...), or null when it publishes none. The same object until the behaviour replaces it, so a
 * reader can compare by identity; `otp/introspect.ts` types and freezes it per behaviour.
 */
export function publishedState(rt: Runtime, pid: Pid | number): object | null {
  return live(rt, pid)?.publishedState ?? null;
}

/** Pids of the live processes of `rt` that run `behaviour` ('supervisor', ...), oldest first. */
export function processesRunning(rt: Runtime, behaviour: string): Pid[] {
  const pids: Pid[] = [];
  for (const proc of rt.processes()) if (proc.behaviour === behaviour) pids.push(proc.pid);
  return pids;
}
