/**
 * Where each item of the sequence trace goes: pure and framework-free, unit-tested in Node and
 * shared by the live panel and the cell output.
 *
 * Time runs down. Every trace event the window shows (a send, a receive, a spawn, an exit, a
 * signal) gets a row of its own, in seq order, so a message is an arrow from its send row to its
 * receive row and everything that happened in between sits between its two ends. A message still
 * in a mailbox ends at the "now" row below the last event; a message whose receiver died with it
 * queued ends at the receiver's exit. Each participant is a column with a lifeline that starts at
 * its spawn and ends at its exit when the window shows them.
 *
 * The view draws only the rows on screen: `itemsInRows` finds the items that touch a range of
 * rows in O(log n + shown), using a short list of the few arrows that span many rows.
 */
import type { Participant, SequenceItem } from '../model/sequenceModel';

/** Sizes of the drawing, in CSS pixels. */
export interface SequenceMetrics {
  rowHeight: number;
  columnWidth: number;
  /** Width of the time column on the left. */
  gutter: number;
}

/** Sizes for the live panel. */
export const SEQUENCE_METRICS: SequenceMetrics = { rowHeight: 30, columnWidth: 168, gutter: 64 };

/** Sizes for a cell output. */
export const COMPACT_SEQUENCE_METRICS: SequenceMetrics = {
  rowHeight: 24,
  columnWidth: 140,
  gutter: 52,
};

/** `metrics` grown by `scale` (the page's type scale), for larger text. */
export function scaleSequenceMetrics(metrics: SequenceMetrics, scale: number): SequenceMetrics {
  if (scale === 1) return metrics;
  return {
    rowHeight: Math.round(metrics.rowHeight * scale),
    columnWidth: Math.round(metrics.columnWidth * scale),
    gutter: Math.round(metrics.gutter * scale),
  };
}

/** A lifeline. */
export interface SequenceColumn {
  readonly id: number | null;
  readonly title: string;
  /** Centre of the lifeline. */
  readonly x: number;
  /** Rows the lifeline spans: from its spawn (or the top) to its exit (or the now row). */
  readonly firstRow: number;
  readonly lastRow: number;
  readonly spawned: boolean;
  readonly exited: boolean;
}

/** How an item is drawn. */
export type ItemShape =
  /** From one lifeline to another (a message, a spawn, an exit signal). */
  | 'arrow'
  /** A message a process sent itself: a loop on its lifeline. */
  | 'self'
  /** A message sent to a dead process: a stub from the sender ending in a cross. */
  | 'dropped'
  /** An exit: a cross on the lifeline. */
  | 'exit';

