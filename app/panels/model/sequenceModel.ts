/**
 * The model of the sequence trace: messages between processes as arrows from the moment they
 * are sent to the moment they are received, plus spawns, exits and exit signals, in trace order.
 *
 * A send opens an arrow and a receive with the same `msgId` closes it, so a message still in a
 * mailbox is an arrow that stays pending. Items are built once per event, as plain data (texts,
 * pid numbers), and kept in a bounded window: the oldest fall out when there are more than
 * `capacity`. The model is mutable (a per-event copy of thousands of items would be quadratic),
 * and it remembers which items changed so `takeSequenceChanges` can send the page only those.
 */
import type { MessageKind, TraceEvent } from '../../../runtime/index';
import { Pid, Ref, isIoDevice } from '../../../runtime/index';
import { clip, payloadText, pidText, summaryText } from './describe';

/** The tag on an arrow, as Kino's sequence traces label them. */
export type SequenceLabel =
  'CALL' | 'CAST' | 'INFO' | 'REPLY' | 'TIMER' | 'IO' | 'SPAWN' | 'EXIT' | 'DOWN' | 'NET';

/**
 * Where a message is: in the receiver's mailbox ('pending'), taken by a receive ('received'),
 * sent to a dead process ('dropped'), or still queued when its receiver exited ('lost').
 */
export type MessageState = 'pending' | 'received' | 'dropped' | 'lost';

/** A message: an arrow from its send to its receive. */
export interface MessageItem {
  readonly type: 'message';
  /** Trace sequence number and clock time of the send. */
  readonly seq: number;
  readonly time: number;
  readonly msgId: number;
  /** Sender's pid number, null when the host sent it. */
  readonly from: number | null;
  /** Receiver's pid number, null when the message was dropped. */
  readonly to: number | null;
  /** The registered name it was sent to, if it was sent to a name. */
  readonly toName: string | null;
  readonly label: SequenceLabel;
  readonly kind: MessageKind;
  /** Short text for the arrow: the request of a call, the value of a reply, the reason of a DOWN. */
  readonly text: string;
  /** The whole message, printed, for hover. */
  readonly payload: string;
  state: MessageState;
  receivedSeq: number | null;
  receivedTime: number | null;
}

/** A process started another. */
export interface SpawnItem {
  readonly type: 'spawn';
  readonly seq: number;
  readonly time: number;
  readonly label: 'SPAWN';
  /** The parent, null when the host started it. */
  readonly from: number | null;
  readonly to: number;
  readonly linked: boolean;
  /** What it was started with (`initial_call`). */
  readonly text: string;
}

/** A process exited. */
export interface ExitItem {
  readonly type: 'exit';
  readonly seq: number;
  readonly time: number;
  readonly label: 'EXIT';
  readonly pid: number;
  /** The exit reason, short. */
  readonly text: string;
  readonly payload: string;
}

/**
 * An exit signal that did not become a message: it made the target exit, or was ignored. (A
 * trapped signal becomes an `['EXIT', from, reason]` message, which is a MessageItem.)
 */
export interface SignalItem {
  readonly type: 'signal';
  readonly seq: number;
  readonly time: number;
  readonly label: 'EXIT';
  readonly from: number;
  readonly to: number;
  readonly outcome: 'ignored' | 'exited';
  readonly text: string;
  readonly payload: string;
}

/** One row of the sequence trace. */
export type SequenceItem = MessageItem | SpawnItem | ExitItem | SignalItem;

