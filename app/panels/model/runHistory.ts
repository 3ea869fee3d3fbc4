/**
 * The run's history, for rewind: every trace event the panels applied, in order, with the
 * corrections (runtime snapshots) applied between them, so the panel models at any past moment
 * can be rebuilt exactly as they were then.
 *
 * Why it is built this way:
 * - The live models (`processTable.ts`, `supervisionTree.ts`) are the result of applying this
 *   history's entries in order. So the history does not model anything itself: it keeps the
 *   entries and, every so often, a checkpoint (a copy of the live models). A moment is rebuilt
 *   from the nearest checkpoint before it by applying the entries between, with the same
 *   functions the live panels use. What the rewound panels show is what they showed then.
 * - Entries are kept by reference (an event is already a fresh object, and a message was copied
 *   once on send); recording one is a push. The cost is the checkpoints: a copy of the models,
 *   O(processes), taken once per chunk; a chunk is at least `checkpointEvery` events and at least
 *   twice the number of rows, so copying costs at most half a row per event.
 * - Memory is bounded by dropping whole chunks from the start: the history keeps at least the
 *   last `capacity` events, and at most `maxSnapshotRows` rows of runtime snapshots (a snapshot of
 *   10,000 processes every second would otherwise outgrow the events). What was dropped is
 *   counted and said.
 * - A chunk starts with its own checkpoint, so a gap (the panels closed for a while, or skipping
 *   ahead when the runtime outran them) is only a chunk boundary.
 */
import type { TraceEvent } from '../../../runtime/index';
import { clip, payloadText, pidText, summaryText } from './describe';
import type { TimelineMark, TimelineUpdate } from './panelMessages';
import { MAX_TIMELINE_MARKS } from './panelMessages';
import type { ProcessDetail, ProcessesSnapshot, ProcessRow, ProcessTable } from './processTable';
import { applyProcessEvent, applyProcessSnapshot, copyRow } from './processTable';
import type { SequenceItem } from './sequenceModel';
import { applySequenceEvent, createSequenceModel, nameParticipants } from './sequenceModel';
import type { ChildSlot, SupervisionModel, SupervisorSnapshot } from './supervisionTree';
import { applySupervisionEvent, applySupervisorSnapshots } from './supervisionTree';

/** The runtime's supervisors at one time, as `snapshotSupervisors` reads them. */
export interface SupervisorsSnapshot {
  readonly time: number;
  readonly supervisors: readonly SupervisorSnapshot[];
}

/** A correction applied to the live models between two events. */
export type HistoryCorrection =
  | { readonly kind: 'processes'; readonly snapshot: ProcessesSnapshot }
  | { readonly kind: 'supervisors'; readonly snapshot: SupervisorsSnapshot };

/** The two models the history rebuilds (the sequence trace is rebuilt from events alone). */
export interface HistoryModels {
  readonly table: ProcessTable;
  readonly supervision: SupervisionModel;
}

/** One stretch of history: a checkpoint, then the entries after it. */
interface Chunk {
  /** Position of the chunk's first event. */
  readonly first: number;
  /** The models just before the first event (copies no one else mutates). */
  readonly checkpoint: HistoryModels;
  readonly events: TraceEvent[];
  /** Corrections, each applied after `events[0..after)`: sorted by `after`. */
  readonly corrections: { readonly after: number; readonly correction: HistoryCorrection }[];
  readonly marks: TimelineMark[];
  /** Rows held by this chunk's process snapshots (for the snapshot bound). */
  snapshotRows: number;
  /** How many events this chunk may take before the next checkpoint. */
  readonly size: number;
}

export interface RunHistoryOptions {
  /** Events always kept (default 100,000). */
  readonly capacity?: number;
  /** Fewest events between checkpoints (default 2000). */
  readonly checkpointEvery?: number;
  /** Most process-snapshot rows kept (default 250,000). */
  readonly maxSnapshotRows?: number;
  readonly source?: TimelineUpdate['source'];
}

export const DEFAULT_HISTORY_CAPACITY = 100_000;

/** Later sequence items a frame carries after its moment (the page dims them). */
export const FRAME_LATER_ITEMS = 200;

/** Events before a moment replayed to rebuild the sequence trace up to it. */
const SEQUENCE_LOOKBACK = 5000;

/** Sequence items a frame carries up to its moment. */
const FRAME_ITEMS = 800;

/** Messages a rewound mailbox shows. */
const DETAIL_MESSAGES = 200;

