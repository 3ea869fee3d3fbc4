/**
 * The model of the processes panel: one row per live process, kept up to date from trace events
 * and corrected by periodic snapshots of the runtime.
 *
 * The table is mutable on purpose. A runtime may hold 10,000 processes and emit thousands of
 * events a second; copying the table per event would be O(n) each time. Instead each event
 * touches only the rows it names (a link touches two, an exit touches the process and its peers),
 * and the ids of touched rows are collected, so `takeProcessChanges` can hand the page a compact
 * update of just those rows. Events cannot see everything (status changes, reductions, the
 * behaviour a process runs, messages removed without a receive), so `snapshotProcesses` reads the
 * runtime now and then and `applyProcessSnapshot` corrects what drifted. Rows hold numbers and
 * strings only, so changes can cross `postMessage`.
 */
import type {
  PendingReceive,
  Pid,
  ProcessStatus,
  Runtime,
  TraceEvent,
} from '../../../runtime/index';
import {
  pendingReceive,
  processMessages,
  processSnapshot,
  processSnapshots,
} from '../../../runtime/index';
import { clip, payloadText, pidText } from './describe';

/** One process as the panel shows it. */
export interface ProcessRow {
  /** The pid's number (`#PID<0.id.0>`); unique within one runtime. */
  readonly id: number;
  /** The printed pid. */
  readonly pid: string;
  /** What the process was started with (`initial_call`), '' until known. */
  label: string;
  name: string | null;
  status: ProcessStatus;
  queueLength: number;
  reductions: number;
  /** Pid numbers of linked processes. */
  links: Set<number>;
  /** Monitors this process holds: ref number -> monitored pid number (or name). */
  monitors: Map<number, number | string>;
  /** Monitors on this process: ref number -> watching pid number. */
  monitoredBy: Map<number, number>;
  /** 'gen_server', 'supervisor', ... or null for a plain process; known from snapshots. */
  behaviour: string | null;
  parent: number | null;
  trapExit: boolean;
  /** Clock time the spawn was seen, or null for a process that existed before tracing. */
  spawnedAt: number | null;
}

/** The table: rows by pid number, names, and what changed since the last `takeProcessChanges`. */
export interface ProcessTable {
  readonly rows: Map<number, ProcessRow>;
  readonly names: Map<string, number>;
  readonly changed: Set<number>;
  readonly removed: Set<number>;
  /** Grows by one with every change, so a view can tell whether to redraw. */
  version: number;
}

/** An empty table. */
export function createProcessTable(): ProcessTable {
  return { rows: new Map(), names: new Map(), changed: new Set(), removed: new Set(), version: 0 };
}

function newRow(id: number): ProcessRow {
  return {
    id,
    pid: pidText(id),
    label: '',
    name: null,
    status: 'runnable',
    queueLength: 0,
    reductions: 0,
    links: new Set(),
    monitors: new Map(),
    monitoredBy: new Map(),
    behaviour: null,
    parent: null,
    trapExit: false,
    spawnedAt: null,
  };
}

function touch(table: ProcessTable, id: number): void {
  table.changed.add(id);
  table.version++;
}

/** The row of `id`, made if the process predates tracing (a snapshot fills in the rest). */
function rowOf(table: ProcessTable, id: number): ProcessRow {
  let row = table.rows.get(id);
  if (!row) {
    row = newRow(id);
    table.rows.set(id, row);
    table.removed.delete(id);
  }
  touch(table, id);
  return row;
}

function removeRow(table: ProcessTable, id: number): void {
  const row = table.rows.get(id);
  if (!row) return;
  for (const peer of row.links) {
    if (table.rows.get(peer)?.links.delete(id)) touch(table, peer);
  }
  for (const [ref, target] of row.monitors) {
    if (typeof target === 'number' && table.rows.get(target)?.monitoredBy.delete(ref))
      touch(table, target);
  }
  for (const [ref, watcher] of row.monitoredBy) {
    if (table.rows.get(watcher)?.monitors.delete(ref)) touch(table, watcher);
  }
  if (row.name !== null && table.names.get(row.name) === id) table.names.delete(row.name);
  table.rows.delete(id);
  table.changed.delete(id);
  table.removed.add(id);
  table.version++;
}