/** The trace window and what is needed to pair receives with sends. */
export interface SequenceModel {
  /** Items in trace order, oldest first; at most `capacity` after each event. */
  items: SequenceItem[];
  readonly capacity: number;
  /** Pending messages by msgId. */
  readonly pending: Map<number, MessageItem>;
  /** Pending messages by receiver, oldest first (for flushes and exits). */
  readonly pendingTo: Map<number, Set<MessageItem>>;
  /** The last name each pid was registered under (kept after it exits, for labels). */
  readonly names: Map<number, string>;
  /** Items whose state changed since the last `takeSequenceChanges`, by seq. */
  readonly updated: Set<MessageItem>;
  /** I/O devices seen spawning: they and the output sent to them are not drawn. */
  readonly devices: Set<number>;
  /** Items with a larger seq are new since the last `takeSequenceChanges`. */
  sentUpTo: number;
  version: number;
}

/** Default number of items kept. */
export const DEFAULT_SEQUENCE_CAPACITY = 2000;

/** An empty trace window keeping the newest `capacity` items. */
export function createSequenceModel(capacity = DEFAULT_SEQUENCE_CAPACITY): SequenceModel {
  return {
    items: [],
    capacity,
    pending: new Map(),
    pendingTo: new Map(),
    names: new Map(),
    updated: new Set(),
    devices: new Set(),
    sentUpTo: 0,
    version: 0,
  };
}

function isDown(msg: unknown): msg is ['DOWN', Ref, 'process', unknown, unknown] {
  return Array.isArray(msg) && msg.length === 5 && msg[0] === 'DOWN' && msg[1] instanceof Ref;
}

function isExit(msg: unknown): msg is ['EXIT', Pid, unknown] {
  return Array.isArray(msg) && msg.length === 3 && msg[0] === 'EXIT' && msg[1] instanceof Pid;
}

const KIND_LABELS: Record<MessageKind, SequenceLabel> = {
  send: 'INFO',
  info: 'INFO',
  call: 'CALL',
  cast: 'CAST',
  reply: 'REPLY',
  timer: 'TIMER',
  io: 'IO',
  system: 'INFO',
  net: 'NET',
};

/** The label of a message and the part of it worth showing on the arrow (envelopes peeled off). */
export function classifyMessage(
  msg: unknown,
  kind: MessageKind,
): { label: SequenceLabel; shown: unknown } {
  if (isDown(msg)) return { label: 'DOWN', shown: msg[4] };
  if (isExit(msg)) return { label: 'EXIT', shown: msg[2] };
  const label = KIND_LABELS[kind];
  if (Array.isArray(msg)) {
    // ['$gen_call', from, request], ['$system', from, request], ['$gen_cast', request],
    // a reply [tag, value], a start acknowledgement ['$ack', tag, result].
    if (kind === 'call' && msg.length === 3 && typeof msg[0] === 'string' && msg[0][0] === '$')
      return { label, shown: msg[2] };
    if (kind === 'cast' && msg.length === 2 && msg[0] === '$gen_cast')
      return { label, shown: msg[1] };
    if (kind === 'reply' && msg.length === 2 && msg[0] instanceof Ref)
      return { label, shown: msg[1] };
    if (kind === 'reply' && msg.length === 3 && msg[0] === '$ack') return { label, shown: msg[2] };
    // Net's answer to a get, ['$net', ref, result]: the result; a stream chunk: its size.
    if (kind === 'net' && msg.length === 3 && msg[1] instanceof Ref) {
      if (msg[0] === '$net') return { label, shown: msg[2] };
      if (msg[0] === 'chunk' && typeof msg[2] === 'string')
        return { label, shown: ['chunk', `${msg[2].length} bytes`] };
    }
  }
  return { label, shown: msg };
}

function push(model: SequenceModel, item: SequenceItem): void {
  model.items.push(item);
  model.version++;
  // Trim in batches, so dropping old items costs O(1) per event on average.
  if (model.items.length > model.capacity + (model.capacity >> 2)) trim(model);
}

function trim(model: SequenceModel): void {
  const drop = model.items.length - model.capacity;
  if (drop <= 0) return;
  for (let i = 0; i < drop; i++) {
    const item = model.items[i]!;
    if (item.type === 'message') {
      model.updated.delete(item);
      if (item.state === 'pending') forgetPending(model, item);
    }
  }
  model.items = model.items.slice(drop);
}

