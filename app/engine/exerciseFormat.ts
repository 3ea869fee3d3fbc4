/**
 * Exercises in a chapter file: a ```ts exercise=ID cell holds the starter code the learner
 * edits; beside it, hidden from the page, ```ts check=ID (run after the learner's code, in the
 * same evaluator, asserting with `check`), ```ts solution=ID and any number of ```hint=ID blocks
 * of Markdown, shown one at a time (chapters/README.md, "Exercises").
 *
 * Why one module for both readers: the page's splitter and the chapter check's parser each read
 * fences their own way, but what a fence means for an exercise, how the parts come together and
 * how a check runs after the learner's code are decided here once, so page and check never differ.
 */

/** The part of an exercise a fence holds. */
export type ExercisePartRole = 'exercise' | 'check' | 'solution' | 'hint';

/** What a fence's info string says about exercises: nothing (null), a part, or a mistake. */
export type ExerciseFence =
  | { readonly ok: true; readonly role: ExercisePartRole; readonly id: string }
  | { readonly ok: false; readonly message: string };

/** A complete exercise: starter, check, solution and hints. */
export interface Exercise {
  readonly id: string;
  /** Line of the exercise fence (1-based), 0 when the reader does not track lines. */
  readonly line: number;
  readonly starter: string;
  readonly check: string;
  readonly solution: string;
  /** Markdown, in the order they are shown. */
  readonly hints: readonly string[];
}

/** A part found in a chapter, in file order. */
export interface ExercisePart {
  readonly role: ExercisePartRole;
  readonly id: string;
  readonly line: number;
  readonly text: string;
}

/** An exercise id: like a cell id, a letter then letters, digits, `_` and `-`. */
export const EXERCISE_ID = /^[A-Za-z][\w-]*$/;

const TS_ROLES: readonly ExercisePartRole[] = ['exercise', 'check', 'solution'];

/**
 * Reads a fence's language and options: `ts exercise=ID`, `ts check=ID`, `ts solution=ID` or
 * `hint=ID`; null for any fence that is not an exercise part (a plain cell, a diagram...).
 */
export function readExerciseFence(
  language: string,
  options: readonly string[],
): ExerciseFence | null {
  const hint = /^hint=(.*)$/.exec(language);
  if (hint) {
    if (options.length > 0) return { ok: false, message: 'a hint block takes no other options' };
    return partOf('hint', hint[1]!);
  }
  if (language !== 'ts') return null;
  const parts = options.flatMap((option) => {
    const match = /^(exercise|check|solution)=(.*)$/.exec(option);
    return match ? [{ role: match[1] as ExercisePartRole, id: match[2]! }] : [];
  });
  if (parts.length === 0) return null;
  if (parts.length > 1 || options.length > 1) {
    return {
      ok: false,
      message: `an exercise cell takes exactly one of ${TS_ROLES.map((r) => `${r}=<id>`).join(', ')} and no other option`,
    };
  }
  return partOf(parts[0]!.role, parts[0]!.id);
}

function partOf(role: ExercisePartRole, id: string): ExerciseFence {
  if (!EXERCISE_ID.test(id)) {
    return {
      ok: false,
      message: `exercise id "${id}" must start with a letter and use only letters, digits, _ and -`,
    };
  }
  return { ok: true, role, id };
}

/** A problem with how a chapter's exercise parts fit together, at the line of the part. */
export interface ExerciseProblem {
  readonly line: number;
  readonly message: string;
}

/**
 * Puts a chapter's parts together: each exercise needs one check and one solution, given after
 * its exercise cell; hints are optional. Returns the exercises in file order and every problem.
 */
export function assembleExercises(parts: readonly ExercisePart[]): {
  readonly exercises: readonly Exercise[];
  readonly problems: readonly ExerciseProblem[];
} {
  const problems: ExerciseProblem[] = [];
  const building = new Map<
    string,
    { line: number; starter: string; check?: string; solution?: string; hints: string[] }
  >();
  for (const part of parts) {
    const exercise = building.get(part.id);
    if (part.role === 'exercise') {
      if (exercise) {
        problems.push({
          line: part.line,
          message: `exercise "${part.id}" is already defined at line ${exercise.line}`,
        });
      } else {
        building.set(part.id, { line: part.line, starter: part.text, hints: [] });
      }
      continue;
    }
    const name = part.role === 'hint' ? 'hint' : `${part.role} cell`;
    if (!exercise) {
      problems.push({
        line: part.line,
        message: `this ${name} names exercise "${part.id}", but no \`\`\`ts exercise=${part.id} cell comes before it`,
      });
      continue;
    }
    if (part.role === 'hint') {
      if (part.text.trim() === '') {
        problems.push({ line: part.line, message: `a hint of exercise "${part.id}" is empty` });
      } else {
        exercise.hints.push(part.text);
      }
      continue;
    }
    if (exercise[part.role] !== undefined) {
      problems.push({
        line: part.line,
        message: `exercise "${part.id}" already has a ${part.role} cell`,
      });
      continue;
    }
    exercise[part.role] = part.text;
  }
  const exercises: Exercise[] = [];
  for (const [id, exercise] of building) {
    const missing = (['check', 'solution'] as const).filter((role) => exercise[role] === undefined);
    if (missing.length > 0) {
      problems.push({
        line: exercise.line,
        message: `exercise "${id}" has no ${missing.map((role) => `\`\`\`ts ${role}=${id} cell`).join(' and no ')}`,
      });
      continue;
    }
    exercises.push({
      id,
      line: exercise.line,
      starter: exercise.starter,
      check: exercise.check!,
      solution: exercise.solution!,
      hints: exercise.hints,
    });
  }
  return { exercises, problems };
}

/** The cell id a check runs under: its output and bindings never mix with the learner's cell. */
export function checkCellId(exerciseId: string): string {
  return `${exerciseId}:check`;
}

/**
 * The source the engine runs for a check: wrapped in a block, so the check's own names stay its
 * own (they never become bindings later cells could see or trip over).
 */
export function checkCellSource(check: string): string {
  return `{\n${check}\n}`;
}

/** The learner-facing text of a failed check: the message without the error's class name. */
export function checkFailureText(message: string): string {
  return message.replace(/^CheckFailed: /, '');
}
