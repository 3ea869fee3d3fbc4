/**
 * A run's history as a JSON file: export it, and load it back (on this machine or another) to
 * rewind through it as if it were live.
 *
 * The file holds what the history holds: each chunk's checkpoint, then its events and
 * corrections in order, so loading replays them with the same model functions and every moment
 * looks as it did. Terms are written as tagged JSON: pids and refs keep their numbers, plain
 * data (strings, numbers, arrays, plain objects) stays data, and a term with anything else in it
 * (a function, a Map, a class instance) is kept as its printed text. Published supervisor states
 * are written once each and referred to by number, so a state seen twice is the same object
 * after loading, as it was live (the model skips unchanged states by identity).
 *
 * A loaded file is untrusted input: every entry is checked before it is used, and a file that
 * does not read gets one clear sentence saying where and why, never a half-loaded history.
 */
import type { SupervisorState, TraceEvent } from '../../../runtime/index';
import { Pid, PrintedTerm, Ref, inspect } from '../../../runtime/index';
import { clip, payloadText } from './describe';
import type { ProcessesSnapshot, ProcessRow, ProcessTable } from './processTable';
import type { HistoryCorrection, HistoryModels, SupervisorsSnapshot } from './runHistory';
import { RunHistory, applyHistoryCorrection, applyHistoryEvent } from './runHistory';
import type { ChildSlot, SupervisionModel, SupervisorEntry } from './supervisionTree';

export const TRACE_FORMAT = 'actorbook-trace';
export const TRACE_VERSION = 1;

/** Most entries a file may hold (a full history is about 100,000 events and its snapshots). */
const MAX_ENTRIES = 2_000_000;

/** Longest JSON a single term may take; beyond it the term is kept as its printed text. */
const MAX_TERM_CHARS = 4000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// ------------------------------------------------------------------ terms

class NotPlain extends Error {}

function encodePlain(term: unknown, depth: number, budget: { nodes: number }): Json {
  if (--budget.nodes < 0 || depth > 32) throw new NotPlain();
  if (term === null || typeof term === 'string' || typeof term === 'boolean') return term;
  if (typeof term === 'number') return Number.isFinite(term) ? term : printedLeaf(term);
  if (term === undefined) return { $undefined: true };
  if (term instanceof Pid) return { $pid: term.id };
  if (term instanceof Ref) return { $ref: term.id };
  if (term instanceof PrintedTerm) return { $text: term.text };
  if (Array.isArray(term)) return term.map((item) => encodePlain(item, depth + 1, budget));
  if (typeof term === 'object') {
    const proto = Object.getPrototypeOf(term) as unknown;
    if (proto !== Object.prototype && proto !== null) return printedLeaf(term);
    // A module (an object of callbacks) prints by its name, not as its functions.
    if (inspect(term, { depth: 0 }).startsWith('#Module<')) return printedLeaf(term);
    const fields: { [key: string]: Json } = {};
    for (const [key, value] of Object.entries(term))
      fields[key] = encodePlain(value, depth + 1, budget);
    return { $obj: fields };
  }
  return printedLeaf(term);
}

/** A part that is not plain data (a function, a Map, an Error): kept as it prints. */
function printedLeaf(term: unknown): Json {
  return { $text: clip(inspect(term, { depth: 3 }), 400) };
}

/**
 * A term as tagged JSON; parts that are not plain data as their printed text, and the whole
 * term as its printed text when it is too big or too deep.
 */
export function encodeTerm(term: unknown): Json {
  try {
    const json = encodePlain(term, 0, { nodes: 500 });
    if (JSON.stringify(json).length <= MAX_TERM_CHARS) return json;
  } catch (e) {
    if (!(e instanceof NotPlain)) throw e;
  }
  return { $text: payloadText(term) };
}

class BadFile extends Error {}

