import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ExerciseBlock } from '../../engine/chapterFormat';
import { chapterCells, parseChapter } from '../../engine/chapterFormat';
import { readExerciseFence } from '../../engine/exerciseFormat';
import { checkOutcome, learnerOutcome } from '../../engine/exerciseRun';
import { checkChapterFile } from '../chapters/headless';

const FRONT = '---\ntitle: T\npart: 1\norder: 1\n---\n';
const fixturePath = 'app/test/fixtures/chapters/10-exercises.md';
const fixture = readFileSync(
  new URL('../fixtures/chapters/10-exercises.md', import.meta.url),
  'utf8',
);

function exercisesOf(text: string): ExerciseBlock[] {
  const result = parseChapter(text, 'x.md');
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.chapter.blocks.filter((b): b is ExerciseBlock => b.kind === 'exercise');
}

function errorsOf(text: string): string[] {
  const result = parseChapter(text, 'x.md');
  if (result.ok) throw new Error('expected the chapter to be malformed');
  return result.errors.map((e) => `${e.line}: ${e.message}`);
}

const fence = (info: string, body: string) => `\`\`\`${info}\n${body}\n\`\`\`\n\n`;

describe('exercise fences', () => {
  it('reads the four parts and ignores fences that are not exercise parts', () => {
    expect(readExerciseFence('ts', ['exercise=loop'])).toEqual({
      ok: true,
      role: 'exercise',
      id: 'loop',
    });
    expect(readExerciseFence('ts', ['check=loop'])).toEqual({
      ok: true,
      role: 'check',
      id: 'loop',
    });
    expect(readExerciseFence('hint=loop', [])).toEqual({ ok: true, role: 'hint', id: 'loop' });
    expect(readExerciseFence('ts', ['id=a'])).toBeNull();
    expect(readExerciseFence('mermaid', [])).toBeNull();
  });

  it('refuses a bad id and an exercise cell with another option', () => {
    expect(readExerciseFence('ts', ['exercise=1st'])).toMatchObject({ ok: false });
    expect(readExerciseFence('ts', ['exercise=a', 'id=b'])).toMatchObject({
      ok: false,
      message: expect.stringContaining('exactly one of exercise=<id>, check=<id>, solution=<id>'),
    });
  });
});

describe('parseChapter: exercises', () => {
  it('puts starter, check, solution and hints together where the exercise cell stands', () => {
    const [echo] = exercisesOf(fixture);
    expect(echo!.line).toBe(15);
    expect(echo!.exercise).toMatchObject({
      id: 'echo',
      starter: expect.stringContaining('// your code here'),
      check: expect.stringContaining("check.receives(['echoed', _])"),
      solution: expect.stringContaining("send(from, ['echoed', text])"),
      hints: [
        "The message carries the sender's pid: `from`.",
        "Use `send(from, ['echoed', text])`.",
      ],
    });
  });

  it('keeps exercise parts out of the chapter cells, which the check runs as they are', () => {
    const result = parseChapter(fixture, 'x.md');
    if (!result.ok) throw new Error('malformed');
    expect(chapterCells(result.chapter).map((cell) => cell.source)).toEqual([
      'const double = (n: number) => n * 2;',
      'total',
    ]);
  });

  it('reports an exercise without a check or a solution, and parts that name no exercise', () => {
    const text =
      FRONT + fence('ts exercise=a', '1') + fence('ts check=b', '2') + fence('hint=a', '   ');
    expect(errorsOf(text)).toEqual([
      '6: exercise "a" has no ```ts check=a cell and no ```ts solution=a cell',
      '10: this check cell names exercise "b", but no ```ts exercise=b cell comes before it',
      '14: a hint of exercise "a" is empty',
    ]);
  });

  it('reports a second solution, a duplicate exercise, and an id shared with a cell', () => {
    const text =
      FRONT +
      fence('ts id=a', '0') +
      fence('ts exercise=a', '1') +
      fence('ts check=a', '2') +
      fence('ts solution=a', '3') +
      fence('ts solution=a', '4') +
      fence('ts exercise=a', '5');
    expect(errorsOf(text)).toEqual([
      '10: exercise id "a" is also the id of a cell',
      '22: exercise "a" already has a solution cell',
      '26: exercise "a" is already defined at line 10',
    ]);
  });

  it('does not let an expect block follow an exercise cell', () => {
    const text = FRONT + fence('ts exercise=a', '1') + fence('expect', 'value: 1');
    expect(errorsOf(text)).toContain(
      '10: an expect block must come right after the ```ts cell it checks',
    );
  });
});

describe('the outcome of a Check', () => {
  it('reports the learner code failing before any assertion', () => {
    expect(
      learnerOutcome({ status: 'error', message: 'ReferenceError: nope is not defined' }),
    ).toEqual({
      kind: 'code_failed',
      message: 'Your code did not finish: ReferenceError: nope is not defined',
    });
    expect(learnerOutcome({ status: 'ok' })).toBeNull();
  });

  it('tells a failed assertion from a check that crashed', () => {
    expect(checkOutcome({ status: 'error', message: 'CheckFailed: expected 1, got 2' })).toEqual({
      kind: 'failed',
      message: 'expected 1, got 2',
    });
    expect(checkOutcome({ status: 'error', message: 'TypeError: x is not a function' })).toEqual({
      kind: 'check_error',
      message: 'The check could not run: TypeError: x is not a function',
    });
    expect(checkOutcome({ status: 'ok' })).toEqual({ kind: 'passed' });
  });
});

describe('the chapter check of exercises', () => {
  it('reports a solution that fails its check and a starter that already passes, by exercise', async () => {
    const { passed, report } = await checkChapterFile(fixture, fixturePath);
    expect(passed).toBe(false);
    expect(report).toBe(
      `${fixturePath}:46 (cell at line 46) exercise broken, solution\n` +
        '  expected: the check passes on the solution\n' +
        '  actual:   check failed: the answer: expected 42, got 40\n\n' +
        `${fixturePath}:58 (cell at line 58) exercise easy, starter\n` +
        '  expected: the check fails on the starter code\n' +
        '  actual:   the check passed',
    );
  });

  it('passes an exercise whose starter fails and whose solution passes', async () => {
    const text =
      FRONT +
      fence('ts exercise=sum', 'const sum = (xs: number[]) => 0;') +
      fence('ts check=sum', "check.equal(sum([1, 2, 3]), 6, 'sum([1, 2, 3])');") +
      fence('ts solution=sum', 'const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);');
    expect(await checkChapterFile(text, 'x.md')).toEqual({ passed: true, report: '' });
  });

  it('reports a starter whose check crashes instead of failing with a message', async () => {
    const text =
      FRONT +
      fence('ts exercise=f', '// write f') +
      fence('ts check=f', "check.equal(f(1), 2, 'f(1)');") +
      fence('ts solution=f', 'const f = (n: number) => n * 2;');
    const { report } = await checkChapterFile(text, 'x.md');
    expect(report).toContain(
      'exercise f, starter\n  expected: a failed check assertion the learner can read\n',
    );
    expect(report).toContain('The check could not run: ReferenceError: f is not defined');
  });
});
