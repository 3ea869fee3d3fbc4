/**
 * Importing a chapter file, from the file picker or a drop anywhere on the page: read it, store
 * it as it is, open it. A file whose id or title is already a local chapter's waits for the
 * person to choose: replace that chapter, keep both, or cancel. One small store (outside the app
 * store: it is the import dialog's state only), so the picker, the drop zone and the dialog
 * share it.
 */
import { useSyncExternalStore } from 'react';
import { browserStorage } from '../persistence/chapterStorage';
import { navigate } from '../routing/router';
import { localChaptersChanged } from './localChapterHooks';
import type { ImportPlan, LocalChapterEntry } from './localChapters';
import {
  keepingBoth,
  listLocalChapters,
  planImport,
  replacing,
  saveLocalChapter,
} from './localChapters';

/** The largest file taken as a chapter: chapters are tens of kilobytes, storage a few megabytes. */
export const MAX_CHAPTER_BYTES = 1_000_000;

/** Where an import stands, as the import dialog shows it. */
export type ImportState =
  | { readonly kind: 'idle' }
  /** Waiting for the person: the file collides with a local chapter. */
  | { readonly kind: 'conflict'; readonly plan: ImportPlan; readonly text: string }
  /** The import failed; `message` says why. */
  | { readonly kind: 'failed'; readonly fileName: string; readonly message: string };

let state: ImportState = { kind: 'idle' };
const listeners = new Set<() => void>();

function setState(next: ImportState): void {
  state = next;
  for (const listener of listeners) listener();
}

/** The import dialog's state; re-renders when it changes. */
export function useImportState(): ImportState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state,
  );
}

/** True for a file that may be a chapter: a `.md` (or `.markdown`) file. */
export function looksLikeChapterFile(name: string): boolean {
  return /\.(md|markdown)$/i.test(name);
}

/** Imports one file: stores it and opens it, or asks about a collision, or says what failed. */
export async function importChapterFile(file: File): Promise<void> {
  if (!looksLikeChapterFile(file.name)) {
    fail(file.name, 'Only Markdown chapter files (.md) can be imported.');
    return;
  }
  if (file.size > MAX_CHAPTER_BYTES) {
    const size = `${(file.size / 1_000_000).toFixed(1)} MB`;
    fail(file.name, `The file is ${size}; a chapter file may be at most 1 MB.`);
    return;
  }
  let text: string;
  try {
    text = await file.text();
  } catch (error) {
    fail(file.name, `The file could not be read (${String(error)}).`);
    return;
  }
  importChapterText(file.name, text);
}

/** Imports a chapter given as text (the file picker and the drop zone come through here). */
export function importChapterText(fileName: string, text: string): void {
  const { entries, problem } = listLocalChapters(browserStorage());
  if (problem) {
    fail(fileName, problem);
    return;
  }
  const plan = planImport(entries, fileName, text, Date.now());
  if (plan.conflict) setState({ kind: 'conflict', plan, text });
  else store(plan.entry, text);
}

/** The person's answer to a collision. */
export function resolveImport(choice: 'replace' | 'keepBoth' | 'cancel'): void {
  if (state.kind !== 'conflict') return;
  const { plan, text } = state;
  if (choice === 'cancel') {
    setState({ kind: 'idle' });
    return;
  }
  const { entries } = listLocalChapters(browserStorage());
  store(choice === 'replace' ? replacing(plan) : keepingBoth(plan, entries), text);
}

/** Closes the message of a failed import. */
export function dismissImport(): void {
  setState({ kind: 'idle' });
}

function store(entry: LocalChapterEntry, text: string): void {
  const problem = saveLocalChapter(browserStorage(), entry, text);
  if (problem) {
    fail(entry.fileName, problem);
    return;
  }
  setState({ kind: 'idle' });
  localChaptersChanged();
  navigate({ name: 'yours', id: entry.id });
}

function fail(fileName: string, message: string): void {
  setState({ kind: 'failed', fileName, message });
}
