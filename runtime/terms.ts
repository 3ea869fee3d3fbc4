/**
 * The opaque terms of the runtime: process identifiers and references.
 *
 * A Pid keeps a direct pointer to its process while the process lives, so sending to a pid is
 * a field read rather than a table lookup; the pointer is cleared when the process dies, which
 * both frees the process for the garbage collector and makes `Process.alive` a null check.
 */

/** Internal view of a live process that a Pid points at; defined by process.ts. */
export interface PidTarget {
  readonly pid: Pid;
  /** Where an I/O device's output goes; null for every other process. */
  readonly ioSink: unknown;
}

/** Whether `pid` is a live I/O device (a group leader that takes output), not a process of code. */
export function isIoDevice(pid: Pid | null): boolean {
  return pid !== null && pid.proc !== null && pid.proc.ioSink !== null;
}

/** A process identifier, printed like the BEAM's `#PID<0.83.0>`. */
export class Pid {
  /** @internal the live process, or null once it has exited */
  proc: PidTarget | null = null;
  constructor(
    /** The number in the middle of `#PID<0.N.0>`; unique within one runtime. */
    readonly id: number,
    /** @internal which runtime the pid belongs to, to refuse pids from another runtime */
    readonly runtimeId: number,
  ) {}
  toString(): string {
    return `#PID<0.${this.id}.0>`;
  }
}

/**
 * A term known only by how it printed: what a trace read back from a file holds where the run
 * had a function or a class instance. `inspect` prints it as that text.
 */
export class PrintedTerm {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** A unique reference, printed like `#Reference<0.0.0.12>`. */
export class Ref {
  constructor(
    /** Unique within one runtime. */
    readonly id: number,
    /**
     * @internal the message sequence number when the ref was made: a message that names this ref
     * cannot have arrived before it, so a receive for it starts scanning there.
     */
    readonly mark: number,
    /** @internal the pid id of the process that made it (the mark is only valid for it) */
    readonly owner: number,
  ) {}
  toString(): string {
    return `#Reference<0.0.0.${this.id}>`;
  }
}

/** The wildcard of receive patterns: matches any value in any position. */
export const _: unique symbol = Symbol.for('actorbook._');
/** Type of the wildcard `_`. */
export type Wildcard = typeof _;

/** True for objects made by `{}` or `Object.create(null)`; the only objects patterns match by key. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Whether `value` is a behaviour module made by `define` (GenServer, Supervisor, ...). */
export function isModule(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && Object.hasOwn(value, '__behaviour');
}
