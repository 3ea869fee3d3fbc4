/**
 * Chapters in the browser's storage (localStorage): reading them back, and saving edits soon
 * after they happen without ever losing one.
 *
 * Why it is built this way:
 * - Saving is debounced (300 ms by default) so typing does not write on every key, and flushed
 *   when the page is hidden or closed (`pagehide`, `visibilitychange`), so "within a second"
 *   holds even when the tab goes away mid-debounce.
 * - The notebook keeps every edit in memory; storage is a copy. When a write fails (the quota is
 *   full, or storage refuses), the pending copy is kept, the failure is reported as a status the
 *   page shows, and the write is tried again later. Nothing is dropped.
 * - Stored data that cannot be read (bad JSON, wrong shape, another format version) is never
 *   deleted silently: it is copied to a backup key first, and only then removed from the
 *   chapter's key. If even the copy fails, it stays where it is and this chapter's new edits are
 *   kept in memory only, so the old data is not overwritten.
 */
import type { SavedChapter } from './savedChapter';
import { decodeSavedChapter, encodeSavedChapter, isEmptySavedChapter } from './savedChapter';

/** The part of `Storage` used here, so tests can pass a fake. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The key of a chapter's saved edits and progress. */
export function chapterKey(slug: string): string {
  return `actorbook:chapter:${slug}`;
}

/** The key unreadable data of a chapter is moved to, stamped with the time it was found. */
export function backupKey(slug: string, at: number): string {
  return `actorbook:backup:${slug}:${new Date(at).toISOString()}`;
}

/** The browser's localStorage, or null where the page may not use it. */
export function browserStorage(): StorageLike | null {
  try {
    const storage = globalThis.localStorage as StorageLike | undefined;
    return storage ?? null;
  } catch {
    // Some privacy settings make merely touching localStorage throw a SecurityError.
    return null;
  }
}

/** What reading a chapter gave. */
export interface LoadedChapter {
  /** What was saved, or null when nothing (usable) was. */
  readonly saved: SavedChapter | null;
  /** A message for the learner when something was wrong, else null. */
  readonly problem: string | null;
  /** True when this chapter must not be written (its unreadable data could not be moved). */
  readonly blocked: boolean;
}

export const STORAGE_UNAVAILABLE =
  'This browser does not let the site keep data, so your edits are kept in this tab only.';

/** Reads a chapter; unreadable data is moved to a backup key and reported. */
export function loadChapter(
  storage: StorageLike | null,
  slug: string,
  now: number = Date.now(),
): LoadedChapter {
  if (!storage) return { saved: null, problem: STORAGE_UNAVAILABLE, blocked: true };
  const key = chapterKey(slug);
  let raw: string | null;
  try {
    raw = storage.getItem(key);
  } catch (error) {
    return {
      saved: null,
      problem: `Your saved edits could not be read (${describeError(error)}). Edits you make now are kept in this tab only.`,
      blocked: true,
    };
  }
  if (raw === null) return { saved: null, problem: null, blocked: false };
  const decoded = decodeSavedChapter(raw);
  if (decoded.ok) return { saved: decoded.saved, problem: null, blocked: false };

  const backup = backupKey(slug, now);
  try {
    storage.setItem(backup, raw);
  } catch (error) {
    return {
      saved: null,
      problem:
        `The saved edits of this chapter could not be read: ${decoded.reason}. They were left ` +
        `untouched under "${key}" (copying them aside failed: ${describeError(error)}), the ` +
        'chapter opened with its original code, and new edits are kept in this tab only.',
      blocked: true,
    };
  }
  try {
    storage.removeItem(key);
  } catch {
    // The copy exists; a stale original under the key is overwritten by the next save.
  }
  return {
    saved: null,
    problem:
      `The saved edits of this chapter could not be read: ${decoded.reason}. They were kept ` +
      `aside under "${backup}" in this site's storage, and the chapter opened with its original code.`,
    blocked: false,
  };
}

/** Where saving a chapter stands, as the page shows it. */
export type SaveStatus =
  | { readonly kind: 'saved' }
  | { readonly kind: 'pending' }
  /** Storage is full: edits are in memory only; retrying. */
  | { readonly kind: 'quota'; readonly message: string }
  /** Storage refused for another reason: edits are in memory only; retrying. */
  | { readonly kind: 'failed'; readonly message: string }
  /** This chapter is not written at all (no storage, or unreadable data left in place). */
  | { readonly kind: 'blocked'; readonly message: string };

export const QUOTA_MESSAGE =
  "This site's storage in your browser is full, so your latest edits are kept in this tab " +
  'only. Saving is tried again every few seconds; clearing site data of other pages frees space.';

