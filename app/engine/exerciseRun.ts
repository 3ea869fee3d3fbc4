/**
 * One "Check" of an exercise: the learner's code runs as their cell, then, only if it finished,
 * the hidden check runs after it in the same evaluator (its bindings and mailbox). The outcome is
 * decided here once, for the page (through the worker) and for the chapter check (on a headless
 * engine), so an instructor's validation and a learner's Check can never disagree.
 */
import { checkCellId, checkCellSource, checkFailureText } from './exerciseFormat';

/** How a run ended, as both the engine (`CellRun`) and the protocol (`CellResult`) say it. */
export type RunEnd =
  | { readonly status: 'ok' }
  | { readonly status: 'error'; readonly message: string }
  | { readonly status: 'exit'; readonly reason: string }
  | {
      readonly status: 'compile_error';
      readonly error: { readonly message: string; readonly line: number };
    }
  | { readonly status: 'cancelled' }
  | { readonly status: 'lost'; readonly message: string }
  | { readonly status: 'timeout' };

/** What a Check showed. */
export type ExerciseOutcome =
  /** The learner's code ran and every assertion held. */
  | { readonly kind: 'passed' }
  /** An assertion failed; `message` says which and why. */
  | { readonly kind: 'failed'; readonly message: string }
  /** The learner's code did not finish (an error, an exit, a compile error...): the check did not run. */
  | { readonly kind: 'code_failed'; readonly message: string }
  /** The check itself stopped with something other than a failed assertion. */
  | { readonly kind: 'check_error'; readonly message: string };

/** The outcome of the learner's run, when it already decides the Check; null when it finished. */
export function learnerOutcome(run: RunEnd): ExerciseOutcome | null {
  if (run.status === 'ok') return null;
  return { kind: 'code_failed', message: `Your code did not finish: ${describeRunEnd(run)}` };
}

/** The outcome of the check's run (the learner's code finished). */
export function checkOutcome(run: RunEnd): ExerciseOutcome {
  if (run.status === 'ok') return { kind: 'passed' };
  if (run.status === 'error' && run.message.startsWith('CheckFailed: ')) {
    return { kind: 'failed', message: checkFailureText(run.message) };
  }
  if (run.status === 'exit') {
    // The evaluator died during the check: usually a process the learner linked to it crashed.
    return {
      kind: 'failed',
      message: `The check's process exited with reason ${run.reason}: a process linked to your cell crashed while it was checked.`,
    };
  }
  return { kind: 'check_error', message: `The check could not run: ${describeRunEnd(run)}` };
}

/** Runs the learner's `source` as cell `exerciseId`, then the check; `run` runs one cell. */
export async function runExercise(
  run: (cellId: string, source: string) => Promise<RunEnd>,
  exerciseId: string,
  source: string,
  check: string,
): Promise<ExerciseOutcome> {
  const learner = learnerOutcome(await run(exerciseId, source));
  if (learner !== null) return learner;
  return checkOutcome(await run(checkCellId(exerciseId), checkCellSource(check)));
}

/** One line for a run that did not end well. */
export function describeRunEnd(run: RunEnd): string {
  switch (run.status) {
    case 'ok':
      return 'it finished';
    case 'error':
      return run.message;
    case 'exit':
      return `the cell's process exited with reason ${run.reason}`;
    case 'compile_error':
      return `it does not compile (line ${run.error.line}): ${run.error.message}`;
    case 'cancelled':
      return 'it was stopped';
    case 'lost':
      return run.message;
    case 'timeout':
      return 'it did not finish in time and was stopped';
  }
}