function fail(where: string, what: string): never {
  throw new BadFile(`${where} ${what}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Pids of a loaded trace belong to no runtime: they print and compare by number only. */
const LOADED_RUNTIME = -1;

/** The inverse of `encodeTerm`. */
export function decodeTerm(json: unknown, where: string): unknown {
  if (json === null || typeof json === 'string' || typeof json === 'boolean') return json;
  if (typeof json === 'number') return json;
  if (Array.isArray(json)) return json.map((item, i) => decodeTerm(item, `${where}[${i}]`));
  if (!isObject(json)) fail(where, 'is not a term');
  const keys = Object.keys(json);
  if (keys.length !== 1) fail(where, 'is not a term (a tagged object has one key)');
  const value = json[keys[0]!];
  switch (keys[0]) {
    case '$pid':
      return new Pid(wholeNumber(value, `${where}.$pid`), LOADED_RUNTIME);
    case '$ref':
      return new Ref(wholeNumber(value, `${where}.$ref`), 0, LOADED_RUNTIME);
    case '$undefined':
      return undefined;
    case '$text':
      if (typeof value !== 'string') fail(`${where}.$text`, 'should be text');
      return new PrintedTerm(value);
    case '$obj': {
      if (!isObject(value)) fail(`${where}.$obj`, 'should be an object');
      // Defined, not assigned: a key such as "__proto__" stays a plain field.
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(value))
        Object.defineProperty(out, key, {
          value: decodeTerm(field, `${where}.${key}`),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return out;
    }
    default:
      return fail(where, `has an unknown tag ${JSON.stringify(keys[0]).slice(0, 40)}`);
  }
}

function wholeNumber(value: unknown, where: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0)
    fail(where, 'should be a whole number');
  return value as number;
}

function finite(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(where, 'should be a number');
  return value;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string') fail(where, 'should be text');
  return value;
}

function textOrNull(value: unknown, where: string): string | null {
  return value === null ? null : text(value, where);
}

function bool(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') fail(where, 'should be true or false');
  return value;
}

function pid(value: unknown, where: string): Pid {
  const term = decodeTerm(value, where);
  if (!(term instanceof Pid)) fail(where, 'should be a pid');
  return term;
}

function pidOrNull(value: unknown, where: string): Pid | null {
  return value === null ? null : pid(value, where);
}

function ref(value: unknown, where: string): Ref {
  const term = decodeTerm(value, where);
  if (!(term instanceof Ref)) fail(where, 'should be a reference');
  return term;
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) fail(where, 'should be a list');
  return value;
}

function oneOf<T extends string>(value: unknown, choices: readonly T[], where: string): T {
  if (!choices.includes(value as T)) fail(where, `should be one of ${choices.join(', ')}`);
  return value as T;
}

// ------------------------------------------------------------------ events

const MESSAGE_KINDS = [
  'send',
  'call',
  'cast',
  'info',
  'reply',
  'timer',
  'io',
  'system',
  'net',
] as const;

function encodeEvent(event: TraceEvent): Json {
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(event)) out[key] = encodeTerm(value);
  return out;
}

/** Reads one event, checking every field its type has: the models trust what they are given. */
function decodeEvent(json: unknown, where: string): TraceEvent {
  if (!isObject(json)) fail(where, 'should be an event');
  const f = (key: string) => json[key];
  const at = (key: string) => `${where}.${key}`;
  const base = { seq: wholeNumber(f('seq'), at('seq')), time: finite(f('time'), at('time')) };
  const type = text(f('type'), at('type'));
  switch (type) {
    case 'spawn':
      return {
        ...base,
        type,
        pid: pid(f('pid'), at('pid')),
        parent: pidOrNull(f('parent'), at('parent')),
        linked: bool(f('linked'), at('linked')),
        label: text(f('label'), at('label')),
        ioDevice: bool(f('ioDevice'), at('ioDevice')),
      };
    case 'send':
      return {
        ...base,
        type,
        from: pidOrNull(f('from'), at('from')),
        to: pidOrNull(f('to'), at('to')),
        name: textOrNull(f('name'), at('name')),
        msg: decodeTerm(f('msg'), at('msg')),
        msgId: finite(f('msgId'), at('msgId')),
        kind: oneOf(f('kind'), MESSAGE_KINDS, at('kind')),
      };
    case 'receive':
      return {
        ...base,
        type,
        pid: pid(f('pid'), at('pid')),
        msg: decodeTerm(f('msg'), at('msg')),
        msgId: finite(f('msgId'), at('msgId')),
      };
    case 'exit':
      return {
        ...base,
        type,
        pid: pid(f('pid'), at('pid')),
        reason: decodeTerm(f('reason'), at('reason')),
      };
    case 'exit_signal':
      return {
        ...base,
        type,
        from: pid(f('from'), at('from')),
        to: pid(f('to'), at('to')),
        reason: decodeTerm(f('reason'), at('reason')),
        outcome: oneOf(f('outcome'), ['ignored', 'trapped', 'exited'] as const, at('outcome')),
      };
    case 'link':
    case 'unlink':
      return { ...base, type, from: pid(f('from'), at('from')), to: pid(f('to'), at('to')) };
    case 'monitor':
    case 'demonitor': {
      const target = f('target');
      return {
        ...base,
        type,
        ref: ref(f('ref'), at('ref')),
        watcher: pid(f('watcher'), at('watcher')),
        target: typeof target === 'string' ? target : pid(target, at('target')),
      };
    }
    case 'down':
      return {
        ...base,
        type,
        ref: ref(f('ref'), at('ref')),
        watcher: pid(f('watcher'), at('watcher')),
        target: pid(f('target'), at('target')),
        reason: decodeTerm(f('reason'), at('reason')),
      };
    case 'register':
    case 'unregister':
      return { ...base, type, pid: pid(f('pid'), at('pid')), name: text(f('name'), at('name')) };
    case 'timer_start':
      return {
        ...base,
        type,
        ref: ref(f('ref'), at('ref')),
        owner: pidOrNull(f('owner'), at('owner')),
        at: finite(f('at'), at('at')),
      };
    case 'timer_cancel':
    case 'timer_fire':
      return { ...base, type, ref: ref(f('ref'), at('ref')) };
    case 'trap_exit':
      return { ...base, type, pid: pid(f('pid'), at('pid')), value: bool(f('value'), at('value')) };
    default:
      return fail(at('type'), `is not an event type: ${JSON.stringify(type).slice(0, 40)}`);
  }
}

// ------------------------------------------------------------------ checkpoints and corrections

const STATUSES = ['runnable', 'running', 'waiting', 'suspended', 'exiting'] as const;

function encodeTable(table: ProcessTable): Json {
  return {
    rows: [...table.rows.values()].map((row) => ({
      ...row,
      links: [...row.links],
      monitors: [...row.monitors].map(([r, t]) => [r, t]),
      monitoredBy: [...row.monitoredBy].map(([r, w]) => [r, w]),
    })),
    names: [...table.names].map(([name, id]) => [name, id]),
    version: table.version,
  };
}

function pairs<K, V>(
  value: unknown,
  where: string,
  key: (v: unknown, w: string) => K,
  val: (v: unknown, w: string) => V,
): [K, V][] {
  return list(value, where).map((pair, i) => {
    const p = list(pair, `${where}[${i}]`);
    return [key(p[0], `${where}[${i}][0]`), val(p[1], `${where}[${i}][1]`)];
  });
}

const numberOrText = (v: unknown, w: string): number | string =>
  typeof v === 'string' ? v : wholeNumber(v, w);

function decodeTable(json: unknown, where: string): ProcessTable {
  if (!isObject(json)) fail(where, 'should be a process table');
  const rows = new Map<number, ProcessRow>();
  list(json.rows, `${where}.rows`).forEach((r, i) => {
    const w = `${where}.rows[${i}]`;
    if (!isObject(r)) fail(w, 'should be a row');
    const id = wholeNumber(r.id, `${w}.id`);
    rows.set(id, {
      id,
      pid: text(r.pid, `${w}.pid`),
      label: text(r.label, `${w}.label`),
      name: textOrNull(r.name, `${w}.name`),
      status: oneOf(r.status, STATUSES, `${w}.status`),
      queueLength: wholeNumber(r.queueLength, `${w}.queueLength`),
      reductions: finite(r.reductions, `${w}.reductions`),
      links: new Set(list(r.links, `${w}.links`).map((l, k) => wholeNumber(l, `${w}.links[${k}]`))),
      monitors: new Map(pairs(r.monitors, `${w}.monitors`, wholeNumber, numberOrText)),
      monitoredBy: new Map(pairs(r.monitoredBy, `${w}.monitoredBy`, wholeNumber, wholeNumber)),
      behaviour: textOrNull(r.behaviour, `${w}.behaviour`),
      parent: r.parent === null ? null : wholeNumber(r.parent, `${w}.parent`),
      trapExit: bool(r.trapExit, `${w}.trapExit`),
      spawnedAt: r.spawnedAt === null ? null : finite(r.spawnedAt, `${w}.spawnedAt`),
    });
  });
  return {
    rows,
    names: new Map(pairs(json.names, `${where}.names`, text, wholeNumber)),
    changed: new Set(),
    removed: new Set(),
    version: finite(json.version, `${where}.version`),
  };
}

function encodeSupervision(model: SupervisionModel, stateIds: Map<SupervisorState, number>): Json {
  return {
    supervisors: [...model.supervisors.values()].map((entry) => ({
      pid: entry.pid,
      kind: entry.kind,
      strategy: entry.strategy,
      restarts: entry.restarts,
      maxRestarts: entry.maxRestarts,
      maxSeconds: entry.maxSeconds,
      children: entry.children,
      state: entry.state === null ? null : stateId(entry.state, stateIds),
    })),
    slots: [...model.slots.values()].map((slot) => ({ ...slot })),
    slotOfPid: [...model.slotOfPid],
    spawnedAt: [...model.spawnedAt],
    dirty: [...model.dirty],
    version: model.version,
  };
}

const SLOT_STATUSES = ['running', 'restarting', 'not_started', 'exited'] as const;
const RESTARTS = ['permanent', 'transient', 'temporary'] as const;
const KINDS = ['supervisor', 'dynamic_supervisor', 'partition_supervisor'] as const;
const STRATEGIES = ['one_for_one', 'one_for_all', 'rest_for_one'] as const;

function numberOrNull(value: unknown, where: string): number | null {
  return value === null ? null : finite(value, where);
}

function decodeSupervision(
  json: unknown,
  where: string,
  states: readonly SupervisorState[],
): SupervisionModel {
  if (!isObject(json)) fail(where, 'should be a supervision model');
  const supervisors = new Map<number, SupervisorEntry>();
  list(json.supervisors, `${where}.supervisors`).forEach((e, i) => {
    const w = `${where}.supervisors[${i}]`;
    if (!isObject(e)) fail(w, 'should be a supervisor');
    const pidNumber = wholeNumber(e.pid, `${w}.pid`);
    supervisors.set(pidNumber, {
      pid: pidNumber,
      kind: oneOf(e.kind, KINDS, `${w}.kind`),
      strategy: oneOf(e.strategy, STRATEGIES, `${w}.strategy`),
      restarts: finite(e.restarts, `${w}.restarts`),
      maxRestarts: finite(e.maxRestarts, `${w}.maxRestarts`),
      maxSeconds: finite(e.maxSeconds, `${w}.maxSeconds`),
      children: list(e.children, `${w}.children`).map((c, k) => text(c, `${w}.children[${k}]`)),
      state: e.state === null ? null : stateAt(states, e.state, `${w}.state`),
    });
  });
  const slots = new Map<string, ChildSlot>();
  list(json.slots, `${where}.slots`).forEach((s, i) => {
    const w = `${where}.slots[${i}]`;
    if (!isObject(s)) fail(w, 'should be a child slot');
    const key = text(s.key, `${w}.key`);
    slots.set(key, {
      key,
      supervisor: wholeNumber(s.supervisor, `${w}.supervisor`),
      childId: text(s.childId, `${w}.childId`),
      pid: numberOrNull(s.pid, `${w}.pid`),
      status: oneOf(s.status, SLOT_STATUSES, `${w}.status`),
      type: oneOf(s.type, ['worker', 'supervisor'] as const, `${w}.type`),
      restart: oneOf(s.restart, RESTARTS, `${w}.restart`),
      restarts: finite(s.restarts, `${w}.restarts`),
      replacements: finite(s.replacements, `${w}.replacements`),
      restartedAt: numberOrNull(s.restartedAt, `${w}.restartedAt`),
      previousPid: numberOrNull(s.previousPid, `${w}.previousPid`),
      lastLivePid: numberOrNull(s.lastLivePid, `${w}.lastLivePid`),
      exitedAt: numberOrNull(s.exitedAt, `${w}.exitedAt`),
      exitReason: textOrNull(s.exitReason, `${w}.exitReason`),
    });
  });
  return {
    supervisors,
    slots,
    slotOfPid: new Map(pairs(json.slotOfPid, `${where}.slotOfPid`, wholeNumber, text)),
    spawnedAt: new Map(pairs(json.spawnedAt, `${where}.spawnedAt`, wholeNumber, finite)),
    dirty: new Set(
      list(json.dirty, `${where}.dirty`).map((d, k) => wholeNumber(d, `${where}.dirty[${k}]`)),
    ),
    version: finite(json.version, `${where}.version`),
  };
}

function stateId(state: SupervisorState, ids: Map<SupervisorState, number>): number {
  let id = ids.get(state);
  if (id === undefined) ids.set(state, (id = ids.size));
  return id;
}

function stateAt(states: readonly SupervisorState[], value: unknown, where: string) {
  const state = states[wholeNumber(value, where)];
  if (!state) fail(where, 'names no supervisor state in the file');
  return state;
}

function encodeState(state: SupervisorState): Json {
  return {
    kind: state.kind,
    strategy: state.strategy,
    maxRestarts: state.maxRestarts,
    maxSeconds: state.maxSeconds,
    restarts: state.restarts,
    children: state.children.map((child) => ({
      id: encodeTerm(child.id),
      pid: encodeTerm(child.pid),
      type: child.type,
      restart: child.restart,
      restarts: child.restarts,
    })),
  };
}

function decodeState(json: unknown, where: string): SupervisorState {
  if (!isObject(json)) fail(where, 'should be a supervisor state');
  return Object.freeze({
    kind: oneOf(json.kind, KINDS, `${where}.kind`),
    strategy: oneOf(json.strategy, STRATEGIES, `${where}.strategy`),
    maxRestarts: finite(json.maxRestarts, `${where}.maxRestarts`),
    maxSeconds: finite(json.maxSeconds, `${where}.maxSeconds`),
    restarts: finite(json.restarts, `${where}.restarts`),
    children: list(json.children, `${where}.children`).map((c, i) => {
      const w = `${where}.children[${i}]`;
      if (!isObject(c)) fail(w, 'should be a child');
      const childPid = decodeTerm(c.pid, `${w}.pid`);
      if (!(childPid instanceof Pid) && childPid !== 'restarting' && childPid !== 'undefined')
        fail(`${w}.pid`, 'should be a pid, restarting or undefined');
      return {
        id: decodeTerm(c.id, `${w}.id`),
        pid: childPid,
        type: oneOf(c.type, ['worker', 'supervisor'] as const, `${w}.type`),
        restart: oneOf(c.restart, RESTARTS, `${w}.restart`),
        shutdown: 'brutal_kill',
        modules: [],
        restarts: finite(c.restarts, `${w}.restarts`),
      };
    }),
  }) as SupervisorState;
}

function encodeCorrection(c: HistoryCorrection, stateIds: Map<SupervisorState, number>): Json {
  if (c.kind === 'processes')
    return {
      kind: c.kind,
      time: c.snapshot.time,
      processes: c.snapshot.processes.map((p) => ({
        ...p,
        links: [...p.links],
        monitors: p.monitors.map(([r, t]) => [r, t]),
        monitoredBy: p.monitoredBy.map(([r, w]) => [r, w]),
      })),
    };
  return {
    kind: c.kind,
    time: c.snapshot.time,
    supervisors: c.snapshot.supervisors.map((s) => [s.pid, stateId(s.state, stateIds)]),
  };
}

function decodeCorrection(
  json: unknown,
  where: string,
  states: readonly SupervisorState[],
): HistoryCorrection {
  if (!isObject(json)) fail(where, 'should be a correction');
  const time = finite(json.time, `${where}.time`);
  if (json.kind === 'supervisors') {
    const snapshot: SupervisorsSnapshot = {
      time,
      supervisors: pairs(json.supervisors, `${where}.supervisors`, wholeNumber, (v, w) =>
        stateAt(states, v, w),
      ).map(([pidNumber, state]) => ({ pid: pidNumber, state })),
    };
    return { kind: 'supervisors', snapshot };
  }
  if (json.kind !== 'processes') fail(`${where}.kind`, 'should be processes or supervisors');
  const processes = list(json.processes, `${where}.processes`).map((p, i) => {
    const w = `${where}.processes[${i}]`;
    if (!isObject(p)) fail(w, 'should be a process');
    return {
      id: wholeNumber(p.id, `${w}.id`),
      label: text(p.label, `${w}.label`),
      name: textOrNull(p.name, `${w}.name`),
      status: oneOf(p.status, STATUSES, `${w}.status`),
      queueLength: wholeNumber(p.queueLength, `${w}.queueLength`),
      reductions: finite(p.reductions, `${w}.reductions`),
      links: list(p.links, `${w}.links`).map((l, k) => wholeNumber(l, `${w}.links[${k}]`)),
      monitors: pairs(p.monitors, `${w}.monitors`, wholeNumber, wholeNumber),
      monitoredBy: pairs(p.monitoredBy, `${w}.monitoredBy`, wholeNumber, wholeNumber),
      behaviour: textOrNull(p.behaviour, `${w}.behaviour`),
      parent: p.parent === null ? null : wholeNumber(p.parent, `${w}.parent`),
      trapExit: bool(p.trapExit, `${w}.trapExit`),
    };
  });
  const snapshot: ProcessesSnapshot = { time, processes };
  return { kind: 'processes', snapshot };
}

// ------------------------------------------------------------------ the file

/** The history as the text of a JSON file, and how many events it holds. */
export function exportTrace(history: RunHistory): { json: string; events: number } {
  const stateIds = new Map<SupervisorState, number>();
  const entries: Json[] = [];
  let events = 0;
  for (const entry of history.entries()) {
    if (entry.kind === 'checkpoint')
      entries.push({
        checkpoint: {
          table: encodeTable(entry.models.table),
          supervision: encodeSupervision(entry.models.supervision, stateIds),
        },
      });
    else if (entry.kind === 'event') {
      entries.push({ event: encodeEvent(entry.event) });
      events++;
    } else entries.push({ correction: encodeCorrection(entry.correction, stateIds) });
  }
  const timeline = history.timeline();
  const file = {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    first: timeline.first,
    dropped: timeline.dropped,
    skipped: timeline.skipped,
    capacity: history.capacity,
    states: [...stateIds.keys()].map(encodeState),
    entries,
  };
  return { json: JSON.stringify(file), events };
}

export type ImportResult =
  | { readonly ok: true; readonly history: RunHistory }
  | { readonly ok: false; readonly message: string };

const NOT_A_TRACE = 'This file is not an Actorbook trace';

/** Reads an exported trace into a history of its own; never throws. */
export function importTrace(json: string): ImportResult {
  let file: unknown;
  try {
    file = JSON.parse(json);
  } catch {
    return { ok: false, message: `${NOT_A_TRACE}: it is not JSON.` };
  }
  if (!isObject(file) || file.format !== TRACE_FORMAT)
    return { ok: false, message: `${NOT_A_TRACE} (it has no "format": "${TRACE_FORMAT}").` };
  if (file.version !== TRACE_VERSION)
    return {
      ok: false,
      message: `This trace was written in format version ${String(file.version).slice(0, 20)}; this Actorbook reads version ${TRACE_VERSION}.`,
    };
  try {
    const entries = list(file.entries, 'entries');
    if (entries.length > MAX_ENTRIES)
      fail(
        'entries',
        `has ${entries.length.toLocaleString()} items; at most ${MAX_ENTRIES.toLocaleString()} are read`,
      );
    const states = list(file.states, 'states').map((s, i) => decodeState(s, `states[${i}]`));
    const events = entries.filter((e) => isObject(e) && 'event' in e).length;
    const capacity = Math.max(1, events, wholeNumber(file.capacity, 'capacity'));
    let models: HistoryModels | null = null;
    const history = new RunHistory(() => models!, { capacity, source: 'imported' });
    history.setCounts(wholeNumber(file.first, 'first'), wholeNumber(file.dropped, 'dropped'));
    entries.forEach((entry, i) => {
      const where = `entries[${i}]`;
      if (!isObject(entry)) fail(where, 'should be an object');
      if ('checkpoint' in entry) {
        const c = entry.checkpoint;
        if (!isObject(c)) fail(`${where}.checkpoint`, 'should be an object');
        models = {
          table: decodeTable(c.table, `${where}.checkpoint.table`),
          supervision: decodeSupervision(c.supervision, `${where}.checkpoint.supervision`, states),
        };
        history.restart();
        return;
      }
      if (!models) fail(where, 'comes before the first checkpoint');
      if ('event' in entry) {
        const event = decodeEvent(entry.event, `${where}.event`);
        history.recordEvent(event);
        applyHistoryEvent(models, event);
      } else if ('correction' in entry) {
        const correction = decodeCorrection(entry.correction, `${where}.correction`, states);
        applyHistoryCorrection(models, correction);
        history.recordCorrection(correction);
      } else fail(where, 'is neither a checkpoint, an event nor a correction');
    });
    if (history.end === history.first) fail('entries', 'hold no events');
    return { ok: true, history };
  } catch (e) {
    if (e instanceof BadFile)
      return { ok: false, message: `${NOT_A_TRACE} Actorbook can read: ${e.message}.` };
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, message: `${NOT_A_TRACE} Actorbook can read: ${why}.` };
  }
}
