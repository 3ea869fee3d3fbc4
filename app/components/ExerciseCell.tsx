/**
 * An exercise on a chapter page: the learner's cell (a NotebookCell holding the starter code)
 * with Check, Hint, Solution and Reset, what the last Check said (in a live region, so a screen
 * reader hears it) and the hints opened so far. The hidden check, the solution and the hints come
 * from the chapter file (engine/exerciseFormat.ts); the slice runs the Check.
 */
import { memo, useCallback, useEffect, useRef, useState } from 'react';
import type { Exercise, ExerciseOutcome } from '../engine/index';
import type { AppState } from '../store/appStore';
import { useAppStore } from '../store/appStore';
import { IDLE_EXERCISE } from '../store/exerciseSlice';
import { NotebookCell } from './NotebookCell';
import { Prose } from './Prose';
// The confirmation looks like the chapter toolbar's own (notebook.css, which NotebookCell loads).
import './exercise.css';

interface ExerciseCellProps {
  readonly slug: string;
  readonly exercise: Exercise;
  readonly number: number;
  readonly nextCellId: string | null;
  readonly numberOf: (cellId: string) => number;
}

const selectCheck = (s: AppState) => s.checkExercise;
const selectHint = (s: AppState) => s.showNextHint;
const selectShowSolution = (s: AppState) => s.showSolution;
const selectBack = (s: AppState) => s.backToOwnCode;
const selectReset = (s: AppState) => s.resetExercise;
const selectLoad = (s: AppState) => s.loadExerciseProgress;