/** The models at one past moment. */
export interface HistoryMoment extends HistoryModels {
  readonly index: number;
  readonly event: TraceEvent;
}

function isNormalExit(reason: unknown): boolean {
  return (
    reason === 'normal' ||
    reason === 'shutdown' ||
    (Array.isArray(reason) && reason.length === 2 && reason[0] === 'shutdown')
  );
}

// ------------------------------------------------------------------ copies of the models

/** A deep copy of a process table (its pending change sets start empty). */
export function copyTable(table: ProcessTable): ProcessTable {
  const rows = new Map<number, ProcessRow>();
  for (const [id, row] of table.rows) rows.set(id, copyRow(row));
  return {
    rows,
    names: new Map(table.names),
    changed: new Set(),
    removed: new Set(),
    version: table.version,
  };
}

/**
 * A deep copy of a supervision model. Published supervisor states are frozen objects, shared by
 * reference: the model compares them by identity to skip unchanged supervisors.
 */
export function copySupervision(model: SupervisionModel): SupervisionModel {
  const supervisors = new Map();
  for (const [pid, entry] of model.supervisors)
    supervisors.set(pid, { ...entry, children: [...entry.children] });
  const slots = new Map<string, ChildSlot>();
  for (const [key, slot] of model.slots) slots.set(key, { ...slot });
  return {
    supervisors,
    slots,
    slotOfPid: new Map(model.slotOfPid),
    spawnedAt: new Map(model.spawnedAt),
    dirty: new Set(model.dirty),
    version: model.version,
  };
}

function copyModels(models: HistoryModels): HistoryModels {
  return { table: copyTable(models.table), supervision: copySupervision(models.supervision) };
}

/** Applies one recorded event to models: what the live panels do with it. */
export function applyHistoryEvent(models: HistoryModels, event: TraceEvent): void {
  applyProcessEvent(models.table, event);
  applySupervisionEvent(models.supervision, event);
}

/** Applies one recorded correction to models. */
export function applyHistoryCorrection(models: HistoryModels, correction: HistoryCorrection) {
  if (correction.kind === 'processes') applyProcessSnapshot(models.table, correction.snapshot);
  else applySupervisorSnapshots(models.supervision, correction.snapshot);
}

// ------------------------------------------------------------------ the history

/**
 * The history of one runtime's panels. The feed calls `recordEvent` just before it applies an
 * event to its live models and `recordCorrection` with each snapshot it applies; `models` reads
 * the live models, for checkpoints.
 */
export class RunHistory {
  private keep: number;
  readonly source: TimelineUpdate['source'];
  private readonly checkpointEvery: number;
  private readonly maxSnapshotRows: number;
  private chunks: Chunk[] = [];
  /** Position the next event gets. */
  private next = 0;
  private dropped = 0;
  private skipped = 0;
  /** Trace number of the last recorded event (a jump means events the panels never saw). */
  private lastSeq = 0;
  private snapshotRows = 0;
  /** Start a new chunk at the next event (the live models were replaced). */
  private restartPending = true;
  private version = 0;
  /** The moment rebuilt last, reused when the next one is later in the same chunk. */
  private cached: { chunk: Chunk; done: number; applied: number; models: HistoryModels } | null =
    null;

  constructor(
    private readonly models: () => HistoryModels,
    options: RunHistoryOptions = {},
  ) {
    this.keep = options.capacity ?? DEFAULT_HISTORY_CAPACITY;
    this.checkpointEvery = Math.max(1, options.checkpointEvery ?? 2000);
    this.maxSnapshotRows = options.maxSnapshotRows ?? 250_000;
    this.source = options.source ?? 'live';
  }

  /** Events always kept. */
  get capacity(): number {
    return this.keep;
  }

  /** Changes how many events are kept; a smaller history drops its oldest chunks at once. */
  setCapacity(capacity: number): void {
    this.keep = Math.max(1, Math.floor(capacity));
    this.version++;
    this.trim();
  }

  /** Grows whenever what the timeline shows changes. */
  get changes(): number {
    return this.version;
  }

  /** Positions kept: `first` to `end - 1`. */
  get first(): number {
    return this.chunks[0]?.first ?? this.next;
  }

  get end(): number {
    return this.next;
  }

