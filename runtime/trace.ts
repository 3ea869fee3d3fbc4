/**
 * Trace events: what the panels and sequence diagrams are built from.
 *
 * Every spawn, send, receive, exit, signal, link, monitor, DOWN, name and timer becomes one typed
 * event with a sequence number and a clock time. Events go into a bounded ring buffer and to
 * subscribers. While nobody listens and recording is off, the runtime checks one boolean and
 * builds no event at all, so tracing costs close to nothing when unused.
 */
import type { Pid, Ref } from './terms';

/**
 * How a message is classified for diagrams (behaviours tag their traffic; plain sends are 'send').
 * 'system' is a host's own traffic (a notebook handing a cell to its evaluator): it counts in
 * mailboxes like any message, but diagrams leave it out. 'net' is the simulated network's
 * (`Net`) answers and stream chunks: sent by the host (`from` is null), drawn as NET arrows.
 */
export type MessageKind =
  'send' | 'call' | 'cast' | 'info' | 'reply' | 'timer' | 'io' | 'system' | 'net';

/** One traced event, without its sequence number and time. */
export type TraceEventBody =
  | {
      type: 'spawn';
      pid: Pid;
      parent: Pid | null;
      linked: boolean;
      label: string;
      /** True for an I/O device (a group leader that takes output), not a learner's process. */
      ioDevice: boolean;
    }
  | {
      type: 'send';
      from: Pid | null;
      /** The receiving process; null when the message was dropped because it is dead. */
      to: Pid | null;
      /** The destination as given, when it was a name. */
      name: string | null;
      msg: unknown;
      /** Identifies the message, so its `receive` event can be paired with this send. */
      msgId: number;
      kind: MessageKind;
    }
  | { type: 'receive'; pid: Pid; msg: unknown; msgId: number }
  | { type: 'exit'; pid: Pid; reason: unknown }
  | {
      type: 'exit_signal';
      from: Pid;
      to: Pid;
      reason: unknown;
      /** What the signal did: nothing, became an EXIT message, or made the target exit. */
      outcome: 'ignored' | 'trapped' | 'exited';
    }
  | { type: 'link' | 'unlink'; from: Pid; to: Pid }
  | { type: 'monitor' | 'demonitor'; ref: Ref; watcher: Pid; target: Pid | string }
  | { type: 'down'; ref: Ref; watcher: Pid; target: Pid; reason: unknown }
  | { type: 'register' | 'unregister'; pid: Pid; name: string }
  | { type: 'timer_start'; ref: Ref; owner: Pid | null; at: number }
  | { type: 'timer_cancel' | 'timer_fire'; ref: Ref }
  | { type: 'trap_exit'; pid: Pid; value: boolean };

/** A traced event: its body plus a runtime-wide sequence number and the clock time. */
export type TraceEvent = TraceEventBody & { readonly seq: number; readonly time: number };

/** Receives each event as it happens. */
export type TraceListener = (event: TraceEvent) => void;

/** A fixed-size ring of the most recent events. */
export class TraceBuffer {
  private events: (TraceEvent | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.events = new Array<TraceEvent | undefined>(capacity);
  }

  push(event: TraceEvent): void {
    const end = (this.start + this.count) % this.capacity;
    this.events[end] = event;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** The buffered events, oldest first. */
  toArray(): TraceEvent[] {
    const out: TraceEvent[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.events[(this.start + i) % this.capacity]!);
    return out;
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.events = new Array<TraceEvent | undefined>(this.capacity);
    this.start = 0;
    this.count = 0;
  }
}

/** The trace of one runtime: a ring buffer plus listeners. */
export class Tracer {
  /** True while events are built: someone listens or recording is on. Checked on hot paths. */
  active = false;
  private seq = 0;
  private recording = false;
  private readonly listeners = new Set<TraceListener>();
  readonly buffer: TraceBuffer;

  constructor(
    capacity: number,
    private readonly now: () => number,
  ) {
    this.buffer = new TraceBuffer(capacity);
  }

  /** Records one event (callers check `active` first, to build nothing when tracing is off). */
  emit(body: TraceEventBody): void {
    const event = body as TraceEvent;
    (event as { seq: number }).seq = ++this.seq;
    (event as { time: number }).time = this.now();
    if (this.recording) this.buffer.push(event);
    for (const listener of this.listeners) listener(event);
  }

  /** Calls `listener` for every later event; returns the function that unsubscribes. */
  subscribe(listener: TraceListener): () => void {
    this.listeners.add(listener);
    this.update();
    return () => {
      this.listeners.delete(listener);
      this.update();
    };
  }

  /** Turns keeping events in the ring buffer on or off. */
  record(on: boolean): void {
    this.recording = on;
    this.update();
  }

  /** The recorded events, oldest first. */
  events(): TraceEvent[] {
    return this.buffer.toArray();
  }

  clear(): void {
    this.buffer.clear();
  }

  private update(): void {
    this.active = this.recording || this.listeners.size > 0;
  }
}
