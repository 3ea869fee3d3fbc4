/**
 * The small pieces every validator of arriving data shares (the protocol, the panel messages,
 * rich outputs): what counts as a record, how a wrong value is named in a message a person
 * reads, and record shapes checked field by field.
 */

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short description of a value for an error message: `"abc"`, `number 3`, `an array`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** What each field of a record must be: a typeof name, a string or null, or a check. */
export type Shape = Record<string, 'string' | 'number' | 'boolean' | 'string|null' | Check>;
/** Checks one value: null when it is fine, else what is wrong with it. */
export type Check = (value: unknown) => string | null;

/** Checks the fields `shape` names (other fields are not looked at): null, or the first problem. */
export function checkShape(data: Record<string, unknown>, shape: Shape): string | null {
  for (const [key, expected] of Object.entries(shape)) {
    const value = data[key];
    if (typeof expected === 'function') {
      const problem = expected(value);
      if (problem) return `"${key}" ${problem}`;
    } else if (expected === 'string|null') {
      if (value !== null && typeof value !== 'string')
        return `"${key}" should be a string or null, got ${describeValue(value)}`;
    } else if (expected === 'number') {
      if (typeof value !== 'number' || !Number.isFinite(value))
        return `"${key}" should be a finite number, got ${describeValue(value)}`;
    } else if (typeof value !== expected) {
      return `"${key}" should be a ${expected}, got ${describeValue(value)}`;
    }
  }
  return null;
}

/** An array of strings. */
export function checkStrings(value: unknown): string | null {
  if (!Array.isArray(value)) return `should be an array, got ${describeValue(value)}`;
  const index = value.findIndex((item) => typeof item !== 'string');
  return index < 0 ? null : `[${index}] should be a string`;
}

/** Checks an array of records, each with the given fields (the rest of an item is trusted). */
export function checkItems(value: unknown, shape: Shape): string | null {
  if (!Array.isArray(value)) return `should be an array, got ${describeValue(value)}`;
  for (const [index, item] of value.entries()) {
    if (!isRecord(item)) return `[${index}] should be an object`;
    const problem = checkShape(item, shape);
    if (problem) return `[${index}].${problem}`;
  }
  return null;
}

/** Null, or a record with the fields `shape` names. */
export function checkNullOr(value: unknown, shape: Shape): string | null {
  if (value === null) return null;
  if (!isRecord(value)) return `should be an object or null, got ${describeValue(value)}`;
  return checkShape(value, shape);
}

/** An array of numbers. */
export function checkNumbers(value: unknown): string | null {
  if (!Array.isArray(value)) return `should be an array, got ${describeValue(value)}`;
  const index = value.findIndex((item) => typeof item !== 'number');
  return index < 0 ? null : `[${index}] should be a number`;
}