  /** Records `event`; call it before the event is applied to the live models. */
  recordEvent(event: TraceEvent): void {
    if (this.lastSeq !== 0 && event.seq > this.lastSeq + 1)
      this.skipped += event.seq - this.lastSeq - 1;
    this.lastSeq = event.seq;
    let chunk = this.chunks.at(-1);
    if (!chunk || this.restartPending || chunk.events.length >= chunk.size) chunk = this.newChunk();
    const mark = this.markFor(event);
    if (mark) chunk.marks.push(mark);
    chunk.events.push(event);
    this.next++;
    this.version++;
    this.trim();
  }

  /** Records a correction; call it when the live models get it (after the events before it). */
  recordCorrection(correction: HistoryCorrection): void {
    const chunk = this.chunks.at(-1);
    // Before the first event a correction is part of the first checkpoint already.
    if (!chunk || this.restartPending) return;
    chunk.corrections.push({ after: chunk.events.length, correction });
    if (correction.kind === 'processes') {
      chunk.snapshotRows += correction.snapshot.processes.length;
      this.snapshotRows += correction.snapshot.processes.length;
      this.trim();
    }
  }

  /** The live models were replaced (the panels started over): the next event starts a chunk. */
  restart(): void {
    this.restartPending = true;
  }

  /** Forgets everything kept; positions go on counting. */
  clear(): void {
    for (const chunk of this.chunks) this.dropped += chunk.events.length;
    this.chunks = [];
    this.snapshotRows = 0;
    this.cached = null;
    this.restartPending = true;
    this.version++;
  }

  /** The timeline's view of the history. */
  timeline(): TimelineUpdate {
    const firstChunk = this.chunks[0];
    const lastChunk = this.chunks.at(-1);
    const marks: TimelineMark[] = [];
    for (let i = this.chunks.length - 1; i >= 0 && marks.length < MAX_TIMELINE_MARKS; i--) {
      const chunkMarks = this.chunks[i]!.marks;
      for (let j = chunkMarks.length - 1; j >= 0 && marks.length < MAX_TIMELINE_MARKS; j--)
        marks.push(chunkMarks[j]!);
    }
    marks.reverse();
    return {
      source: this.source,
      first: this.first,
      end: this.end,
      firstTime: firstChunk?.events[0]?.time ?? 0,
      endTime: lastChunk?.events.at(-1)?.time ?? 0,
      dropped: this.dropped,
      skipped: this.skipped,
      capacity: this.capacity,
      marks,
    };
  }

  /** The event at a kept position, or null. */
  eventAt(index: number): TraceEvent | null {
    const chunk = this.chunkOf(index);
    return chunk ? chunk.events[index - chunk.first]! : null;
  }

  /** Clamps `index` into the kept positions; null when nothing is kept. */
  clamp(index: number): number | null {
    if (this.end === this.first) return null;
    return Math.min(this.end - 1, Math.max(this.first, Math.floor(index)));
  }

  /**
   * The models just after the event at `index` (and the corrections before the next one).
   * The result is the history's own copy: read it, do not keep it past the next call.
   */
  momentAt(index: number): HistoryMoment | null {
    const at = this.clamp(index);
    if (at === null) return null;
    const chunk = this.chunkOf(at)!;
    const done = at - chunk.first + 1;
    let cached = this.cached;
    if (!cached || cached.chunk !== chunk || cached.done > done) {
      cached = { chunk, done: 0, applied: 0, models: copyModels(chunk.checkpoint) };
      this.cached = cached;
    }
    const { models } = cached;
    const corrections = chunk.corrections;
    // A correction recorded between two events belongs to the moment of the first of them.
    for (let e = cached.done; e < done; e++) {
      while (cached.applied < corrections.length && corrections[cached.applied]!.after <= e)
        applyHistoryCorrection(models, corrections[cached.applied++]!.correction);
      applyHistoryEvent(models, chunk.events[e]!);
    }
    cached.done = done;
    while (cached.applied < corrections.length && corrections[cached.applied]!.after <= done)
      applyHistoryCorrection(models, corrections[cached.applied++]!.correction);
    return { index: at, event: chunk.events[done - 1]!, ...models };
  }

