/**
 * "Your chapters": chapter files a person imported into this browser, kept in its storage.
 *
 * Why it is built this way:
 * - The imported text is stored as it is, one key per chapter (`actorbook:yours:<id>`), so what
 *   runs is exactly the file that was chosen and one big chapter never rewrites the others. A
 *   small index (`actorbook:yours`) lists them, newest first, with what the list shows.
 * - A local chapter's notebook lives under the slug `yours/<id>`: a `/` never occurs in a built
 *   chapter's slug (it comes from a file name), so a learner's saved edits, progress and exercise
 *   results of a local chapter never mix with a built one's, and they autosave the same way.
 * - Every write says what went wrong instead of throwing: a full storage gets its own message,
 *   and the text is written before the index, so a failed import leaves no entry behind.
 *
 * Pure over `StorageLike` (no DOM), so it is unit-tested in Node with a fake storage.
 */
import { chapterSlugFromFile } from '../chapters/chapterSlug';
import { readChapter } from '../engine/index';
import type { StorageLike } from '../persistence/chapterStorage';
import { chapterKey, isQuotaError } from '../persistence/chapterStorage';
import { exerciseProgressKey } from '../persistence/exerciseProgress';

/** The storage key of the list of local chapters. */
export const LOCAL_INDEX_KEY = 'actorbook:yours';

/** The storage key of a local chapter's text. */
export function localTextKey(id: string): string {
  return `actorbook:yours:${id}`;
}

/** A local chapter as the list shows it. */
export interface LocalChapterEntry {
  readonly id: string;
  readonly title: string;
  /** The name of the imported file, used again when the chapter is exported. */
  readonly fileName: string;
  /** When it was imported (ms since the epoch). */
  readonly importedAt: number;
}

const LOCAL_PREFIX = 'yours/';
const LOCAL_ID = /^[a-z0-9][a-z0-9-]*$/;

/** The notebook slug of a local chapter. */
export function localChapterSlug(id: string): string {
  return `${LOCAL_PREFIX}${id}`;
}

/** The id of a local chapter's notebook slug, or null for a built chapter's slug. */
export function localIdOfSlug(slug: string): string | null {
  return slug.startsWith(LOCAL_PREFIX) ? slug.slice(LOCAL_PREFIX.length) : null;
}

/** True for a string that can name a local chapter. */
export function isLocalChapterId(id: string): boolean {
  return LOCAL_ID.test(id) && id.length <= 80;
}

/** What reading the list gave. */
export interface LocalChapterList {
  readonly entries: readonly LocalChapterEntry[];
  /** A message when the list could not be read, else null. */
  readonly problem: string | null;
}

/** Reads the list of local chapters, newest first; unreadable data is reported, not thrown. */
export function listLocalChapters(storage: StorageLike | null): LocalChapterList {
  if (!storage) return { entries: [], problem: null };
  let raw: string | null;
  try {
    raw = storage.getItem(LOCAL_INDEX_KEY);
  } catch (error) {
    return { entries: [], problem: `Your chapters could not be read (${describeError(error)}).` };
  }
  if (raw === null) return { entries: [], problem: null };
  const entries = decodeIndex(raw);
  if (entries === null) {
    return {
      entries: [],
      problem: `The list of your chapters in this browser is unreadable; it was left untouched under "${LOCAL_INDEX_KEY}".`,
    };
  }
  return { entries, problem: null };
}

function decodeIndex(raw: string): LocalChapterEntry[] | null {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!Array.isArray(data)) return null;
  const entries: LocalChapterEntry[] = [];
  for (const item of data as unknown[]) {
    if (typeof item !== 'object' || item === null) return null;
    const { id, title, fileName, importedAt } = item as Record<string, unknown>;
    if (typeof id !== 'string' || !isLocalChapterId(id)) return null;
    if (typeof title !== 'string' || typeof fileName !== 'string') return null;
    if (typeof importedAt !== 'number') return null;
    entries.push({ id, title, fileName, importedAt });
  }
  return entries;
}

/** The stored text of a local chapter, or null when there is none (or it cannot be read). */
export function readLocalChapterText(storage: StorageLike | null, id: string): string | null {
  if (!storage || !isLocalChapterId(id)) return null;
  try {
    return storage.getItem(localTextKey(id));
  } catch {
    return null;
  }
}

/** The outcome of a write: null when it worked, else the message to show. */
export type WriteProblem = string | null;

/** Shown when the browser's storage has no room for an imported chapter. */
export const IMPORT_QUOTA_MESSAGE =
  "This browser's storage for the site is full, so the chapter was not imported. Remove one of " +
  'your chapters, or clear the data of other pages, and import it again.';