/** An item with its place. */
export interface PlacedItem {
  readonly item: SequenceItem;
  readonly shape: ItemShape;
  /** Column indexes of the two ends (equal for 'self', 'dropped' and 'exit'). */
  readonly from: number;
  readonly to: number;
  readonly startRow: number;
  readonly endRow: number;
  /** Pixel ends: (x1, y1) where it starts, (x2, y2) where it ends. */
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/** One row: the trace event it shows. */
export interface SequenceRow {
  readonly seq: number;
  readonly time: number;
}

/** The whole drawing. */
export interface SequenceLayout {
  readonly columns: readonly SequenceColumn[];
  readonly rows: readonly SequenceRow[];
  /** In seq order (so by start row). */
  readonly items: readonly PlacedItem[];
  /** The row below the last event where pending messages end: `rows.length`. */
  readonly nowRow: number;
  /** Space above the first row, for the labels over its arrows. */
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly metrics: SequenceMetrics;
  /** Items spanning more than `LONG_SPAN` rows, for `itemsInRows`. */
  readonly long: readonly PlacedItem[];
}

/** Arrows longer than this many rows are kept aside so a range lookup can find them quickly. */
export const LONG_SPAN = 48;

/** A pid's printed form, as the runtime prints it. */
export function pidLabel(id: number): string {
  return `#PID<0.${id}.0>`;
}

/** The two ends of an item (the pid itself twice for an exit; null is the host). */
function ends(item: SequenceItem): [number | null, number | null] {
  return item.type === 'exit' ? [item.pid, item.pid] : [item.from, item.to];
}

/**
 * The lifelines for `items`: those of `given` first, in its order, then any other process the
 * items touch, in order of first appearance, titled by `names` or by pid.
 */
export function columnsFor(
  items: readonly SequenceItem[],
  given: readonly Participant[] = [],
  names: ReadonlyMap<number, string> = new Map(),
): Participant[] {
  const seen = new Map<number | null, Participant>();
  for (const p of given) if (!seen.has(p.id)) seen.set(p.id, p);
  for (const item of items) {
    for (const id of ends(item)) {
      if (item.type === 'message' && item.state === 'dropped' && id === item.to) continue;
      if (seen.has(id)) continue;
      seen.set(id, {
        id,
        title: id === null ? 'runtime' : (names.get(id) ?? pidLabel(id)),
      });
    }
  }
  return [...seen.values()];
}

/** Columns never get narrower than this share of the metrics' column width to fit a width. */
export const MIN_COLUMN_SHARE = 0.62;

/**
 * Lays out `items` (oldest first, as `visibleItems` returns them) on `participants`' lifelines.
 * With `fitWidth`, columns narrow (down to `MIN_COLUMN_SHARE` of their width) so that all the
 * lifelines fit that many pixels; beyond that the drawing scrolls sideways.
 */
export function layoutSequence(
  items: readonly SequenceItem[],
  participants: readonly Participant[] = [],
  metrics: SequenceMetrics = SEQUENCE_METRICS,
  names?: ReadonlyMap<number, string>,
  fitWidth?: number,
): SequenceLayout {
  const people = columnsFor(items, participants, names);
  if (fitWidth !== undefined && people.length > 0) {
    const fits = Math.floor((fitWidth - metrics.gutter) / people.length);
    const min = Math.round(metrics.columnWidth * MIN_COLUMN_SHARE);
    metrics = { ...metrics, columnWidth: Math.max(min, Math.min(metrics.columnWidth, fits)) };
  }
  const colOf = new Map<number | null, number>();
  people.forEach((p, i) => colOf.set(p.id, i));

  // Rows: every seq the items show, sends and receives together, in order.
  const seqs: number[] = [];
  const times = new Map<number, number>();
  for (const item of items) {
    seqs.push(item.seq);
    times.set(item.seq, item.time);
    if (item.type === 'message' && item.state === 'received' && item.receivedSeq !== null) {
      seqs.push(item.receivedSeq);
      times.set(item.receivedSeq, item.receivedTime ?? item.time);
    }
  }
  seqs.sort((a, b) => a - b);
  const rows: SequenceRow[] = [];
  const rowOf = new Map<number, number>();
  for (const seq of seqs) {
    if (rowOf.has(seq)) continue;
    rowOf.set(seq, rows.length);
    rows.push({ seq, time: times.get(seq)! });
  }
  const nowRow = rows.length;

  // Lifelines start at a spawn and end at an exit when the window shows them.
  const spawnRow = new Map<number, number>();
  const exitRow = new Map<number, number>();
  for (const item of items) {
    if (item.type === 'spawn' && !spawnRow.has(item.to))
      spawnRow.set(item.to, rowOf.get(item.seq)!);
    if (item.type === 'exit') exitRow.set(item.pid, rowOf.get(item.seq)!);
  }

  const { rowHeight, columnWidth, gutter } = metrics;
  const xOf = (col: number) => gutter + col * columnWidth + columnWidth / 2;
  const top = Math.round(rowHeight * 0.6);
  const yOf = (row: number) => top + row * rowHeight + rowHeight / 2;
  const columns: SequenceColumn[] = people.map((p, i) => ({
    id: p.id,
    title: p.title,
    x: xOf(i),
    firstRow: p.id !== null ? (spawnRow.get(p.id) ?? 0) : 0,
    lastRow: p.id !== null ? (exitRow.get(p.id) ?? nowRow) : nowRow,
    spawned: p.id !== null && spawnRow.has(p.id),
    exited: p.id !== null && exitRow.has(p.id),
  }));

  const placed: PlacedItem[] = [];
  const long: PlacedItem[] = [];
  for (const item of items) {
    const startRow = rowOf.get(item.seq)!;
    const [a, b] = ends(item);
    const from = colOf.get(a)!;
    let shape: ItemShape = 'arrow';
    let to = from;
    let endRow = startRow;
    if (item.type === 'exit') shape = 'exit';
    else if (item.type === 'message' && (item.state === 'dropped' || b === null)) shape = 'dropped';
    else {
      to = colOf.get(b)!;
      if (to === from) shape = 'self';
      if (item.type === 'message') {
        if (item.state === 'received' && item.receivedSeq !== null)
          endRow = rowOf.get(item.receivedSeq) ?? nowRow;
        else if (item.state === 'pending') endRow = nowRow;
        else if (item.state === 'lost') {
          const exit = exitRow.get(b!);
          endRow = exit !== undefined && exit > startRow ? exit : startRow;
        }
      }
    }
    const x1 = xOf(from);
    const x2 = shape === 'dropped' ? x1 + columnWidth * 0.45 : shape === 'self' ? x1 : xOf(to);
    const entry: PlacedItem = {
      item,
      shape,
      from,
      to,
      startRow,
      endRow,
      x1,
      y1: yOf(startRow),
      x2,
      y2: yOf(endRow),
    };
    placed.push(entry);
    if (endRow - startRow > LONG_SPAN) long.push(entry);
  }

  return {
    columns,
    rows,
    items: placed,
    nowRow,
    width: gutter + Math.max(1, people.length) * columnWidth,
    height: top + (nowRow + 1) * rowHeight,
    top,
    metrics,
    long,
  };
}

/** The rows a viewport shows: `[first, last]`, with `overscan` rows more on each side. */
export function rowsInView(
  layout: SequenceLayout,
  scrollTop: number,
  viewportHeight: number,
  overscan = 8,
): [number, number] {
  const h = layout.metrics.rowHeight;
  const y = scrollTop - layout.top;
  const first = Math.max(0, Math.floor(y / h) - overscan);
  const last = Math.min(layout.nowRow, Math.ceil((y + viewportHeight) / h) + overscan);
  return [first, last];
}

/** The items that touch rows `first` to `last`, in seq order. */
export function itemsInRows(layout: SequenceLayout, first: number, last: number): PlacedItem[] {
  const items = layout.items;
  // The first item that starts at or after `first - LONG_SPAN`: anything earlier is either
  // over before `first` or is one of the long items.
  let lo = 0;
  let hi = items.length;
  const from = first - LONG_SPAN;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid]!.startRow < from) lo = mid + 1;
    else hi = mid;
  }
  const out: PlacedItem[] = [];
  const seen = new Set<PlacedItem>();
  for (const entry of layout.long) {
    if (entry.startRow < from && entry.endRow >= first && entry.startRow <= last) {
      out.push(entry);
      seen.add(entry);
    }
  }
  for (let i = lo; i < items.length; i++) {
    const entry = items[i]!;
    if (entry.startRow > last) break;
    if (entry.endRow >= first && !seen.has(entry)) out.push(entry);
  }
  return out.sort((x, y) => x.item.seq - y.item.seq);
}

