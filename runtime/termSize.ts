/**
 * Term sizes in machine words, the way the BEAM counts them with `:erts_debug.flat_size/1`
 * (every subterm counted each time it is reached) and `:erts_debug.size/1` (a subterm reached
 * twice through the same object counted once). A word is 8 bytes, as on a 64-bit BEAM.
 *
 * Like `erts_debug`, the word that holds the term itself is not counted: an immediate (a small
 * integer, an atom, a local pid) is 0 words. How JavaScript values map onto BEAM terms:
 *
 * | JavaScript value                                   | BEAM term                | words                     |
 * | -------------------------------------------------- | ------------------------ | ------------------------- |
 * | `undefined`, `null`, booleans, symbols, modules    | atoms                    | 0                         |
 * | safe integers (`Number.isSafeInteger`)             | small integers           | 0                         |
 * | other numbers (`1.5`, `NaN`, `Infinity`)           | floats (boxed)           | 2                         |
 * | bigints                                            | small or big integers    | 0, or 1 + 64-bit digits   |
 * | `Pid`                                              | local pid (immediate)    | 0                         |
 * | `Ref`                                              | local reference          | 3                         |
 * | strings up to 64 UTF-8 bytes                       | heap binaries            | 2 + bytes / 8 (rounded up) |
 * | longer strings                                     | off-heap (refc) binaries | 6 (the bytes live apart)  |
 * | arrays (the runtime's tuples)                      | tuples                   | 1 + n + elements          |
 * | plain objects, Maps, class instances (own fields)  | maps (32 keys or fewer)  | 4 + 2n + keys and values  |
 * |                                                    | larger maps (hash tries) | about 3 words a pair more |
 * | Sets                                               | maps of member => `[]`   | as a map                  |
 * | Dates                                              | a boxed 64-bit number    | 2                         |
 * | typed arrays, ArrayBuffers                         | binaries of their bytes  | as a binary               |
 * | functions                                          | funs                     | 8 (captures unseen)       |
 *
 * Honest limits: a JavaScript string has no identity, so two equal strings are never seen as
 * shared; a closure's captured variables cannot be seen, so a fun counts only its own words; a
 * hash trie is an estimate. A JavaScript array is counted as a tuple, since the runtime uses
 * arrays as tuples (`['ok', value]`); a list of n elements would take 2n words on the BEAM.
 *
 * Sizes are computed when asked (by `Term.size`, `Process.info(pid, 'memory')` or a panel),
 * never while sending: sending is the hot path.
 */
import { ArgumentError } from './errors';
import { Pid, Ref, isModule } from './terms';

/** Bytes in a word of the modelled BEAM (64-bit). */
export const WORD_BYTES = 8;

/** The largest binary kept on the process heap; a longer one is a reference to shared bytes. */
const HEAP_BINARY_LIMIT = 64;
/** Words of a reference to an off-heap binary (the BEAM's ProcBin). */
const REFC_BINARY_WORDS = 6;
/** A flatmap's header, size and keys-tuple pointer. */
const FLATMAP_HEADER = 3;
/** The most keys a flatmap holds before the BEAM switches to a hash trie. */
const FLATMAP_LIMIT = 32;
const FLOAT_WORDS = 2;
const REF_WORDS = 3;
const FUN_WORDS = 8;
const MAX_DEPTH = 10_000;

const CYCLIC = 'the term refers to itself (a cycle): it has no flat size, and cannot be sent';