function forgetPending(model: SequenceModel, item: MessageItem): void {
  model.pending.delete(item.msgId);
  if (item.to === null) return;
  const queue = model.pendingTo.get(item.to);
  queue?.delete(item);
  if (queue?.size === 0) model.pendingTo.delete(item.to);
}

function settle(model: SequenceModel, item: MessageItem, state: MessageState, e: TraceEvent) {
  forgetPending(model, item);
  item.state = state;
  if (state === 'received') {
    item.receivedSeq = e.seq;
    item.receivedTime = e.time;
  }
  model.updated.add(item);
  model.version++;
}

/** Adds one trace event to the window: O(1) amortised (an exit is O(its pending messages)). */
export function applySequenceEvent(model: SequenceModel, e: TraceEvent): void {
  switch (e.type) {
    case 'send': {
      // Output to a group leader and a host's own traffic are plumbing, not conversation.
      if (e.kind === 'io' || e.kind === 'system') return;
      if (e.to && (model.devices.has(e.to.id) || isIoDevice(e.to))) return;
      const { label, shown } = classifyMessage(e.msg, e.kind);
      const item: MessageItem = {
        type: 'message',
        seq: e.seq,
        time: e.time,
        msgId: e.msgId,
        from: e.from ? e.from.id : null,
        to: e.to ? e.to.id : null,
        toName: e.name,
        label,
        kind: e.kind,
        text: summaryText(shown),
        payload: payloadText(e.msg),
        state: e.to ? 'pending' : 'dropped',
        receivedSeq: null,
        receivedTime: null,
      };
      push(model, item);
      if (item.to !== null) {
        model.pending.set(item.msgId, item);
        let queue = model.pendingTo.get(item.to);
        if (!queue) model.pendingTo.set(item.to, (queue = new Set()));
        queue.add(item);
      }
      return;
    }
    case 'receive': {
      // A flush reports each message it empties with msgId -1: those are the oldest pending.
      const item =
        e.msgId >= 0
          ? model.pending.get(e.msgId)
          : model.pendingTo.get(e.pid.id)?.values().next().value;
      if (item) settle(model, item, 'received', e);
      return;
    }
    case 'spawn':
      if (e.ioDevice) {
        model.devices.add(e.pid.id);
        return;
      }
      push(model, {
        type: 'spawn',
        seq: e.seq,
        time: e.time,
        label: 'SPAWN',
        from: e.parent ? e.parent.id : null,
        to: e.pid.id,
        linked: e.linked,
        text: clip(e.label, 60),
      });
      return;
    case 'exit': {
      if (model.devices.delete(e.pid.id)) return;
      const queue = model.pendingTo.get(e.pid.id);
      if (queue) for (const item of [...queue]) settle(model, item, 'lost', e);
      push(model, {
        type: 'exit',
        seq: e.seq,
        time: e.time,
        label: 'EXIT',
        pid: e.pid.id,
        text: summaryText(e.reason),
        payload: payloadText(e.reason),
      });
      return;
    }
    case 'exit_signal':
      if (e.outcome === 'trapped') return; // the EXIT message that follows is the arrow
      push(model, {
        type: 'signal',
        seq: e.seq,
        time: e.time,
        label: 'EXIT',
        from: e.from.id,
        to: e.to.id,
        outcome: e.outcome,
        text: summaryText(e.reason),
        payload: payloadText(e.reason),
      });
      return;
    case 'register':
      model.names.set(e.pid.id, e.name);
      return;
    default:
      // 'down' is followed by its DOWN message, which is the arrow; links, monitors and timers
      // are not drawn in the sequence.
      return;
  }
}

/** Adds events in order. */
export function applySequenceEvents(model: SequenceModel, events: Iterable<TraceEvent>): void {
  for (const e of events) applySequenceEvent(model, e);
}