// ------------------------------------------------------------------ texts

/** A clock time, short: 850ms, 12.5s. */
export function formatTime(ms: number): string {
  if (ms < 1000) return `${Math.round(ms * 10) / 10}ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10}s`;
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

/** The short text drawn on an item: its label and what it carries. */
export function itemCaption(item: SequenceItem): string {
  switch (item.type) {
    case 'message':
      return `${item.label} ${item.text}`;
    case 'spawn':
      return `SPAWN${item.linked ? ' (link)' : ''} ${item.text}`;
    case 'exit':
      return `EXIT ${item.text}`;
    case 'signal':
      return `EXIT ${item.text}${item.outcome === 'ignored' ? ' (ignored)' : ''}`;
  }
}

/** A sentence for an item: who, to whom, in what state. */
export function itemDescription(item: SequenceItem): string {
  const who = (id: number | null) => (id === null ? 'the runtime' : pidLabel(id));
  switch (item.type) {
    case 'message': {
      const to = item.to !== null ? who(item.to) : (item.toName ?? 'nobody');
      const state = {
        pending: 'still in the mailbox',
        received: 'received',
        dropped: 'dropped: sent to a dead process',
        lost: 'lost: its receiver exited first',
      }[item.state];
      return `${item.label} from ${who(item.from)} to ${to}${item.toName && item.to !== null ? ` (${item.toName})` : ''}, ${state}`;
    }
    case 'spawn':
      return `${who(item.from)} spawned ${who(item.to)}${item.linked ? ', linked' : ''}: ${item.text}`;
    case 'exit':
      return `${who(item.pid)} exited: ${item.text}`;
    case 'signal':
      return `exit signal from ${who(item.from)} to ${who(item.to)}, ${
        item.outcome === 'ignored' ? 'ignored' : 'which made it exit'
      }: ${item.text}`;
  }
}
