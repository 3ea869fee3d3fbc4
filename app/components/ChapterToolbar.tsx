import { useCallback } from 'react';
import { useBusyCount, useNotebookProgress } from '../notebook/notebookHooks';
import type { SaveStatus } from '../persistence/chapterStorage';
import { ShareButton } from '../share/ShareButton';
import type { AppState } from '../store/appStore';
import { useAppStore } from '../store/appStore';
import { ExportChapterButton } from '../authoring/ExportChapterButton';
import { localIdOfSlug } from '../authoring/localChapters';
import { ChapterProgress } from './ChapterProgress';
import { ConfirmedButton } from './ConfirmedButton';
import { ExerciseProgress } from './ExerciseProgress';
import './notebook.css';

const selectRunAll = (state: AppState) => state.runAll;
const selectResetChapter = (state: AppState) => state.resetChapter;
const selectDismissProblem = (state: AppState) => state.dismissStorageProblem;

/**
 * The chapter's notebook controls: Run all, Reset chapter (after a confirmation), progress (cells
 * run, exercises solved), and
 * what the learner must know about saving (storage full, saved data unreadable).
 */
export function ChapterToolbar({ slug, exercises = 0 }: { slug: string; exercises?: number }) {
  const runAll = useAppStore(selectRunAll);
  const resetChapter = useAppStore(selectResetChapter);
  const { total } = useNotebookProgress(slug);
  const busy = useBusyCount(slug);

  return (
    <div className="chapter-toolbar" role="toolbar" aria-label="Chapter cells">
      <div className="chapter-toolbar__row">
        <button
          type="button"
          className="cell__button"
          onClick={() => runAll(slug)}
          title="Run every cell of the chapter, top to bottom"
        >
          Run all
        </button>
        <ConfirmedButton
          label="Reset chapter…"
          title="Replace your edits in this chapter with its original code"
          question="Put back the chapter’s code in every cell and start a fresh runtime?"
          confirmLabel="Reset chapter"
          groupLabel="Confirm reset"
          onConfirm={() => resetChapter(slug)}
        />
        {/* A link carries edits to a course chapter; a chapter of one's own travels as its file. */}
        {localIdOfSlug(slug) === null && <ShareButton slug={slug} />}
        <ExportChapterButton slug={slug} />
        {busy > 0 && (
          <span className="chapter-toolbar__busy">
            {busy} {busy === 1 ? 'cell' : 'cells'} queued or running
          </span>
        )}
        <ChapterProgress slug={slug} total={total} variant="bar" />
        <ExerciseProgress slug={slug} total={exercises} variant="bar" />
      </div>
      <SaveMessages slug={slug} />
    </div>
  );
}

function SaveMessages({ slug }: { slug: string }) {
  const status = useAppStore(
    useCallback((state: AppState): SaveStatus | undefined => state.saveStatus[slug], [slug]),
  );
  const problem = useAppStore(
    useCallback((state: AppState) => state.storageProblems[slug] ?? null, [slug]),
  );
  const dismiss = useAppStore(selectDismissProblem);
  const failing =
    status && (status.kind === 'quota' || status.kind === 'failed' || status.kind === 'blocked')
      ? status.message
      : null;
  if (!problem && !failing) return null;
  return (
    <div className="save-messages">
      {problem && (
        <p className="save-message" role="alert">
          <span>{problem}</span>
          <button
            type="button"
            className="runtime-notice__dismiss"
            aria-label="Dismiss message"
            onClick={() => dismiss(slug)}
          >
            ×
          </button>
        </p>
      )}
      {failing && (
        <p className="save-message" role="alert">
          {failing}
        </p>
      )}
    </div>
  );
}