  /**
   * The sequence trace at `index`: items up to its event as they stood then (the newest
   * `FRAME_ITEMS`), then up to `FRAME_LATER_ITEMS` later items as they were first drawn.
   */
  sequenceAt(
    index: number,
    names: Iterable<[number, string]>,
  ): { items: SequenceItem[]; names: [number, string][] } {
    const at = this.clamp(index);
    if (at === null) return { items: [], names: [] };
    const model = createSequenceModel(FRAME_ITEMS);
    nameParticipants(model, names);
    let i = Math.max(this.first, at - SEQUENCE_LOOKBACK);
    for (; i <= at; i++) applySequenceEvent(model, this.eventAt(i)!);
    const items: SequenceItem[] = model.items.slice(-FRAME_ITEMS).map((item) => ({ ...item }));
    const atSeq = this.eventAt(at)!.seq;
    // Each event adds at most one item; later items are the newest, so trimming never drops them.
    let later = 0;
    for (; i < this.end && later < FRAME_LATER_ITEMS && i - at <= SEQUENCE_LOOKBACK; i++) {
      const lastBefore = model.items.at(-1);
      applySequenceEvent(model, this.eventAt(i)!);
      if (model.items.at(-1) !== lastBefore) later++;
    }
    for (const item of model.items) if (item.seq > atSeq) items.push({ ...item });
    return { items, names: [...model.names] };
  }

  /** The mailbox of `pid` just after the event at `index`, from the messages in the history. */
  detailAt(index: number, pid: number, row: ProcessRow | undefined): ProcessDetail | null {
    const at = this.clamp(index);
    if (at === null || !row) return null;
    // Messages to the process not yet received, oldest first; a flush (msgId -1) takes the oldest.
    const pending = new Map<number, unknown>();
    for (let i = this.first; i <= at; i++) {
      const e = this.eventAt(i)!;
      if (e.type === 'send' && e.to !== null && e.to.id === pid) pending.set(e.msgId, e.msg);
      else if (e.type === 'receive' && e.pid.id === pid) {
        if (e.msgId >= 0) pending.delete(e.msgId);
        else {
          const oldest = pending.keys().next();
          if (!oldest.done) pending.delete(oldest.value);
        }
      } else if (e.type === 'spawn' && e.pid.id === pid) pending.clear();
    }
    const messages: string[] = [];
    for (const msg of pending.values()) {
      if (messages.length >= DETAIL_MESSAGES) break;
      messages.push(payloadText(msg));
    }
    const queueLength = Math.max(row.queueLength, pending.size);
    return {
      id: pid,
      pid: row.pid,
      name: row.name,
      label: row.label,
      status: row.status,
      behaviour: row.behaviour,
      queueLength,
      messages,
      omitted: queueLength - messages.length,
      waitingFor: null,
    };
  }

  /** Every chunk's checkpoint and entries, oldest first (for export). */
  *entries(): Generator<
    | { kind: 'checkpoint'; models: HistoryModels }
    | { kind: 'event'; event: TraceEvent }
    | { kind: 'correction'; correction: HistoryCorrection }
  > {
    for (const chunk of this.chunks) {
      yield { kind: 'checkpoint', models: chunk.checkpoint };
      let c = 0;
      for (let e = 0; e <= chunk.events.length; e++) {
        while (c < chunk.corrections.length && chunk.corrections[c]!.after <= e)
          yield { kind: 'correction', correction: chunk.corrections[c++]!.correction };
        if (e < chunk.events.length) yield { kind: 'event', event: chunk.events[e]! };
      }
    }
  }

  /**
   * Sets where an imported trace starts: its first position and the events dropped before it.
   * (Skipped events it counts again as it replays, from the gaps in the trace numbers.)
   */
  setCounts(first: number, dropped: number): void {
    if (this.chunks.length > 0) throw new Error('setCounts comes before the first event');
    this.next = first;
    this.dropped = dropped;
  }

  private newChunk(): Chunk {
    const models = this.models();
    const rows = models.table.rows.size + models.supervision.slots.size;
    const chunk: Chunk = {
      first: this.next,
      checkpoint: copyModels(models),
      events: [],
      corrections: [],
      marks: [],
      snapshotRows: 0,
      size: Math.max(this.checkpointEvery, 2 * rows),
    };
    this.chunks.push(chunk);
    this.restartPending = false;
    return chunk;
  }

