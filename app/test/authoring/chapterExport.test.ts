import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chapterWithEdits, editedSources } from '../../authoring/chapterExport';
import type { CellBlock, ChapterBlock, ExerciseBlock } from '../../engine/index';
import { parseChapter, readChapter } from '../../engine/index';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/chapters/${name}`, import.meta.url), 'utf8');

const cells = (blocks: readonly ChapterBlock[]) =>
  blocks.filter((b): b is CellBlock => b.kind === 'cell');
const exercises = (blocks: readonly ChapterBlock[]) =>
  blocks.filter((b): b is ExerciseBlock => b.kind === 'exercise');

function parsedBlocks(text: string): readonly ChapterBlock[] {
  const result = parseChapter(text, 'x.md');
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.chapter.blocks;
}

const CHAPTER = [
  '---',
  'title: Greeter',
  'part: 2',
  'order: 1.5',
  '# an instructor comment',
  '---',
  '',
  '# Greeter',
  '',
  '```ts id=first',
  'const a = 1;',
  'a',
  '```',
  '',
  '```expect',
  'value: 1',
  '```',
  '',
  'Some prose.',
  '',
  '```ts',
  "IO.puts('hi')",
  '```',
  '',
  '```ts exercise=greet',
  '// your code',
  '```',
  '',
  '```ts check=greet',
  'check.ok(true, "fine")',
  '```',
  '',
  '```ts solution=greet',
  'const ok = true;',
  '```',
  '',
  '```hint=greet',
  'Think.',
  '```',
  '',
].join('\n');

describe('chapterWithEdits', () => {
  it('gives back the file byte for byte when nothing was edited', () => {
    expect(chapterWithEdits(CHAPTER, new Map())).toBe(CHAPTER);
    const all = fixture('10-exercises.md');
    expect(chapterWithEdits(all, new Map([['echo', readChapterStarter(all, 'echo')]]))).toBe(all);
  });

  it('puts edited sources in their cells and keeps front matter, expect blocks and exercise parts', () => {
    const edits = new Map([
      ['first', 'const a = 2;\nconst b = 3;\na + b'],
      ['cell-2', "IO.puts('bye')"],
      ['greet', 'const ok = true;'],
    ]);
    const exported = chapterWithEdits(CHAPTER, edits);
    const blocks = parsedBlocks(exported);

    expect(cells(blocks).map((c) => c.source)).toEqual([
      'const a = 2;\nconst b = 3;\na + b',
      "IO.puts('bye')",
    ]);
    expect(cells(blocks)[0]!.id).toBe('first');
    expect(cells(blocks)[0]!.expect?.checks.map((c) => [c.key, c.test])).toEqual([
      ['value', { kind: 'equals', text: '1' }],
    ]);
    const [greet] = exercises(blocks);
    expect(greet!.exercise).toMatchObject({
      id: 'greet',
      starter: 'const ok = true;',
      check: 'check.ok(true, "fine")',
      solution: 'const ok = true;',
      hints: ['Think.'],
    });
    expect(exported.startsWith(CHAPTER.slice(0, CHAPTER.indexOf('```ts')))).toBe(true);
    expect(exported).toContain('# an instructor comment');
    expect(exported).toContain('Some prose.');
  });

  it('ignores ids the chapter does not have and edits equal to the original', () => {
    const exported = chapterWithEdits(
      CHAPTER,
      new Map([
        ['nope', 'x'],
        ['first', 'const a = 1;\na'],
      ]),
    );
    expect(exported).toBe(CHAPTER);
  });

  it('lengthens the fence when an edit holds a line that would close it', () => {
    const source = 'const md = `\n```\n`;\nmd';
    const exported = chapterWithEdits(CHAPTER, new Map([['first', source]]));
    expect(exported).toContain('````ts id=first\n');
    expect(cells(parsedBlocks(exported))[0]!.source).toBe(source);
  });

  it('keeps the indentation of an indented fence and CRLF line endings', () => {
    const text = '---\r\ntitle: T\r\npart: 1\r\norder: 1\r\n---\r\n\r\n  ```ts\r\n  1\r\n  ```\r\n';
    const exported = chapterWithEdits(text, new Map([['cell-1', 'const x = 1;\n\nx']]));
    expect(exported).toBe(
      '---\r\ntitle: T\r\npart: 1\r\norder: 1\r\n---\r\n\r\n  ```ts\r\n  const x = 1;\r\n\r\n  x\r\n  ```\r\n',
    );
    expect(cells(parsedBlocks(exported))[0]!.source).toBe('const x = 1;\n\nx');
  });

  it('closes a cell fence the file left open, and the result parses', () => {
    const text = '---\ntitle: T\npart: 1\norder: 1\n---\n\n```ts\n1\n\n';
    const { errors } = readChapter(text);
    expect(errors.map((e) => e.message)).toEqual(['this ``` fence is never closed']);
    const exported = chapterWithEdits(text, new Map([['cell-1', '2']]));
    expect(cells(parsedBlocks(exported)).map((c) => c.source)).toEqual(['2']);
  });
});

describe('editedSources', () => {
  it('lists only cells whose source differs from the original, by id', () => {
    const notebook = {
      order: ['a', 'b'],
      cells: { a: { source: 'x', original: 'x' }, b: { source: 'y2', original: 'y' } },
    };
    expect([...editedSources(notebook)]).toEqual([['b', 'y2']]);
  });
});

describe('block end lines', () => {
  it('gives every cell and exercise the line of its closing fence', () => {
    const blocks = readChapter(CHAPTER).blocks;
    const lines = CHAPTER.split('\n');
    for (const block of [...cells(blocks), ...exercises(blocks)]) {
      expect(lines[block.end - 1]).toBe('```');
    }
    expect(cells(blocks).map((c) => [c.line, c.end])).toEqual([
      [10, 13],
      [21, 23],
    ]);
  });
});

function readChapterStarter(text: string, id: string): string {
  return exercises(readChapter(text).blocks).find((e) => e.exercise.id === id)!.exercise.starter;
}

describe('a malformed file', () => {
  it('keeps every block that parsed beside its located problems, and exports with edits', () => {
    const text = fixture('02-malformed.md');
    const { errors, blocks } = readChapter(text);
    expect(errors.map((e) => [e.line, e.column])).toEqual([
      [3, 1],
      [7, 1],
      [16, 1],
      [17, 16],
      [18, 1],
      [19, 1],
      [22, 1],
      [26, 1],
      [26, 12],
      [30, 1],
    ]);
    expect(cells(blocks).map((c) => [c.line, c.source])).toEqual([
      [11, '1'],
      [26, '2'],
      [30, '3'],
    ]);
    const exported = chapterWithEdits(text, new Map([['cell-3', '4']]));
    expect(cells(readChapter(exported).blocks).map((c) => c.source)).toEqual(['1', '2', '4']);
  });
});
