/**
 * A process's mailbox: messages in arrival order, each with a runtime-wide sequence number.
 *
 * Two parallel arrays and a head index instead of a linked list: appending and taking the oldest
 * message allocate nothing, and selective receive (taking from the middle) is rare enough that a
 * splice is cheaper overall. Sequence numbers are increasing, so a receive that can only match
 * recent messages finds its starting point by binary search.
 */
export class Mailbox {
  private messages: unknown[] = [];
  private seqs: number[] = [];
  private head = 0;

  get length(): number {
    return this.messages.length - this.head;
  }

  push(message: unknown, seq: number): void {
    this.messages.push(message);
    this.seqs.push(seq);
  }

  /** Message at position `i` (0 = oldest). */
  at(i: number): unknown {
    return this.messages[this.head + i];
  }

  /** Sequence number of the message at position `i`. */
  seqAt(i: number): number {
    return this.seqs[this.head + i]!;
  }

  /** Position of the first message with sequence number >= `seq`. */
  indexFromSeq(seq: number): number {
    if (seq <= 0) return 0;
    let lo = this.head;
    let hi = this.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid]! < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.head;
  }

  /** Removes and returns the message at position `i`. */
  removeAt(i: number): unknown {
    const index = this.head + i;
    const message = this.messages[index];
    if (i === 0) {
      this.messages[index] = undefined;
      this.head++;
      if (this.head === this.messages.length) this.clear();
      else if (this.head >= 1024 && this.head * 2 >= this.messages.length) this.compact();
    } else {
      this.messages.splice(index, 1);
      this.seqs.splice(index, 1);
    }
    return message;
  }

  /** The queued messages, oldest first (a new array). */
  toArray(): unknown[] {
    return this.messages.slice(this.head);
  }

  /** Empties the mailbox and returns what was in it. */
  drain(): unknown[] {
    const all = this.toArray();
    this.clear();
    return all;
  }

  clear(): void {
    this.messages = [];
    this.seqs = [];
    this.head = 0;
  }

  /** Drops the space taken by already-consumed messages (used by hibernation, too). */
  compact(): void {
    this.messages = this.messages.slice(this.head);
    this.seqs = this.seqs.slice(this.head);
    this.head = 0;
  }
}