export const ExerciseCell = memo(function ExerciseCell({
  slug,
  exercise,
  number,
  nextCellId,
  numberOf,
}: ExerciseCellProps) {
  const id = exercise.id;
  const view = useAppStore(
    useCallback((s: AppState) => s.exerciseViews[slug]?.[id] ?? IDLE_EXERCISE, [slug, id]),
  );
  const solved = useAppStore(
    useCallback(
      (s: AppState) => s.exerciseProgress[slug]?.solved.includes(id) ?? false,
      [slug, id],
    ),
  );
  const showingSolution = useAppStore(
    useCallback((s: AppState) => (s.exerciseProgress[slug]?.own[id] ?? null) !== null, [slug, id]),
  );
  const source = useAppStore(
    useCallback((s: AppState) => s.notebooks[slug]?.cells[id]?.source ?? null, [slug, id]),
  );
  const busy = useAppStore(
    useCallback(
      (s: AppState) => (s.notebooks[slug]?.cells[id]?.phase ?? 'idle') !== 'idle',
      [slug, id],
    ),
  );
  const checkExercise = useAppStore(selectCheck);
  const showNextHint = useAppStore(selectHint);
  const showSolution = useAppStore(selectShowSolution);
  const backToOwnCode = useAppStore(selectBack);
  const resetExercise = useAppStore(selectReset);
  const loadExerciseProgress = useAppStore(selectLoad);
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const backRef = useRef<HTMLButtonElement>(null);
  const solutionRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    loadExerciseProgress(slug);
  }, [loadExerciseProgress, slug]);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  const hints = exercise.hints;
  const label = `exercise ${number}`;
  return (
    <section
      className="exercise"
      aria-label={`Exercise ${number}: ${id}`}
      data-solved={solved ? 'true' : undefined}
      data-outcome={view.outcome?.kind}
    >
      <div className="exercise__head">
        <span className="exercise__tag">Exercise</span>
        {solved && (
          <span className="exercise__solved" aria-label="Solved">
            ✓ solved
          </span>
        )}
        {showingSolution && <span className="exercise__showing">showing the solution</span>}
      </div>
      <NotebookCell
        slug={slug}
        cellId={id}
        number={number}
        nextCellId={nextCellId}
        numberOf={numberOf}
        resettable={false}
      />
      <div className="exercise__bar" role="group" aria-label={`Exercise ${number} actions`}>
        <button
          type="button"
          className="cell__button"
          disabled={view.checking || busy}
          aria-label={`Check ${label}`}
          title="Run your code, then the exercise's check"
          onClick={() => void checkExercise(slug, exercise)}
        >
          {view.checking ? 'Checking…' : 'Check'}
        </button>
        {hints.length > 0 && (
          <button
            type="button"
            className="cell__button cell__button--quiet"
            disabled={view.hintsShown >= hints.length}
            aria-label={
              view.hintsShown >= hints.length
                ? `All ${hints.length} hints of ${label} are shown`
                : `Show hint ${view.hintsShown + 1} of ${hints.length} of ${label}`
            }
            onClick={() => showNextHint(slug, exercise)}
          >
            {view.hintsShown >= hints.length
              ? 'No more hints'
              : `Hint ${view.hintsShown + 1}/${hints.length}`}
          </button>
        )}
        {showingSolution ? (
          <button
            ref={backRef}
            type="button"
            className="cell__button cell__button--quiet"
            aria-label={`Back to my code in ${label}`}
            onClick={() => {
              backToOwnCode(slug, id);
              solutionRef.current?.focus();
            }}
          >
            Back to my code
          </button>
        ) : confirming ? (
          <span
            className="chapter-toolbar__confirm"
            role="group"
            aria-label="Confirm showing the solution"
          >
            <span>Show the solution? Your code is kept, and you can come back to it.</span>
            <button
              ref={confirmRef}
              type="button"
              className="cell__button"
              onClick={() => {
                setConfirming(false);
                showSolution(slug, exercise);
                requestAnimationFrame(() => backRef.current?.focus());
              }}
            >
              Show solution
            </button>
            <button
              type="button"
              className="cell__button cell__button--quiet"
              onClick={() => {
                setConfirming(false);
                requestAnimationFrame(() => solutionRef.current?.focus());
              }}
            >
              Keep trying
            </button>
          </span>
        ) : (
          <button
            ref={solutionRef}
            type="button"
            className="cell__button cell__button--quiet"
            aria-label={`Show the solution of ${label}`}
            onClick={() => setConfirming(true)}
          >
            Solution…
          </button>
        )}
        <button
          type="button"
          className="cell__button cell__button--quiet"
          aria-label={`Reset ${label} to its starter code`}
          title="Put back the exercise's starter code"
          onClick={() => resetExercise(slug, exercise)}
        >
          Reset
        </button>
      </div>
      <div className="exercise__result" role="status" aria-live="polite">
        {view.checking ? (
          <p className="exercise__checking">Checking your code…</p>
        ) : (
          view.outcome && (
            <OutcomeView
              outcome={view.outcome}
              changed={view.checkedSource !== source}
              withSolution={view.withSolution}
            />
          )
        )}
      </div>
      {view.hintsShown > 0 && (
        <ol className="exercise__hints" aria-label={`Hints of ${label}`} aria-live="polite">
          {hints.slice(0, view.hintsShown).map((hint, index) => (
            <li key={index} className="exercise__hint">
              <Prose
                parts={[{ kind: 'markdown', markdown: hint, headingIds: [] }]}
                chapterSlug={slug}
              />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
});

function OutcomeView({
  outcome,
  changed,
  withSolution,
}: {
  outcome: ExerciseOutcome;
  changed: boolean;
  withSolution: boolean;
}) {
  // A result about code the learner has since edited must not read as a verdict on the new code.
  const since = changed ? (
    <p className="exercise__changed">You changed the code since this check: Check again.</p>
  ) : null;
  if (outcome.kind === 'passed' && withSolution) {
    return (
      <>
        <p className="exercise__passed">
          <strong>Passed, with the solution shown.</strong> Go back to your code and make it pass to
          count the exercise as solved.
        </p>
        {since}
      </>
    );
  }
  if (outcome.kind === 'passed') {
    return (
      <>
        <p className="exercise__passed">
          <strong>Passed.</strong> Every check holds: exercise solved.
        </p>
        {since}
      </>
    );
  }
  const title =
    outcome.kind === 'failed'
      ? 'Not yet.'
      : outcome.kind === 'code_failed'
        ? 'Your code stopped.'
        : 'The check could not run.';
  return (
    <div className="exercise__failed">
      <strong>{title}</strong>
      <pre className="exercise__message">{outcome.message}</pre>
      {since}
    </div>
  );
}
