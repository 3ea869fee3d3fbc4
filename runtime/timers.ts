/**
 * The one timer structure of a runtime: a binary min-heap ordered by due time, then by creation
 * order so that timers due at the same moment fire in the order they were set (which keeps virtual
 * time deterministic). Each timer knows its heap slot, so cancelling — which happens on almost
 * every `GenServer.call`, whose timeout rarely fires — is O(log n) and leaves no garbage behind.
 */

/** One pending timer. */
export interface Timer {
  /** Clock time at which it fires. */
  readonly at: number;
  /** Tie-breaker: creation order. */
  readonly seq: number;
  /** What to do when it fires. */
  readonly fire: () => void;
  /** @internal slot in the heap, -1 once fired or cancelled */
  index: number;
}

export class TimerHeap {
  private heap: Timer[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Adds a timer due at clock time `at`. */
  add(at: number, fire: () => void): Timer {
    const timer: Timer = { at, seq: this.nextSeq++, fire, index: this.heap.length };
    this.heap.push(timer);
    this.up(timer.index);
    return timer;
  }

  /** Removes a pending timer; returns false if it already fired or was cancelled. */
  cancel(timer: Timer): boolean {
    const i = timer.index;
    if (i < 0) return false;
    timer.index = -1;
    const last = this.heap.pop()!;
    if (i < this.heap.length) {
      this.heap[i] = last;
      last.index = i;
      this.down(i);
      this.up(last.index);
    }
    return true;
  }

  /** The earliest pending timer, if any. */
  peek(): Timer | undefined {
    return this.heap[0];
  }

  /** Removes and returns the earliest timer if it is due at `now`. */
  popDue(now: number): Timer | undefined {
    const top = this.heap[0];
    if (!top || top.at > now) return undefined;
    this.cancel(top);
    return top;
  }

  clear(): void {
    for (const timer of this.heap) timer.index = -1;
    this.heap = [];
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private up(i: number): void {
    const heap = this.heap;
    const timer = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(timer, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      heap[i]!.index = i;
      i = parent;
    }
    heap[i] = timer;
    timer.index = i;
  }

  private down(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const timer = heap[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.less(heap[right]!, heap[left]!) ? right : left;
      if (!this.less(heap[child]!, timer)) break;
      heap[i] = heap[child]!;
      heap[i]!.index = i;
      i = child;
    }
    heap[i] = timer;
    timer.index = i;
  }
}