/** Updates the table for one trace event: O(1), except an exit, which is O(links + monitors). */
export function applyProcessEvent(table: ProcessTable, event: TraceEvent): void {
  switch (event.type) {
    case 'spawn': {
      const row = rowOf(table, event.pid.id);
      row.label = event.label;
      row.parent = event.parent ? event.parent.id : null;
      row.spawnedAt = event.time;
      if (event.ioDevice) row.behaviour = IO_DEVICE;
      return;
    }
    case 'send':
      if (event.to !== null) rowOf(table, event.to.id).queueLength++;
      return;
    case 'receive': {
      const row = rowOf(table, event.pid.id);
      row.queueLength = Math.max(0, row.queueLength - 1);
      return;
    }
    case 'exit':
      removeRow(table, event.pid.id);
      return;
    case 'link':
      rowOf(table, event.from.id).links.add(event.to.id);
      rowOf(table, event.to.id).links.add(event.from.id);
      return;
    case 'unlink':
      rowOf(table, event.from.id).links.delete(event.to.id);
      rowOf(table, event.to.id).links.delete(event.from.id);
      return;
    case 'monitor': {
      const target = typeof event.target === 'string' ? event.target : event.target.id;
      rowOf(table, event.watcher.id).monitors.set(event.ref.id, target);
      if (typeof target === 'number' && table.rows.has(target))
        rowOf(table, target).monitoredBy.set(event.ref.id, event.watcher.id);
      return;
    }
    case 'demonitor':
    case 'down': {
      const watcher = table.rows.get(event.watcher.id);
      if (watcher?.monitors.delete(event.ref.id)) touch(table, watcher.id);
      if (typeof event.target !== 'string') {
        const target = table.rows.get(event.target.id);
        if (target?.monitoredBy.delete(event.ref.id)) touch(table, target.id);
      }
      return;
    }
    case 'register':
      rowOf(table, event.pid.id).name = event.name;
      table.names.set(event.name, event.pid.id);
      return;
    case 'unregister': {
      const row = table.rows.get(event.pid.id);
      if (row && row.name === event.name) {
        row.name = null;
        touch(table, row.id);
      }
      if (table.names.get(event.name) === event.pid.id) table.names.delete(event.name);
      return;
    }
    case 'trap_exit':
      rowOf(table, event.pid.id).trapExit = event.value;
      return;
    case 'exit_signal':
    case 'timer_start':
    case 'timer_cancel':
    case 'timer_fire':
      return;
  }
}

/** Applies events in order. */
export function applyProcessEvents(table: ProcessTable, events: Iterable<TraceEvent>): void {
  for (const event of events) applyProcessEvent(table, event);
}

/** What a snapshot knows about one process (plain data). */
export interface ProcessSnapshot {
  readonly id: number;
  readonly label: string;
  readonly name: string | null;
  readonly status: ProcessStatus;
  readonly queueLength: number;
  readonly reductions: number;
  readonly links: readonly number[];
  readonly monitors: readonly (readonly [ref: number, target: number])[];
  readonly monitoredBy: readonly (readonly [ref: number, watcher: number])[];
  readonly behaviour: string | null;
  readonly parent: number | null;
  readonly trapExit: boolean;
}

/** Every live process of a runtime at one clock time. */
export interface ProcessesSnapshot {
  readonly time: number;
  readonly processes: readonly ProcessSnapshot[];
}

const NO_IDS: readonly never[] = [];

function idsOf(pids: readonly Pid[]): readonly number[] {
  return pids.length === 0 ? NO_IDS : pids.map((p) => p.id);
}