/** Timers the saver uses; tests pass fake ones. */
export interface SaverTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface AutosaverOptions {
  readonly storage: StorageLike | null;
  /** Told whenever a chapter's save status changes. */
  readonly onStatus: (slug: string, status: SaveStatus) => void;
  readonly delayMs?: number;
  readonly retryMs?: number;
  readonly timers?: SaverTimers;
}

const realTimers: SaverTimers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Saves chapters a little after they change; see the module comment. */
export class ChapterAutosaver {
  private readonly storage: StorageLike | null;
  private readonly onStatus: (slug: string, status: SaveStatus) => void;
  private readonly delayMs: number;
  private readonly retryMs: number;
  private readonly timers: SaverTimers;
  private readonly pending = new Map<string, SavedChapter>();
  private readonly blocked = new Map<string, string>();
  private readonly statuses = new Map<string, SaveStatus['kind']>();
  private timer: unknown = null;

  constructor(options: AutosaverOptions) {
    this.storage = options.storage;
    this.onStatus = options.onStatus;
    this.delayMs = options.delayMs ?? 300;
    this.retryMs = options.retryMs ?? 5000;
    this.timers = options.timers ?? realTimers;
  }

  /** Never writes `slug` (its stored data must stay as it is); `message` says why. */
  block(slug: string, message: string): void {
    this.blocked.set(slug, message);
    this.pending.delete(slug);
    this.report(slug, { kind: 'blocked', message });
  }

  /** Saves `saved` as the chapter's data after the debounce delay (a newer call replaces it). */
  schedule(slug: string, saved: SavedChapter): void {
    if (this.blocked.has(slug)) return;
    this.pending.set(slug, saved);
    const failing = this.statuses.get(slug);
    if (failing !== 'quota' && failing !== 'failed') this.report(slug, { kind: 'pending' });
    this.arm(this.delayMs);
  }

  /** True while some chapter has changes not yet in storage. */
  get hasPending(): boolean {
    return this.pending.size > 0;
  }

  /** Writes every pending chapter now. */
  flush(): void {
    if (this.timer !== null) {
      this.timers.clearTimeout(this.timer);
      this.timer = null;
    }
    let failed = false;
    for (const [slug, saved] of [...this.pending]) {
      const error = this.write(slug, saved);
      if (error === null) {
        this.pending.delete(slug);
        this.report(slug, { kind: 'saved' });
      } else {
        failed = true;
        this.report(slug, error);
      }
    }
    if (failed) this.arm(this.retryMs);
  }

  /** Stops the timer; pending data is written first. */
  dispose(): void {
    this.flush();
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(ms: number): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, ms);
  }

  private write(slug: string, saved: SavedChapter): SaveStatus | null {
    if (!this.storage) return { kind: 'blocked', message: STORAGE_UNAVAILABLE };
    try {
      if (isEmptySavedChapter(saved)) this.storage.removeItem(chapterKey(slug));
      else this.storage.setItem(chapterKey(slug), encodeSavedChapter(saved));
      return null;
    } catch (error) {
      if (isQuotaError(error)) return { kind: 'quota', message: QUOTA_MESSAGE };
      return {
        kind: 'failed',
        message: `Your edits could not be saved (${describeError(error)}); they are kept in this tab and saving is tried again.`,
      };
    }
  }

  private report(slug: string, status: SaveStatus): void {
    const previous = this.statuses.get(slug);
    if (previous === status.kind && status.kind !== 'failed') return;
    this.statuses.set(slug, status.kind);
    this.onStatus(slug, status);
  }
}

/** True for the error browsers throw when storage is full. */
export function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return (
    name === 'QuotaExceededError' ||
    name === 'NS_ERROR_DOM_QUOTA_REACHED' ||
    code === 22 ||
    code === 1014
  );
}

/** Writes pending saves when the page is hidden or left; returns the function that stops it. */
export function flushWhenHidden(saver: { flush(): void }): () => void {
  if (typeof window === 'undefined' || typeof document === 'undefined') return () => {};
  const onHide = () => saver.flush();
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') saver.flush();
  };
  window.addEventListener('pagehide', onHide);
  document.addEventListener('visibilitychange', onVisibility);
  return () => {
    window.removeEventListener('pagehide', onHide);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}

/** How many cells of a chapter ran ok, from storage (0 when nothing usable is stored). */
export function readChapterProgress(
  slug: string,
  storage: StorageLike | null = browserStorage(),
): { run: number } {
  if (!storage) return { run: 0 };
  try {
    const raw = storage.getItem(chapterKey(slug));
    if (raw === null) return { run: 0 };
    const decoded = decodeSavedChapter(raw);
    return { run: decoded.ok ? decoded.saved.ran.length : 0 };
  } catch {
    return { run: 0 };
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
