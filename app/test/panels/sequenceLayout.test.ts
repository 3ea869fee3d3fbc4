import { beforeAll, describe, expect, it } from 'vitest';
import type { MessageItem, SequenceItem } from '../../panels/model/sequenceModel';
import type { PlacedItem, SequenceLayout } from '../../panels/ui/sequenceLayout';
import {
  LONG_SPAN,
  MIN_COLUMN_SHARE,
  SEQUENCE_METRICS,
  columnsFor,
  formatTime,
  itemCaption,
  itemDescription,
  itemsInRows,
  layoutSequence,
  rowsInView,
} from '../../panels/ui/sequenceLayout';
import type { SequenceFixture } from './viewScenarios';
import { conversation, pingPong } from './viewScenarios';

let talk: SequenceFixture;
let long: SequenceFixture;

beforeAll(async () => {
  // One runtime at a time: each run owns the current-process context while it runs.
  talk = await conversation();
  long = await pingPong(1000);
});

const placedMessage = (layout: SequenceLayout, test: (m: MessageItem) => boolean) =>
  layout.items.find((p) => p.item.type === 'message' && test(p.item))!;

describe('sequence layout', () => {
  it('gives every send and every receive a row of its own, in seq order', () => {
    const layout = layoutSequence(talk.items, talk.participants);
    const seqs = layout.rows.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const expected = new Set<number>();
    for (const item of talk.items) {
      expected.add(item.seq);
      if (item.type === 'message' && item.receivedSeq !== null) expected.add(item.receivedSeq);
    }
    expect(new Set(seqs)).toEqual(expected);
    expect(layout.nowRow).toBe(layout.rows.length);
    expect(layout.height).toBe(layout.top + (layout.rows.length + 1) * SEQUENCE_METRICS.rowHeight);
  });

  it('draws a received message from its send row down to its receive row', () => {
    const layout = layoutSequence(talk.items, talk.participants);
    const call = placedMessage(layout, (m) => m.label === 'CALL');
    const item = call.item as MessageItem;
    expect(item.state).toBe('received');
    expect(layout.rows[call.startRow]!.seq).toBe(item.seq);
    expect(layout.rows[call.endRow]!.seq).toBe(item.receivedSeq);
    expect(call.endRow).toBeGreaterThan(call.startRow);
    expect(call.y2).toBeGreaterThan(call.y1);
    expect(call.shape).toBe('arrow');
    expect(call.x1).toBe(layout.columns[call.from]!.x);
    expect(call.x2).toBe(layout.columns[call.to]!.x);
    expect(layout.columns[call.to]!.title).toBe('counter');
  });

  it('ends messages still in a mailbox at the now row, below every event', () => {
    const layout = layoutSequence(talk.items, talk.participants);
    const pending = layout.items.filter(
      (p) => p.item.type === 'message' && p.item.state === 'pending',
    );
    expect(pending.length).toBe(3);
    for (const p of pending) {
      expect(p.endRow).toBe(layout.nowRow);
      expect(layout.columns[p.to]!.title).toBe('slowpoke');
    }
  });

  it('ends a lost message at its receiver exit, and stubs a dropped one at its sender', () => {
    const layout = layoutSequence(talk.items, talk.participants);
    const lost = placedMessage(layout, (m) => m.state === 'lost');
    const receiver = (lost.item as MessageItem).to!;
    const exit = layout.items.find((p) => p.item.type === 'exit' && p.item.pid === receiver)!;
    expect(lost.endRow).toBe(exit.startRow);
    expect(exit.shape).toBe('exit');
    const dropped = placedMessage(layout, (m) => m.state === 'dropped');
    expect(dropped.shape).toBe('dropped');
    expect(dropped.from).toBe(dropped.to);
    expect(dropped.x2).toBeGreaterThan(dropped.x1);
    expect(dropped.endRow).toBe(dropped.startRow);
  });

  it('loops a message a process sent itself on its own lifeline', () => {
    const layout = layoutSequence(talk.items, talk.participants);
    const note = placedMessage(layout, (m) => m.text === "'note to self'");
    expect(note.shape).toBe('self');
    expect(note.from).toBe(note.to);
    expect(note.endRow).toBe(note.startRow + 1);
  });

  it('starts a lifeline at its spawn and ends it at its exit', () => {
    const layout = layoutSequence(talk.items, talk.participants);
    const spawn = layout.items.find((p) => p.item.type === 'spawn' && p.item.linked)!;
    const column = layout.columns[spawn.to]!;
    expect(column.spawned).toBe(true);
    expect(column.firstRow).toBe(spawn.startRow);
    expect(column.exited).toBe(true);
    const exit = layout.items.find((p) => p.item.type === 'exit' && p.item.pid === column.id)!;
    expect(column.lastRow).toBe(exit.startRow);
    const slowpoke = layout.columns.find((c) => c.title === 'slowpoke')!;
    expect(slowpoke.lastRow).toBe(layout.nowRow);
  });

  it('keeps the given lifelines in order and adds missing ones titled by name or pid', () => {
    const given = talk.participants.slice(2, 4).reverse();
    const names = new Map([[talk.participants[1]!.id!, 'shell']]);
    const columns = columnsFor(talk.items, given, names);
    expect(columns.slice(0, 2)).toEqual(given);
    expect(columns).toHaveLength(talk.participants.length);
    expect(columns.find((c) => c.id === talk.participants[1]!.id)!.title).toBe('shell');
    expect(columns.find((c) => c.id === null)!.title).toBe('runtime');
    // A dropped message has no receiver lifeline.
    const dropped: SequenceItem = {
      ...(talk.items.find((i) => i.type === 'message')! as MessageItem),
      to: null,
      state: 'dropped',
    };
    expect(columnsFor([dropped]).map((c) => c.id)).toEqual([dropped.from]);
  });

  it('finds exactly the items that touch a range of rows, long arrows included', () => {
    const layout = layoutSequence(long.items, long.participants);
    expect(long.items.length).toBeGreaterThan(1900);
    expect(layout.long.length).toBeGreaterThan(0);
    const brute = (first: number, last: number) =>
      layout.items.filter((p) => p.endRow >= first && p.startRow <= last);
    const seqs = (list: PlacedItem[]) => list.map((p) => p.item.seq);
    for (const [first, last] of [
      [0, 30],
      [500, 540],
      [1500, 1520],
      [layout.nowRow - 20, layout.nowRow],
      [LONG_SPAN + 3, LONG_SPAN + 3],
    ] as const) {
      const found = itemsInRows(layout, first, last);
      expect(seqs(found)).toEqual(seqs(brute(first, last)));
    }
  });

  it('narrows the columns to fit a width, but not below a readable minimum', () => {
    const n = talk.participants.length;
    const wide = layoutSequence(talk.items, talk.participants, SEQUENCE_METRICS, undefined, 5000);
    expect(wide.metrics.columnWidth).toBe(SEQUENCE_METRICS.columnWidth);
    const fitWidth = SEQUENCE_METRICS.gutter + n * 120;
    const fitted = layoutSequence(
      talk.items,
      talk.participants,
      SEQUENCE_METRICS,
      undefined,
      fitWidth,
    );
    expect(fitted.metrics.columnWidth).toBe(120);
    expect(fitted.width).toBeLessThanOrEqual(fitWidth);
    const narrow = layoutSequence(talk.items, talk.participants, SEQUENCE_METRICS, undefined, 300);
    expect(narrow.metrics.columnWidth).toBe(
      Math.round(SEQUENCE_METRICS.columnWidth * MIN_COLUMN_SHARE),
    );
  });

  it('shows the rows of the viewport with some overscan, never past the now row', () => {
    const layout = layoutSequence(long.items, long.participants);
    const h = SEQUENCE_METRICS.rowHeight;
    expect(rowsInView(layout, layout.top + 100 * h, 20 * h, 5)).toEqual([95, 125]);
    expect(rowsInView(layout, 0, 10 * h, 5)[0]).toBe(0);
    expect(rowsInView(layout, layout.height, 20 * h)[1]).toBe(layout.nowRow);
  });
});

describe('sequence texts', () => {
  it('labels items like Kino and describes them in a sentence', () => {
    const call = talk.items.find((i) => i.label === 'CALL')!;
    expect(itemCaption(call)).toBe("CALL 'incr'");
    const spawn = talk.items.find((i) => i.type === 'spawn' && i.linked)!;
    expect(itemCaption(spawn)).toMatch(/^SPAWN \(link\) /);
    const down = talk.items.find((i) => i.label === 'DOWN')!;
    expect(itemCaption(down)).toBe("DOWN 'killed'");
    const pending = talk.items.find((i) => i.type === 'message' && i.state === 'pending')!;
    expect(itemDescription(pending)).toMatch(
      /to #PID<0\.\d+\.0> \(slowpoke\), still in the mailbox$/,
    );
  });

  it('prints clock times short', () => {
    expect(formatTime(0)).toBe('0ms');
    expect(formatTime(12.345)).toBe('12.3ms');
    expect(formatTime(1250)).toBe('1.3s');
    expect(formatTime(125_000)).toBe('2m5s');
  });
});