function refPairs(pairs: readonly (readonly [{ id: number }, Pid])[]): readonly [number, number][] {
  return pairs.length === 0 ? NO_IDS : pairs.map(([ref, p]) => [ref.id, p.id]);
}

/** Reads every live process of `rt` (O(n); the host calls it now and then, not per event). */
export function snapshotProcesses(rt: Runtime): ProcessesSnapshot {
  const processes: ProcessSnapshot[] = [];
  for (const proc of processSnapshots(rt)) {
    processes.push({
      id: proc.pid.id,
      label: proc.label,
      name: proc.registeredName,
      status: proc.status,
      queueLength: proc.queueLength,
      reductions: proc.reductions,
      links: idsOf(proc.links),
      monitors: refPairs(proc.monitors),
      monitoredBy: refPairs(proc.monitoredBy),
      behaviour: proc.ioDevice ? IO_DEVICE : proc.behaviour,
      parent: proc.parent ? proc.parent.id : null,
      trapExit: proc.trapExit,
    });
  }
  return { time: rt.clock.now(), processes };
}

function sameIds(set: ReadonlySet<number>, ids: readonly number[]): boolean {
  if (set.size !== ids.length) return false;
  for (const id of ids) if (!set.has(id)) return false;
  return true;
}

function sameEntries<V>(map: ReadonlyMap<number, V>, pairs: readonly (readonly [number, V])[]) {
  if (map.size !== pairs.length) return false;
  for (const [k, v] of pairs) if (map.get(k) !== v) return false;
  return true;
}

/**
 * Corrects the table to a snapshot: rows change only where they differ (so the next change set
 * stays small), processes the snapshot lacks are gone. Apply the events up to the snapshot first.
 */
export function applyProcessSnapshot(table: ProcessTable, snapshot: ProcessesSnapshot): void {
  const seen = new Set<number>();
  for (const s of snapshot.processes) {
    seen.add(s.id);
    let row = table.rows.get(s.id);
    if (!row) {
      row = newRow(s.id);
      table.rows.set(s.id, row);
      table.removed.delete(s.id);
      touch(table, s.id);
    }
    let changed = false;
    if (row.name !== s.name) {
      if (row.name !== null && table.names.get(row.name) === s.id) table.names.delete(row.name);
      if (s.name !== null) table.names.set(s.name, s.id);
      changed = true;
    }
    if (!sameIds(row.links, s.links)) {
      row.links = new Set(s.links);
      changed = true;
    }
    if (!sameEntries(row.monitors, s.monitors)) {
      row.monitors = new Map(s.monitors);
      changed = true;
    }
    if (!sameEntries(row.monitoredBy, s.monitoredBy)) {
      row.monitoredBy = new Map(s.monitoredBy);
      changed = true;
    }
    changed ||=
      row.label !== s.label ||
      row.status !== s.status ||
      row.queueLength !== s.queueLength ||
      row.reductions !== s.reductions ||
      row.behaviour !== s.behaviour ||
      row.parent !== s.parent ||
      row.trapExit !== s.trapExit;
    row.label = s.label;
    row.name = s.name;
    row.status = s.status;
    row.queueLength = s.queueLength;
    row.reductions = s.reductions;
    row.behaviour = s.behaviour;
    row.parent = s.parent;
    row.trapExit = s.trapExit;
    if (changed) touch(table, s.id);
  }
  for (const id of [...table.rows.keys()]) {
    if (!seen.has(id)) {
      const row = table.rows.get(id)!;
      if (row.name !== null && table.names.get(row.name) === id) table.names.delete(row.name);
      table.rows.delete(id);
      table.changed.delete(id);
      table.removed.add(id);
      table.version++;
    }
  }
}

/** A compact update for another copy of the table (the page's): changed rows and removed ids. */
export interface ProcessChanges {
  readonly version: number;
  readonly upserts: readonly ProcessRow[];
  readonly removed: readonly number[];
}

