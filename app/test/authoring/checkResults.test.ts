import { describe, expect, it } from 'vitest';
import { checkResultsByCell } from '../../authoring/checkResults';
import type { ChapterFailure } from '../../engine/index';

const TEXT = [
  '---',
  'title: T',
  'part: 1',
  'order: 1',
  '---',
  '',
  '```ts id=one',
  '1',
  '```',
  '',
  '```ts',
  '2',
  '```',
  '',
  '```ts exercise=ex',
  'const a = 1;',
  '```',
  '',
  '```ts check=ex',
  'check.equal(a, 2)',
  '```',
  '',
  '```ts solution=ex',
  'const a = 2;',
  '```',
].join('\n');

const failure = (cellLine: number, key = 'value'): ChapterFailure => ({
  cellLine,
  line: cellLine + 4,
  key,
  expected: '"2"',
  actual: '"1"',
});

describe('checkResultsByCell', () => {
  it('puts each failure on the cell of its line and marks the others as passed', () => {
    const results = checkResultsByCell(TEXT, { kind: 'checked', failures: [failure(11)] });
    expect([...results.cells.entries()]).toEqual([
      ['one', { kind: 'cell', failures: [] }],
      ['cell-2', { kind: 'cell', failures: [failure(11)] }],
      ['ex', { kind: 'exercise', failures: [] }],
    ]);
    expect(results.passed).toBe(false);
    expect(results.summary).toBe('1 of 2 cells and 1 exercise fails the chapter check; 2 pass.');
  });

  it('says everything passes when nothing failed', () => {
    const results = checkResultsByCell(TEXT, { kind: 'checked', failures: [] });
    expect(results.passed).toBe(true);
    expect(results.summary).toBe('All 2 cells and 1 exercise pass the chapter check.');
  });

  it('keeps a failure that names no cell of the text instead of dropping it', () => {
    const results = checkResultsByCell(TEXT, { kind: 'checked', failures: [failure(99)] });
    expect(results.unplaced).toEqual([failure(99)]);
    expect(results.passed).toBe(false);
  });
});
