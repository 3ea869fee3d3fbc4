/**
 * What the browser keeps of a chapter's exercises, beside the chapter's saved edits (a key of
 * its own, so the format of saved edits does not change): which exercises the learner solved,
 * and the learner's own code of an exercise while its solution is shown, so "back to my code"
 * still works after a reload. Unreadable data reads as nothing solved; it is never thrown at,
 * and never overwritten: the first write after it copies it to a backup key (another version's
 * format may be in it), and leaves it in place when even that copy fails.
 */
import type { StorageLike } from './chapterStorage';
import { backupKey } from './chapterStorage';

/** The format of saved exercise progress. */
export const EXERCISE_PROGRESS_VERSION = 1;

/** A chapter's exercise progress. */
export interface ExerciseProgress {
  /** Ids of the exercises whose check passed, in the order they first did. */
  readonly solved: readonly string[];
  /** The learner's own code of exercises whose solution is shown, by exercise id. */
  readonly own: Readonly<Record<string, string>>;
}

/** Nothing solved, nothing set aside. */
export const NO_EXERCISE_PROGRESS: ExerciseProgress = { solved: [], own: {} };

/** The storage key of a chapter's exercise progress. */
export function exerciseProgressKey(slug: string): string {
  return `actorbook:exercises:${slug}`;
}

/** Reads a chapter's exercise progress; missing or unreadable data is no progress. */
export function readExerciseProgress(storage: StorageLike | null, slug: string): ExerciseProgress {
  let raw: string | null;
  try {
    raw = storage?.getItem(exerciseProgressKey(slug)) ?? null;
  } catch {
    return NO_EXERCISE_PROGRESS;
  }
  return raw === null ? NO_EXERCISE_PROGRESS : decodeExerciseProgress(raw);
}

/** Writes a chapter's exercise progress; returns a message when the browser refused. */
export function writeExerciseProgress(
  storage: StorageLike | null,
  slug: string,
  progress: ExerciseProgress,
): string | null {
  if (!storage) return 'This browser does not let the site keep data.';
  try {
    const key = exerciseProgressKey(slug);
    const before = storage.getItem(key);
    if (before !== null && !isReadableExerciseProgress(before)) {
      try {
        storage.setItem(backupKey(`exercises:${slug}`, Date.now()), before);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        return `the progress stored for this chapter could not be read nor copied aside (${why}), so it was left as it was`;
      }
    }
    const empty = progress.solved.length === 0 && Object.keys(progress.own).length === 0;
    if (empty) storage.removeItem(key);
    else {
      storage.setItem(key, JSON.stringify({ version: EXERCISE_PROGRESS_VERSION, ...progress }));
    }
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** True when `raw` is exercise progress of this format (not necessarily every field well formed). */
function isReadableExerciseProgress(raw: string): boolean {
  try {
    const data: unknown = JSON.parse(raw);
    return (
      typeof data === 'object' &&
      data !== null &&
      (data as Record<string, unknown>).version === EXERCISE_PROGRESS_VERSION
    );
  } catch {
    return false;
  }
}

/** Reads stored text; anything not in the expected shape counts as no progress. */
export function decodeExerciseProgress(raw: string): ExerciseProgress {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return NO_EXERCISE_PROGRESS;
  }
  if (typeof data !== 'object' || data === null) return NO_EXERCISE_PROGRESS;
  const { version, solved, own } = data as Record<string, unknown>;
  if (version !== EXERCISE_PROGRESS_VERSION) return NO_EXERCISE_PROGRESS;
  const ids = Array.isArray(solved)
    ? solved.filter((id): id is string => typeof id === 'string')
    : [];
  const sources: Record<string, string> = {};
  if (typeof own === 'object' && own !== null && !Array.isArray(own)) {
    for (const [id, source] of Object.entries(own))
      if (typeof source === 'string') sources[id] = source;
  }
  return { solved: [...new Set(ids)], own: sources };
}