/** Sets names known from elsewhere (a process snapshot) for processes registered before tracing. */
export function nameParticipants(model: SequenceModel, names: Iterable<[number, string]>): void {
  for (const [id, name] of names) if (!model.names.has(id)) model.names.set(id, name);
}

// ------------------------------------------------------------------ compact updates

/** What changed since the last call: new items, items whose state changed, the oldest kept seq. */
export interface SequenceChanges {
  readonly version: number;
  readonly added: readonly SequenceItem[];
  readonly updated: readonly MessageItem[];
  /** Items older than this seq are gone from the window. */
  readonly firstSeq: number;
  readonly names: readonly (readonly [number, string])[];
}

/** The new and updated items since the last call (copies, ready for `postMessage`). */
export function takeSequenceChanges(model: SequenceModel): SequenceChanges {
  trim(model);
  const added: SequenceItem[] = [];
  for (let i = model.items.length - 1; i >= 0; i--) {
    const item = model.items[i]!;
    if (item.seq <= model.sentUpTo) break;
    added.push({ ...item });
  }
  added.reverse();
  const updated: MessageItem[] = [];
  for (const item of model.updated) if (item.seq <= model.sentUpTo) updated.push({ ...item });
  model.updated.clear();
  model.sentUpTo = model.items.at(-1)?.seq ?? model.sentUpTo;
  return {
    version: model.version,
    added,
    updated,
    firstSeq: model.items[0]?.seq ?? model.sentUpTo + 1,
    names: [...model.names],
  };
}

/** Applies a change set (the page's copy of the model, which does not pair events itself). */
export function applySequenceChanges(model: SequenceModel, changes: SequenceChanges): void {
  let start = 0;
  while (start < model.items.length && model.items[start]!.seq < changes.firstSeq) start++;
  if (start > 0) model.items = model.items.slice(start);
  if (changes.updated.length > 0) {
    const bySeq = new Map(changes.updated.map((item) => [item.seq, item]));
    model.items = model.items.map((item) => bySeq.get(item.seq) ?? item);
  }
  for (const item of changes.added) model.items.push(item);
  for (const [id, name] of changes.names) model.names.set(id, name);
  model.version = changes.version;
  model.sentUpTo = model.items.at(-1)?.seq ?? model.sentUpTo;
}

// ------------------------------------------------------------------ the visible window

/** Which part of the trace to show. */
export interface SequenceView {
  /** Only items touching these pids (numbers); all when absent. */
  pids?: Iterable<number>;
  /** 'either' (default): an item shows if one end is chosen; 'both': only between chosen pids. */
  match?: 'either' | 'both';
  /** Seq range, inclusive. */
  from?: number;
  to?: number;
  /** At most this many of the newest items that pass the other conditions. */
  last?: number;
  /** Only these labels. */
  labels?: readonly SequenceLabel[];
}

/** The pid numbers an item touches (null for the host). */
export function endpoints(item: SequenceItem): [number | null, number | null] {
  return item.type === 'exit' ? [item.pid, item.pid] : [item.from, item.to];
}

/** The items `view` selects, oldest first. */
export function visibleItems(model: SequenceModel, view: SequenceView = {}): SequenceItem[] {
  const pids = view.pids ? new Set(view.pids) : null;
  const both = view.match === 'both';
  const from = view.from ?? -Infinity;
  const to = view.to ?? Infinity;
  const labels = view.labels ? new Set(view.labels) : null;
  const out: SequenceItem[] = [];
  for (const item of model.items) {
    if (item.seq < from || item.seq > to) continue;
    if (labels && !labels.has(item.label)) continue;
    if (pids) {
      const [a, b] = endpoints(item);
      const inA = a !== null && pids.has(a);
      const inB = b !== null && pids.has(b);
      if (both ? !(inA && (inB || b === null)) : !(inA || inB)) continue;
    }
    out.push(item);
  }
  return view.last !== undefined ? out.slice(Math.max(0, out.length - view.last)) : out;
}