/** A copy of a row that shares no Set or Map with it. */
export function copyRow(row: ProcessRow): ProcessRow {
  return {
    ...row,
    links: new Set(row.links),
    monitors: new Map(row.monitors),
    monitoredBy: new Map(row.monitoredBy),
  };
}

/** The rows changed and removed since the last call (copies), and forgets them. */
export function takeProcessChanges(table: ProcessTable): ProcessChanges {
  const upserts: ProcessRow[] = [];
  for (const id of table.changed) {
    const row = table.rows.get(id);
    if (row) upserts.push(copyRow(row));
  }
  const changes = { version: table.version, upserts, removed: [...table.removed] };
  table.changed.clear();
  table.removed.clear();
  return changes;
}

/** Applies a change set from `takeProcessChanges` (the page's copy of the table). */
export function applyProcessChanges(table: ProcessTable, changes: ProcessChanges): void {
  for (const id of changes.removed) {
    const row = table.rows.get(id);
    if (row?.name != null && table.names.get(row.name) === id) table.names.delete(row.name);
    table.rows.delete(id);
  }
  for (const row of changes.upserts) {
    const old = table.rows.get(row.id);
    if (old?.name != null && old.name !== row.name && table.names.get(old.name) === row.id)
      table.names.delete(old.name);
    table.rows.set(row.id, row);
    if (row.name !== null) table.names.set(row.name, row.id);
  }
  table.version = changes.version;
}

// ------------------------------------------------------------------ sorting and filtering

/** The behaviour shown for an I/O device: the group leader a cell's output goes through. */
export const IO_DEVICE = 'io_device';

/** Columns the table sorts by. */
export type ProcessSortKey =
  'pid' | 'name' | 'status' | 'queue' | 'reductions' | 'links' | 'monitors' | 'behaviour';

/** Which processes to show. Every given condition must hold. */
export interface ProcessFilter {
  /** Case-insensitive text found in the pid, name, label or behaviour. */
  text?: string;
  status?: readonly ProcessStatus[];
  /** Behaviours to keep; null in the list keeps plain processes. */
  behaviour?: readonly (string | null)[];
  /** Only processes with at least this many queued messages. */
  minQueue?: number;
  /** Only registered processes. */
  named?: boolean;
  /** Leave out I/O devices (each cell's output device, the runtime's `user`). */
  hideIoDevices?: boolean;
}

const STATUS_ORDER: Record<ProcessStatus, number> = {
  running: 0,
  runnable: 1,
  waiting: 2,
  suspended: 3,
  exiting: 4,
};

function compareBy(key: ProcessSortKey): (a: ProcessRow, b: ProcessRow) => number {
  switch (key) {
    case 'pid':
      return () => 0;
    case 'name':
      // Named processes first, alphabetically.
      return (a, b) =>
        a.name === b.name
          ? 0
          : a.name === null
            ? 1
            : b.name === null
              ? -1
              : a.name < b.name
                ? -1
                : 1;
    case 'status':
      return (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
    case 'queue':
      return (a, b) => a.queueLength - b.queueLength;
    case 'reductions':
      return (a, b) => a.reductions - b.reductions;
    case 'links':
      return (a, b) => a.links.size - b.links.size;
    case 'monitors':
      return (a, b) => a.monitors.size + a.monitoredBy.size - b.monitors.size - b.monitoredBy.size;
    case 'behaviour':
      return (a, b) => (a.behaviour ?? '').localeCompare(b.behaviour ?? '');
  }
}

/** A sorted copy of `rows` (O(n log n)); ties keep pid order. 'desc' reverses the key only. */
export function sortProcesses(
  rows: Iterable<ProcessRow>,
  key: ProcessSortKey,
  direction: 'asc' | 'desc' = 'asc',
): ProcessRow[] {
  const compare = compareBy(key);
  const sign = direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => sign * compare(a, b) || a.id - b.id);
}

