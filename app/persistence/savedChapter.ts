/**
 * What the app keeps of a chapter in the browser's storage, and how it is checked on the way in.
 * Only what the learner made is kept: the sources of edited cells (with a fingerprint of the
 * original each edit started from, so a changed chapter can be noticed) and the ids of the cells
 * that ran without error (progress). Outputs and bindings are never stored.
 */

/** The format of a saved chapter; a different number is read as not ours, and kept aside. */
export const SAVED_CHAPTER_VERSION = 1;

/** One edited cell. */
export interface SavedEdit {
  /** The learner's source. */
  readonly source: string;
  /** `fingerprint()` of the chapter's original source when the edit was made. */
  readonly base: string;
}

/** A chapter as stored. */
export interface SavedChapter {
  readonly version: typeof SAVED_CHAPTER_VERSION;
  readonly edits: Readonly<Record<string, SavedEdit>>;
  /** Ids of the cells that ran without error, in the order they first did. */
  readonly ran: readonly string[];
}

/** The outcome of reading a stored value. */
export type DecodedChapter =
  | { readonly ok: true; readonly saved: SavedChapter }
  | { readonly ok: false; readonly reason: string };

/** A short, stable fingerprint of a text (FNV-1a, 32 bits, with the length). */
export function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return `${text.length.toString(36)}-${(hash >>> 0).toString(36)}`;
}

/** The empty save of a chapter nobody touched. */
export function emptySavedChapter(): SavedChapter {
  return { version: SAVED_CHAPTER_VERSION, edits: {}, ran: [] };
}

/** True when there is nothing worth storing. */
export function isEmptySavedChapter(saved: SavedChapter): boolean {
  return Object.keys(saved.edits).length === 0 && saved.ran.length === 0;
}

/** The stored text of a chapter. */
export function encodeSavedChapter(saved: SavedChapter): string {
  return JSON.stringify(saved);
}

/** Reads a stored text; says what is wrong instead of throwing. */
export function decodeSavedChapter(raw: string): DecodedChapter {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'it is not valid JSON' };
  }
  if (!isRecord(data)) return { ok: false, reason: 'it is not an object' };
  if (data['version'] !== SAVED_CHAPTER_VERSION) {
    return {
      ok: false,
      reason: `it has format version ${JSON.stringify(data['version'] ?? null)}, not ${SAVED_CHAPTER_VERSION}`,
    };
  }
  const edits = data['edits'];
  if (!isRecord(edits)) return { ok: false, reason: 'its edits are not an object' };
  const checkedEdits: Record<string, SavedEdit> = {};
  for (const [cellId, edit] of Object.entries(edits)) {
    if (!isRecord(edit) || typeof edit['source'] !== 'string' || typeof edit['base'] !== 'string') {
      return { ok: false, reason: `the edit of cell ${cellId} is not a source and a base` };
    }
    checkedEdits[cellId] = { source: edit['source'], base: edit['base'] };
  }
  const ran = data['ran'];
  if (!Array.isArray(ran) || !ran.every((id) => typeof id === 'string')) {
    return { ok: false, reason: 'its progress is not a list of cell ids' };
  }
  return {
    ok: true,
    saved: { version: SAVED_CHAPTER_VERSION, edits: checkedEdits, ran: [...new Set(ran)] },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