  private chunkOf(index: number): Chunk | null {
    if (index < this.first || index >= this.end) return null;
    // Chunks are few (capacity / chunk size): a binary search keeps seeks O(log chunks).
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.chunks[mid]!.first <= index) lo = mid;
      else hi = mid - 1;
    }
    const chunk = this.chunks[lo]!;
    return index < chunk.first + chunk.events.length ? chunk : null;
  }

  /** Drops whole chunks from the start while the rest still holds `capacity` events. */
  private trim(): void {
    while (this.chunks.length > 1) {
      const oldest = this.chunks[0]!;
      const eventsAfter = this.end - this.chunks[1]!.first;
      const overEvents = eventsAfter >= this.keep;
      const overRows = this.snapshotRows > this.maxSnapshotRows;
      if (!overEvents && !overRows) return;
      this.chunks.shift();
      this.dropped += oldest.events.length;
      this.snapshotRows -= oldest.snapshotRows;
      if (this.cached?.chunk === oldest) this.cached = null;
      this.version++;
    }
  }

  /** A timeline mark for a crash, a supervisor's restart or a supervised exit; else null. */
  private markFor(event: TraceEvent): TimelineMark | null {
    // Most events are sends and receives: they never mark, so they cost no model lookup.
    if (event.type !== 'exit' && event.type !== 'spawn') return null;
    const { table, supervision } = this.models();
    if (event.type === 'exit') {
      const pid = event.pid.id;
      const row = table.rows.get(pid);
      const who = whoText(pid, row);
      if (!isNormalExit(event.reason))
        return {
          index: this.next,
          kind: 'crash',
          pid,
          time: event.time,
          text: clip(`${who} crashed: ${summaryText(event.reason)}`, 160),
        };
      if (supervision.slotOfPid.has(pid) || supervision.supervisors.has(pid))
        return {
          index: this.next,
          kind: 'exit',
          pid,
          time: event.time,
          text: clip(`${who} exited: ${summaryText(event.reason)}`, 160),
        };
      return null;
    }
    if (event.type === 'spawn' && event.parent) {
      const entry = supervision.supervisors.get(event.parent.id);
      if (!entry) return null;
      const restarting = entry.children.some((key) => {
        const status = supervision.slots.get(key)?.status;
        return status === 'exited' || status === 'restarting';
      });
      if (!restarting) return null;
      return {
        index: this.next,
        kind: 'restart',
        pid: event.pid.id,
        time: event.time,
        text: clip(
          `${whoText(event.parent.id, table.rows.get(event.parent.id))} restarted a child as ${pidText(event.pid.id)}`,
          160,
        ),
      };
    }
    return null;
  }
}

function whoText(pid: number, row: ProcessRow | undefined): string {
  const name = row?.name ? ` (${row.name})` : '';
  return `${pidText(pid)}${name}`;
}

/** One line for an event, as the timeline prints the moment it shows. */
export function describeEvent(e: TraceEvent): string {
  const p = (pid: { id: number } | null) => (pid ? pidText(pid.id) : 'the host');
  switch (e.type) {
    case 'spawn':
      return `${p(e.parent)} spawned ${p(e.pid)}${e.linked ? ' (linked)' : ''}: ${clip(e.label, 60)}`;
    case 'send':
      return e.to
        ? `${p(e.from)} sent ${p(e.to)}${e.name ? ` (${e.name})` : ''}: ${summaryText(e.msg)}`
        : `${p(e.from)} sent to a dead process${e.name ? ` (${e.name})` : ''}: ${summaryText(e.msg)}`;
    case 'receive':
      return `${p(e.pid)} received ${e.msgId < 0 ? 'a flushed message' : summaryText(e.msg)}`;
    case 'exit':
      return `${p(e.pid)} exited: ${summaryText(e.reason)}`;
    case 'exit_signal':
      return `exit signal ${p(e.from)} → ${p(e.to)}: ${summaryText(e.reason)} (${e.outcome})`;
    case 'link':
    case 'unlink':
      return `${p(e.from)} ${e.type}ed ${p(e.to)}`;
    case 'monitor':
    case 'demonitor':
      return `${p(e.watcher)} ${e.type === 'monitor' ? 'monitors' : 'stopped monitoring'} ${typeof e.target === 'string' ? e.target : p(e.target)}`;
    case 'down':
      return `DOWN to ${p(e.watcher)}: ${p(e.target)} ${summaryText(e.reason)}`;
    case 'register':
      return `${p(e.pid)} registered as ${e.name}`;
    case 'unregister':
      return `${p(e.pid)} unregistered ${e.name}`;
    case 'timer_start':
      return `${p(e.owner)} started a timer`;
    case 'timer_cancel':
      return 'a timer was cancelled';
    case 'timer_fire':
      return 'a timer fired';
    case 'trap_exit':
      return `${p(e.pid)} ${e.value ? 'traps' : 'stopped trapping'} exits`;
  }
}
