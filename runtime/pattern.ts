/**
 * Receive patterns: how `receive(...)` decides which message it takes.
 *
 * Literals match by `===`, arrays by position and length, plain objects by the keys the pattern
 * gives, `_` matches anything and a function anywhere in a pattern is a guard on the value there.
 */
import { ArgumentError } from './errors';
import { _, isPlainObject, Ref } from './terms';

/** A receive pattern (see the module comment); typed loosely because messages are any term. */
export type Pattern = unknown;

/** True when `value` matches `pattern`. */
export function matches(pattern: Pattern, value: unknown): boolean {
  if (pattern === _) return true;
  if (pattern === value) return true;
  if (typeof pattern === 'function') return Boolean((pattern as (v: unknown) => unknown)(value));
  if (typeof pattern !== 'object' || pattern === null) {
    // NaN is the one literal that `===` never matches; a pattern of NaN means "NaN".
    return typeof pattern === 'number' && Number.isNaN(pattern) && Number.isNaN(value);
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(value) || value.length !== pattern.length) return false;
    for (let i = 0; i < pattern.length; i++) {
      if (!matches(pattern[i], value[i])) return false;
    }
    return true;
  }
  if (isPlainObject(pattern)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    for (const key of Object.keys(pattern)) {
      if (!(key in value)) return false;
      if (!matches(pattern[key], (value as Record<string, unknown>)[key])) return false;
    }
    return true;
  }
  if (pattern instanceof Date)
    return value instanceof Date && value.getTime() === pattern.getTime();
  return false;
}

/** A `receive` clause: a pattern and what to do with the message it matched. */
export class OnClause {
  constructor(
    readonly pattern: Pattern,
    readonly handler: (message: never) => unknown,
  ) {}
}

/** The timeout clause of a `receive`. */
export class AfterClause {
  constructor(
    readonly ms: number | 'infinity',
    readonly handler: () => unknown,
  ) {}
}

/** A receive clause: `on(pattern, (msg) => ...)`; the receive returns what the handler returns. */
export function on<M = any, R = unknown>(pattern: Pattern, handler: (message: M) => R): OnClause {
  return new OnClause(pattern, handler as (message: never) => unknown);
}

/**
 * The timeout clause of a receive: if no message matched within `ms`, the receive returns what
 * `handler` returns (`'timeout'` when there is no handler). `after(0, ...)` only looks at the
 * messages already in the mailbox.
 */
export function after<R = 'timeout'>(ms: number | 'infinity', handler?: () => R): AfterClause {
  if (ms !== 'infinity' && !(typeof ms === 'number' && ms >= 0)) {
    throw new ArgumentError(
      `after() needs a non-negative number of ms or 'infinity', got ${String(ms)}`,
    );
  }
  return new AfterClause(ms, handler ?? (() => 'timeout'));
}

/** A receive call normalised: clauses to try in order, an optional timeout, and a scan start. */
export interface ReceiveSpec {
  readonly clauses: readonly OnClause[];
  readonly timeout: AfterClause | null;
  /**
   * Messages with a sequence number below this cannot match (every clause names a ref made
   * after they arrived), so the mailbox scan starts here. 0 when unknown.
   */
  readonly scanFrom: number;
}

/** The handler of a bare pattern: the receive returns the message itself. */
export const takeMessage = (message: unknown): unknown => message;

/** `receive()`: the next message, whatever it is. Shared, since it never changes. */
export const ANY_MESSAGE: ReceiveSpec = {
  clauses: [new OnClause(_, takeMessage)],
  timeout: null,
  scanFrom: 0,
};

/** Turns the arguments of `receive(...)` into a ReceiveSpec; `ownerId` is the receiving pid's id. */
export function receiveSpec(args: readonly unknown[], ownerId: number): ReceiveSpec {
  if (args.length === 0) return ANY_MESSAGE;
  const clauses: OnClause[] = [];
  let timeout: AfterClause | null = null;
  for (const arg of args) {
    if (arg instanceof AfterClause) {
      if (timeout) throw new ArgumentError('receive() takes at most one after() clause');
      timeout = arg;
    } else if (arg instanceof OnClause) {
      clauses.push(arg);
    } else {
      clauses.push(new OnClause(arg, takeMessage));
    }
  }
  return { clauses, timeout, scanFrom: clauses.length > 0 ? scanStart(clauses, ownerId) : 0 };
}

/** The earliest message a set of clauses could match, from refs the receiver made itself. */
function scanStart(clauses: readonly OnClause[], ownerId: number): number {
  let start = Infinity;
  for (const clause of clauses) {
    const ref = ownRefIn(clause.pattern, ownerId);
    if (!ref) return 0;
    start = Math.min(start, ref.mark);
  }
  return start;
}

function ownRefIn(pattern: Pattern, ownerId: number): Ref | null {
  if (pattern instanceof Ref) return pattern.owner === ownerId ? pattern : null;
  if (Array.isArray(pattern)) {
    for (const item of pattern) {
      if (item instanceof Ref && item.owner === ownerId) return item;
    }
  }
  return null;
}

/**
 * Index of the first clause `message` matches, or -1. A guard that throws does not match, as a
 * failing guard on the BEAM (it runs while another process sends, so it must not throw there).
 */
export function matchingClause(spec: ReceiveSpec, message: unknown): number {
  const { clauses } = spec;
  for (let i = 0; i < clauses.length; i++) {
    try {
      if (matches(clauses[i]!.pattern, message)) return i;
    } catch {
      // a throwing guard is a failing guard
    }
  }
  return -1;
}
