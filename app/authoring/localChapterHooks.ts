/**
 * The page's view of "Your chapters": the list in this browser's storage, re-read when this tab
 * imports or removes one (`localChaptersChanged`) and when another tab does (`storage` events),
 * so the home page, a chapter page and the contents never show a stale list.
 */
import { useSyncExternalStore } from 'react';
import { browserStorage } from '../persistence/chapterStorage';
import type { LocalChapterList } from './localChapters';
import { LOCAL_INDEX_KEY, listLocalChapters } from './localChapters';

const listeners = new Set<() => void>();
let snapshot: LocalChapterList | null = null;

/** Tells every reader of the list that it changed in this tab. */
export function localChaptersChanged(): void {
  snapshot = null;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key === null || event.key.startsWith(LOCAL_INDEX_KEY)) {
      snapshot = null;
      listener();
    }
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

function read(): LocalChapterList {
  snapshot ??= listLocalChapters(browserStorage());
  return snapshot;
}

/** The local chapters, newest first, and a problem reading them; re-renders when they change. */
export function useLocalChapters(): LocalChapterList {
  return useSyncExternalStore(subscribe, read);
}
