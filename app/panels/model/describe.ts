/**
 * How the panel models turn runtime terms into text. The models run in the worker and send what
 * they compute to the page, so they hold numbers and strings only: a Pid or a message may carry
 * functions and live process pointers, which cannot cross `postMessage`.
 */
import { Pid, inspect } from '../../../runtime/index';

/** A pid's printed form from its number: `#PID<0.83.0>`. */
export function pidText(id: number): string {
  return `#PID<0.${id}.0>`;
}

/** Longest payload text kept for hover; beyond it the text ends in an ellipsis. */
export const PAYLOAD_MAX_CHARS = 4000;

/** Longest one-line summary shown on an arrow or a row. */
export const SUMMARY_MAX_CHARS = 60;

/** Cuts `text` to `max` characters, ending in an ellipsis when it was longer. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** The full, bounded text of a term, for hover and detail views. */
export function payloadText(term: unknown): string {
  return clip(inspect(term), PAYLOAD_MAX_CHARS);
}

/** A short one-line text of a term, for labels. */
export function summaryText(term: unknown, max = SUMMARY_MAX_CHARS): string {
  return clip(inspect(term, { depth: 3, limit: 8 }).replace(/\s+/g, ' '), max);
}

/** The pid number of a term if it is a pid, else null. */
export function pidId(term: unknown): number | null {
  return term instanceof Pid ? term.id : null;
}