/** A lifeline of the diagram: a process (by number) or the host (null). */
export interface Participant {
  readonly id: number | null;
  /** Registered name, else the printed pid ('runtime' for the host). */
  readonly title: string;
}

/** The lifelines `items` touch, in order of first appearance. */
export function participantsOf(model: SequenceModel, items: readonly SequenceItem[]) {
  const seen = new Map<number | null, Participant>();
  for (const item of items) {
    for (const id of endpoints(item)) {
      if (item.type === 'message' && item.state === 'dropped' && id === item.to) continue;
      if (!seen.has(id)) seen.set(id, { id, title: titleOf(model, id) });
    }
  }
  return [...seen.values()];
}

function titleOf(model: SequenceModel, id: number | null): string {
  if (id === null) return 'runtime';
  return model.names.get(id) ?? pidText(id);
}

// ------------------------------------------------------------------ mermaid export

/**
 * Makes text safe inside a mermaid line: characters the sequence grammar reads (`#` comments
 * and entities, `;` statement ends, `%%` comments, line breaks) and HTML (`<`, `>`, `&`, `"`) are
 * written as mermaid entity codes, which mermaid turns back into the characters when it draws.
 */
export function escapeMermaid(text: string): string {
  return text
    .replace(/[#;%<>&"]/g, (c) => `#${c.charCodeAt(0)};`)
    .replace(/[\r\n\t]+/g, ' ')
    .trim();
}

function actorId(id: number | null): string {
  return id === null ? 'RT' : `P${id}`;
}

/** One mermaid statement per item. */
function mermaidLine(item: SequenceItem): string {
  switch (item.type) {
    case 'message': {
      const from = actorId(item.from);
      const text = escapeMermaid(`${item.label}: ${item.text}`);
      if (item.state === 'dropped') {
        const target = item.toName ? ` ${item.toName}` : '';
        return `Note right of ${from}: ${text} (dropped: sent to a dead process${escapeMermaid(target)})`;
      }
      const to = actorId(item.to);
      if (item.state === 'pending') return `${from}-)${to}: ${text} (pending)`;
      if (item.state === 'lost') return `${from}-x${to}: ${text} (never received)`;
      const dotted = item.label === 'REPLY' || item.label === 'DOWN' || item.label === 'EXIT';
      return `${from}${dotted ? '-->>' : '->>'}${to}: ${text}`;
    }
    case 'spawn':
      return `${actorId(item.from)}->>${actorId(item.to)}: ${escapeMermaid(
        `SPAWN${item.linked ? ' (linked)' : ''}: ${item.text}`,
      )}`;
    case 'exit':
      return `Note over ${actorId(item.pid)}: ${escapeMermaid(`EXIT: ${item.text}`)}`;
    case 'signal':
      return `${actorId(item.from)}${item.outcome === 'ignored' ? '--x' : '-x'}${actorId(
        item.to,
      )}: ${escapeMermaid(`EXIT: ${item.text}${item.outcome === 'ignored' ? ' (ignored)' : ''}`)}`;
  }
}

/**
 * The visible window as a mermaid `sequenceDiagram`: participants named by registered name or
 * pid, one arrow per message (solid when received, open and marked pending while in a mailbox,
 * crossed when its receiver died first), SPAWN arrows, EXIT notes and signals, DOWN messages.
 */
export function toMermaid(model: SequenceModel, view: SequenceView = {}): string {
  const items = visibleItems(model, view);
  const lines = ['sequenceDiagram'];
  for (const p of participantsOf(model, items)) {
    lines.push(`  participant ${actorId(p.id)} as ${escapeMermaid(p.title)}`);
  }
  for (const item of items) lines.push(`  ${mermaidLine(item)}`);
  return `${lines.join('\n')}\n`;
}