/**
 * Stores `text` as local chapter `entry.id` (replacing one with that id) and puts it first in
 * the list. A replaced chapter keeps the learner's saved edits and exercise results, as a built
 * chapter does when the course changes: an edit made against other code is flagged on its cell,
 * and Reset puts back the new file's code. Edits are never dropped without being asked.
 */
export function saveLocalChapter(
  storage: StorageLike | null,
  entry: LocalChapterEntry,
  text: string,
): WriteProblem {
  if (!storage) return 'This browser does not let the site keep data, so nothing can be imported.';
  const { entries, problem } = listLocalChapters(storage);
  if (problem) return problem;
  const replacing = entries.some((e) => e.id === entry.id);
  try {
    storage.setItem(localTextKey(entry.id), text);
    storage.setItem(
      LOCAL_INDEX_KEY,
      JSON.stringify([entry, ...entries.filter((e) => e.id !== entry.id)]),
    );
  } catch (error) {
    if (!replacing) removeQuietly(storage, localTextKey(entry.id));
    if (isQuotaError(error)) return IMPORT_QUOTA_MESSAGE;
    return `The chapter could not be stored (${describeError(error)}), so it was not imported.`;
  }
  return null;
}

/** Removes a local chapter, its text, and the learner's edits and exercise results for it. */
export function removeLocalChapter(storage: StorageLike | null, id: string): WriteProblem {
  if (!storage) return null;
  const { entries, problem } = listLocalChapters(storage);
  if (problem) return problem;
  try {
    storage.setItem(LOCAL_INDEX_KEY, JSON.stringify(entries.filter((e) => e.id !== id)));
  } catch (error) {
    return `The chapter could not be removed (${describeError(error)}).`;
  }
  removeQuietly(storage, localTextKey(id));
  forgetLearnerData(storage, id);
  return null;
}

function forgetLearnerData(storage: StorageLike, id: string): void {
  removeQuietly(storage, chapterKey(localChapterSlug(id)));
  removeQuietly(storage, exerciseProgressKey(localChapterSlug(id)));
}

function removeQuietly(storage: StorageLike, key: string): void {
  try {
    storage.removeItem(key);
  } catch {
    // Removing is tidying up: what stays behind is unreachable, and the next write replaces it.
  }
}

/** An import about to happen: the chapter it would make, and the local chapter it collides with. */
export interface ImportPlan {
  readonly entry: LocalChapterEntry;
  /** A local chapter with the same id or the same title, or null. */
  readonly conflict: LocalChapterEntry | null;
}

/**
 * The title of a chapter text: its front matter title (also from a front matter with another
 * problem), its first heading, or the file name.
 */
export function chapterTitleOf(text: string, fileName: string): string {
  const { front, blocks } = readChapter(text);
  if (front.ok) return front.meta.title;
  const frontMatter = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1] ?? '';
  const titled = /^\s*title\s*:\s*(.+?)\s*$/m.exec(frontMatter)?.[1];
  if (titled) return titled;
  for (const block of blocks) {
    if (block.kind !== 'markdown') continue;
    const heading = /^#\s+(.+)$/m.exec(block.text);
    if (heading) return heading[1]!.trim();
  }
  return fileName;
}

/** A local chapter id made from a file name or a title: lower case letters, digits and -. */
export function localIdFrom(fileName: string, title: string): string {
  const slugged = (text: string) =>
    text
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '');
  return slugged(chapterSlugFromFile(fileName) ?? '') || slugged(title) || 'chapter';
}

/** What importing `text` from `fileName` would make, given the local chapters there are. */
export function planImport(
  entries: readonly LocalChapterEntry[],
  fileName: string,
  text: string,
  now: number,
): ImportPlan {
  const title = chapterTitleOf(text, fileName);
  const id = localIdFrom(fileName, title);
  const conflict = entries.find((e) => e.id === id || e.title === title) ?? null;
  return { entry: { id, title, fileName, importedAt: now }, conflict };
}

/** The plan's entry under an id no local chapter has (`greeter-2`, `greeter-3`, ...): keep both. */
export function keepingBoth(
  plan: ImportPlan,
  entries: readonly LocalChapterEntry[],
): LocalChapterEntry {
  const taken = new Set(entries.map((e) => e.id));
  let n = 2;
  while (taken.has(`${plan.entry.id}-${n}`)) n++;
  const id = `${plan.entry.id}-${n}`;
  const sameTitle = entries.some((e) => e.title === plan.entry.title);
  return { ...plan.entry, id, title: sameTitle ? `${plan.entry.title} (${n})` : plan.entry.title };
}

/** The plan's entry taking the place of the chapter it collides with: replace. */
export function replacing(plan: ImportPlan): LocalChapterEntry {
  return plan.conflict ? { ...plan.entry, id: plan.conflict.id } : plan.entry;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
