import { describe, expect, it } from 'vitest';
import { Mailbox } from '../mailbox';
import { RunQueue } from '../runQueue';
import { TimerHeap } from '../timers';

describe('Mailbox', () => {
  it('keeps arrival order through removals from the front and the middle', () => {
    const box = new Mailbox();
    for (let i = 0; i < 3000; i++) box.push(i, i + 1);
    for (let i = 0; i < 2000; i++) expect(box.removeAt(0)).toBe(i);
    expect(box.removeAt(5)).toBe(2005);
    expect(box.length).toBe(999);
    expect(box.toArray().slice(0, 6)).toEqual([2000, 2001, 2002, 2003, 2004, 2006]);
  });

  it('finds the first message at or after a sequence number', () => {
    const box = new Mailbox();
    for (const seq of [3, 7, 9, 20]) box.push(`m${seq}`, seq);
    expect(box.indexFromSeq(8)).toBe(2);
    expect(box.indexFromSeq(21)).toBe(4);
    expect(box.indexFromSeq(0)).toBe(0);
  });
});

describe('RunQueue', () => {
  it('is first in, first out across growth', () => {
    const q = new RunQueue<number>();
    for (let i = 0; i < 100; i++) q.push(i);
    for (let i = 0; i < 50; i++) expect(q.shift()).toBe(i);
    for (let i = 100; i < 300; i++) q.push(i);
    const rest: number[] = [];
    for (let x = q.shift(); x !== undefined; x = q.shift()) rest.push(x);
    expect(rest).toEqual(Array.from({ length: 250 }, (_v, i) => i + 50));
  });
});

describe('TimerHeap', () => {
  it('pops due timers by time, then creation order, and cancels from the middle', () => {
    const heap = new TimerHeap();
    const fired: string[] = [];
    const timers = [30, 10, 20, 10, 5].map((at, i) => heap.add(at, () => fired.push(`${at}:${i}`)));
    expect(heap.cancel(timers[2]!)).toBe(true);
    expect(heap.cancel(timers[2]!)).toBe(false);
    for (let t = heap.popDue(100); t; t = heap.popDue(100)) t.fire();
    expect(fired).toEqual(['5:4', '10:1', '10:3', '30:0']);
    expect(heap.size).toBe(0);
  });
});