/** True when `row` passes `filter`. */
export function matchesProcessFilter(row: ProcessRow, filter: ProcessFilter): boolean {
  if (filter.status && !filter.status.includes(row.status)) return false;
  if (filter.behaviour && !filter.behaviour.includes(row.behaviour)) return false;
  if (filter.minQueue !== undefined && row.queueLength < filter.minQueue) return false;
  if (filter.named && row.name === null) return false;
  if (filter.hideIoDevices && row.behaviour === IO_DEVICE) return false;
  const text = filter.text?.trim().toLowerCase();
  if (text) {
    const haystack = `${row.pid} ${row.id} ${row.name ?? ''} ${row.label} ${row.behaviour ?? ''}`;
    if (!haystack.toLowerCase().includes(text)) return false;
  }
  return true;
}

/** The rows passing `filter` (O(n)). */
export function filterProcesses(rows: Iterable<ProcessRow>, filter: ProcessFilter): ProcessRow[] {
  const out: ProcessRow[] = [];
  for (const row of rows) if (matchesProcessFilter(row, filter)) out.push(row);
  return out;
}

/** One page of the table as a virtualised list draws it. */
export interface ProcessPage {
  /** How many rows pass the filter. */
  readonly total: number;
  readonly rows: readonly ProcessRow[];
}

/** Filters, sorts and slices the table: what a scrolled view shows. */
export function processPage(
  table: ProcessTable,
  options: {
    filter?: ProcessFilter;
    sort?: ProcessSortKey;
    direction?: 'asc' | 'desc';
    offset?: number;
    limit?: number;
  } = {},
): ProcessPage {
  const kept = options.filter
    ? filterProcesses(table.rows.values(), options.filter)
    : [...table.rows.values()];
  const sorted = sortProcesses(kept, options.sort ?? 'pid', options.direction);
  const offset = options.offset ?? 0;
  return {
    total: sorted.length,
    rows: sorted.slice(offset, offset + (options.limit ?? sorted.length)),
  };
}

// ------------------------------------------------------------------ one selected process

export type { PendingReceive };

/** The detail view of one process: its queued messages (oldest first, newest last). */
export interface ProcessDetail {
  readonly id: number;
  readonly pid: string;
  readonly name: string | null;
  readonly label: string;
  readonly status: ProcessStatus;
  readonly behaviour: string | null;
  readonly queueLength: number;
  /** Printed messages, oldest first; at most `limit` of them. */
  readonly messages: readonly string[];
  /** Queued messages not in `messages`. */
  readonly omitted: number;
  /** Which patterns the process's receive waits for, or null when it is not in a receive. */
  readonly waitingFor: PendingReceive | null;
}

/**
 * The queued messages of one live process and what its receive waits for; null if it is gone.
 * `which: 'oldest'` (default) shows the messages next in line; 'newest' the latest arrivals.
 */
export function inspectProcess(
  rt: Runtime,
  pid: Pid | number,
  options: { limit?: number; which?: 'oldest' | 'newest' } = {},
): ProcessDetail | null {
  const id = typeof pid === 'number' ? pid : pid.id;
  const proc = processSnapshot(rt, pid);
  // Only the slice shown is copied: a mailbox may hold a million messages.
  const slice = processMessages(rt, pid, { limit: options.limit ?? 100, which: options.which });
  if (!proc || !slice) return null;
  const waiting = pendingReceive(rt, pid);
  return {
    id,
    pid: pidText(id),
    name: proc.registeredName,
    label: proc.label,
    status: proc.status,
    behaviour: proc.ioDevice ? IO_DEVICE : proc.behaviour,
    queueLength: slice.total,
    messages: slice.messages.map(payloadText),
    omitted: slice.total - slice.messages.length,
    waitingFor: waiting && { ...waiting, patterns: waiting.patterns.map((p) => clip(p, 200)) },
  };
}
