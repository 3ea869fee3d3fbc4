/**
 * What the chapter check asks of an exercise, so an instructor cannot ship a broken one: its
 * starter code, checked as a learner who changed nothing would check it, must fail with a message
 * the learner can act on (a failed assertion, or their code not finishing), and its solution must
 * pass. The starter runs first, so the chapter's later cells go on with the solution's bindings,
 * as they would for a learner who solved it.
 */
import type { ChapterFailure } from './chapterCheck';
import type { Exercise } from './exerciseFormat';
import type { ExerciseOutcome, RunEnd } from './exerciseRun';
import { runExercise } from './exerciseRun';

/** Runs the exercise's starter and solution through its check; returns what went wrong. */
export async function exerciseFailures(
  exercise: Exercise,
  run: (cellId: string, source: string) => Promise<RunEnd>,
): Promise<ChapterFailure[]> {
  const failures: ChapterFailure[] = [];
  const fail = (part: 'starter' | 'solution', expected: string, actual: string) =>
    failures.push({
      cellLine: exercise.line,
      line: exercise.line,
      key: `exercise ${exercise.id}, ${part}`,
      expected,
      actual,
    });

  const starter = await runExercise(run, exercise.id, exercise.starter, exercise.check);
  if (starter.kind === 'passed') {
    fail('starter', 'the check fails on the starter code', 'the check passed');
  } else if (starter.kind === 'check_error') {
    fail('starter', 'a failed check assertion the learner can read', starter.message);
  }
  const solution = await runExercise(run, exercise.id, exercise.solution, exercise.check);
  if (solution.kind !== 'passed') {
    fail('solution', 'the check passes on the solution', outcomeText(solution));
  }
  return failures;
}

function outcomeText(outcome: Exclude<ExerciseOutcome, { kind: 'passed' }>): string {
  return outcome.kind === 'failed' ? `check failed: ${outcome.message}` : outcome.message;
}
