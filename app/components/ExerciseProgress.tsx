/**
 * Exercises solved: of one chapter (in its toolbar and in the contents) and of the whole course
 * (above the contents). Reads the exercise slice for chapters read in this visit, else what the
 * browser saved; another tab's saves show up through the `storage` event.
 */
import { useCallback, useEffect, useState } from 'react';
import { browserStorage } from '../persistence/chapterStorage';
import { readExerciseProgress } from '../persistence/exerciseProgress';
import type { AppState } from '../store/appStore';
import { useAppStore } from '../store/appStore';
import './exercise.css';

interface ExerciseProgressProps {
  readonly slug: string;
  /** How many exercises the chapter has. */
  readonly total: number;
  /** 'bar' for a chapter's toolbar, 'compact' for the table of contents. */
  readonly variant?: 'bar' | 'compact';
}

/** How many of a chapter's exercises the learner solved. */
export function ExerciseProgress({ slug, total, variant = 'compact' }: ExerciseProgressProps) {
  const solved = useSolvedCount(slug);
  if (total <= 0) return null;
  const count = Math.min(solved, total);
  const label = `${count} of ${total} ${total === 1 ? 'exercise' : 'exercises'} solved`;
  return (
    <span
      className={`exercise-progress exercise-progress--${variant}`}
      data-complete={count === total ? 'true' : undefined}
      title={label}
    >
      {count > 0 && (
        <span className="exercise-progress__mark" aria-hidden="true">
          ✓
        </span>
      )}
      <span className="exercise-progress__text">
        {variant === 'bar' ? (
          label
        ) : (
          <span
            aria-label={label}
          >{`${count}/${total} ${total === 1 ? 'exercise' : 'exercises'}`}</span>
        )}
      </span>
    </span>
  );
}

const selectExerciseProgress = (state: AppState) => state.exerciseProgress;

/** Exercises solved across the course, for the contents page. */
export function CourseExerciseProgress({
  chapters,
}: {
  readonly chapters: readonly { readonly slug: string; readonly exercises: number }[];
}) {
  const stored = useStoredSolved(chapters.map((c) => c.slug));
  const inMemory = useAppStore(selectExerciseProgress);
  const total = chapters.reduce((sum, c) => sum + c.exercises, 0);
  if (total === 0) return null;
  const solved = chapters.reduce((sum, c) => {
    const ids = inMemory[c.slug]?.solved ?? stored[c.slug] ?? [];
    return sum + Math.min(ids.length, c.exercises);
  }, 0);
  return (
    <p className="course-exercises" data-complete={solved === total ? 'true' : undefined}>
      <progress
        className="course-exercises__bar"
        max={total}
        value={solved}
        aria-label={`${solved} of ${total} exercises solved in the course`}
      />{' '}
      <span>
        {solved} of {total} exercises solved in the course
      </span>
    </p>
  );
}

function useSolvedCount(slug: string): number {
  const inMemory = useAppStore(
    useCallback((state: AppState) => state.exerciseProgress[slug]?.solved.length ?? null, [slug]),
  );
  const stored = useStoredSolved([slug])[slug]?.length ?? 0;
  return inMemory ?? stored;
}

/** Solved exercise ids as saved in this browser, refreshed when another tab saves. */
function useStoredSolved(slugs: readonly string[]): Record<string, readonly string[]> {
  const key = slugs.join('\n');
  const read = useCallback(
    () =>
      Object.fromEntries(
        key
          .split('\n')
          .map((slug) => [slug, readExerciseProgress(browserStorage(), slug).solved] as const),
      ),
    [key],
  );
  const [solved, setSolved] = useState(read);
  useEffect(() => {
    const onStorage = () => setSolved(read());
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [read]);
  return solved;
}