function utf8Bytes(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function binaryWords(bytes: number): number {
  return bytes <= HEAP_BINARY_LIMIT ? 2 + Math.ceil(bytes / WORD_BYTES) : REFC_BINARY_WORDS;
}

function stringWords(s: string): number {
  // UTF-8 never takes fewer bytes than UTF-16 code units: a long string needs no byte count.
  return s.length > HEAP_BINARY_LIMIT ? REFC_BINARY_WORDS : binaryWords(utf8Bytes(s));
}

const SMALL_MAX = 2n ** 59n - 1n;
const SMALL_MIN = -(2n ** 59n);

function bigintWords(n: bigint): number {
  if (n >= SMALL_MIN && n <= SMALL_MAX) return 0;
  let digits = 0;
  for (let m = n < 0n ? -n : n; m > 0n; m >>= 64n) digits++;
  return 1 + digits;
}

/** Words of a map's own structure with `n` pairs, not counting its keys' and values' contents. */
function mapWords(n: number): number {
  // Header, size, keys pointer, n values, and the keys tuple (1 + n).
  if (n <= FLATMAP_LIMIT) return FLATMAP_HEADER + n + 1 + n;
  // A hash trie: a cons cell per pair plus its nodes, estimated at one more word a pair.
  return 2 + 3 * n + 2 * Math.ceil(n / 16);
}

/** Words of the term's leaf (everything but what it contains), and walks what it contains. */
function sizeOf(
  value: unknown,
  seen: Set<object> | null,
  path: Set<object>,
  depth: number,
): number {
  switch (typeof value) {
    case 'undefined':
    case 'boolean':
    case 'symbol':
      return 0;
    case 'number':
      return Number.isSafeInteger(value) ? 0 : FLOAT_WORDS;
    case 'bigint':
      return bigintWords(value);
    case 'string':
      return stringWords(value);
    case 'function':
      if (seen) {
        if (seen.has(value)) return 0;
        seen.add(value);
      }
      return FUN_WORDS;
  }
  if (value === null) return 0;
  const obj = value as object;
  if (obj instanceof Pid) return 0;
  if (isModule(obj)) return 0;
  if (seen) {
    if (seen.has(obj)) return 0;
    seen.add(obj);
  } else if (path.has(obj)) {
    throw new ArgumentError(CYCLIC);
  }
  if (obj instanceof Ref) return REF_WORDS;
  if (obj instanceof Date) return FLOAT_WORDS;
  if (obj instanceof ArrayBuffer) return binaryWords(obj.byteLength);
  if (ArrayBuffer.isView(obj)) return binaryWords(obj.byteLength);
  if (depth > MAX_DEPTH) throw new ArgumentError('the term is nested too deeply to size');
  const next = depth + 1;
  path.add(obj);
  let words: number;
  if (Array.isArray(obj)) {
    words = 1 + obj.length;
    for (const item of obj as unknown[]) words += sizeOf(item, seen, path, next);
  } else if (obj instanceof Map) {
    words = mapWords(obj.size);
    for (const [k, v] of obj) words += sizeOf(k, seen, path, next) + sizeOf(v, seen, path, next);
  } else if (obj instanceof Set) {
    words = mapWords(obj.size);
    for (const v of obj) words += sizeOf(v, seen, path, next);
  } else {
    const record = obj as Record<string, unknown>;
    const keys = Object.keys(record);
    words = mapWords(keys.length);
    // Keys are atoms (as in `%{name: ...}`): 0 words each.
    for (const key of keys) words += sizeOf(record[key], seen, path, next);
  }
  path.delete(obj);
  return words;
}

/**
 * Words `term` takes with every subterm counted each time it is reached, like
 * `:erts_debug.flat_size/1`: what it takes once copied into a message, since a copy keeps no
 * sharing. Throws an ArgumentError on a cyclic term (which cannot be sent either).
 */
export function flatSize(term: unknown): number {
  try {
    return sizeOf(term, null, new Set(), 0);
  } catch (e) {
    if (e instanceof RangeError) throw new ArgumentError('the term is nested too deeply to size');
    throw e;
  }
}

/**
 * Words `term` takes with sharing kept, like `:erts_debug.size/1`: an object reached twice is
 * counted once. Never more than `flatSize`; equal to it once the term has been sent.
 */
export function size(term: unknown): number {
  try {
    return sizeOf(term, new Set(), new Set(), 0);
  } catch (e) {
    if (e instanceof RangeError) throw new ArgumentError('the term is nested too deeply to size');
    throw e;
  }
}

/**
 * Term sizes in 64-bit machine words, as the BEAM counts them: `Term.size(x)` keeps sharing
 * (like `:erts_debug.size`), `Term.flatSize(x)` counts every path (like `:erts_debug.flat_size`,
 * and like a message send, which copies). Multiply by `Term.wordBytes` for bytes.
 */
export const Term = {
  /** Words with sharing kept: an object referenced twice counts once (`:erts_debug.size`). */
  size,
  /** Words with sharing lost, as after a send (`:erts_debug.flat_size`). */
  flatSize,
  /** Bytes in a word: 8, as on a 64-bit BEAM. */
  wordBytes: WORD_BYTES,
} as const;
