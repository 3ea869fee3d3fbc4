import { useCallback, useEffect, useState } from 'react';
import { progressCount } from '../notebook/notebookModel';
import { readChapterProgress } from '../persistence/chapterStorage';
import type { AppState } from '../store/appStore';
import { useAppStore } from '../store/appStore';
import './notebook.css';

interface ChapterProgressProps {
  readonly slug: string;
  /** How many cells the chapter has. */
  readonly total: number;
  /** 'bar' for a chapter's toolbar, 'compact' for the table of contents. */
  readonly variant?: 'bar' | 'compact';
}

/**
 * How many of a chapter's cells the learner has run (without an error) at least once. Reads the
 * open notebook when the chapter was opened in this visit, else what the browser saved.
 */
export function ChapterProgress({ slug, total, variant = 'compact' }: ChapterProgressProps) {
  const inMemory = useAppStore(
    useCallback(
      (state: AppState) => {
        const notebook = state.notebooks[slug];
        return notebook ? progressCount(notebook) : null;
      },
      [slug],
    ),
  );
  const stored = useStoredProgress(slug);
  if (total <= 0) return null;
  const run = Math.min(inMemory ?? stored, total);
  if (variant === 'compact' && run === 0) return null;
  const label = `${run} of ${total} ${total === 1 ? 'cell' : 'cells'} run`;
  return (
    <span
      className={`chapter-progress chapter-progress--${variant}`}
      data-complete={run === total ? 'true' : undefined}
    >
      <progress className="chapter-progress__bar" max={total} value={run} aria-label={label} />
      <span className="chapter-progress__text">
        {variant === 'bar' ? label : `${run}/${total}`}
      </span>
    </span>
  );
}

/** Progress as saved in this browser, refreshed when another tab saves. */
function useStoredProgress(slug: string): number {
  const [run, setRun] = useState(() => readChapterProgress(slug).run);
  useEffect(() => {
    const onStorage = () => setRun(readChapterProgress(slug).run);
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [slug]);
  return run;
}
