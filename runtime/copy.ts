/**
 * Message copying. A process owns its data: what it sends is copied, so mutating an object after
 * sending it never changes what the receiver sees, exactly as on the BEAM. Like the BEAM, a copy
 * does not keep sharing: a subterm referenced twice arrives as two separate copies.
 *
 * Hand-written rather than structuredClone: most messages are small arrays of strings, numbers
 * and pids, and pids, refs and functions must travel as they are (structuredClone rejects
 * functions and would clone pids into useless plain objects).
 */
import { ArgumentError } from './errors';
import { isModule, isPlainObject } from './terms';

const MAX_DEPTH = 10_000;

/** Copies a message term: arrays, plain objects, Map, Set and Date deeply; all else as it is. */
export function copyMessage<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  try {
    return copyObject(value, 0) as T;
  } catch (e) {
    // The stack may run out before MAX_DEPTH on a small worker stack: same diagnosis.
    if (e instanceof RangeError) throw new ArgumentError(TOO_DEEP);
    throw e;
  }
}

const TOO_DEEP = 'message is nested too deeply to copy (is it cyclic?)';

function copyTerm(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return copyObject(value, depth);
}

function copyObject(value: object, depth: number): unknown {
  if (depth > MAX_DEPTH) {
    throw new ArgumentError(TOO_DEEP);
  }
  const next = depth + 1;
  if (Array.isArray(value)) {
    const n = value.length;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = copyTerm(value[i], next);
    return out;
  }
  if (isPlainObject(value)) {
    // A behaviour module is code, like a function, and names itself the way an atom does in
    // OTP: it travels as it is, so `id === Stack` still holds after a reply.
    if (isModule(value)) return value;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = copyTerm(value[key], next);
    return out;
  }
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const [k, v] of value) out.set(copyTerm(k, next), copyTerm(v, next));
    return out;
  }
  if (value instanceof Set) {
    const out = new Set<unknown>();
    for (const v of value) out.add(copyTerm(v, next));
    return out;
  }
  if (value instanceof Date) return new Date(value.getTime());
  // Pids, refs, errors and class instances travel by reference.
  return value;
}
