import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ChapterError, ParsedChapter } from '../../engine/chapterFormat';
import { chapterCells, parseChapter } from '../../engine/chapterFormat';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/chapters/${name}`, import.meta.url), 'utf8');

const FRONT = '---\ntitle: T\npart: 1\norder: 1\n---\n';

function parsed(text: string): ParsedChapter {
  const result = parseChapter(text, 'x.md');
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.chapter;
}

function errorsOf(text: string): ChapterError[] {
  const result = parseChapter(text, 'x.md');
  if (result.ok) throw new Error('expected the chapter to be malformed');
  return [...result.errors];
}

/** A one-line cell (fence at line 7) and its expect block, whose first line is line 12. */
const withExpect = (...lines: string[]) =>
  `${FRONT}\n\`\`\`ts\n1\n\`\`\`\n\n\`\`\`expect\n${lines.join('\n')}\n\`\`\`\n`;

describe('parseChapter: blocks', () => {
  it('reads front matter and the blocks in order, each with its line', () => {
    const chapter = parsed(fixture('01-all-blocks.md'));

    expect(chapter.meta).toEqual({ title: 'All blocks', part: 1, order: 2 });
    expect(chapter.blocks.map((b) => [b.kind, b.line])).toEqual([
      ['markdown', 7],
      ['cell', 11],
      ['mermaid', 27],
      ['markdown', 32],
      ['cell', 42],
      ['cell', 54],
      ['cell', 62],
    ]);
    expect(chapter.blocks[0]).toMatchObject({ text: '# All blocks\n\nSome prose.' });
    expect(chapter.blocks[2]).toMatchObject({ source: 'graph LR\n  a --> b' });
  });

  it('takes the cell id from the fence and the source between the fences', () => {
    const cells = chapterCells(parsed(fixture('01-all-blocks.md')));

    expect(cells.map((c) => c.id)).toEqual(['first', 'crash', null, null]);
    expect(cells[0]!.source).toBe("IO.puts('one');\nIO.puts('two');\n1 + 1");
  });

  it('treats other fenced blocks as Markdown, a ts fence inside a longer fence included', () => {
    const chapter = parsed(fixture('01-all-blocks.md'));

    expect(chapter.blocks[3]).toMatchObject({ kind: 'markdown' });
    expect((chapter.blocks[3] as { text: string }).text).toContain('not a cell');
    expect((chapter.blocks[3] as { text: string }).text).toContain('```sh');
  });

  it('accepts Windows line endings and a byte order mark', () => {
    const text = `\uFEFF${FRONT}\`\`\`ts\n1\n\`\`\`\n`.replace(/\n/g, '\r\n');

    expect(chapterCells(parsed(text))).toMatchObject([{ line: 6, source: '1' }]);
  });
});

describe('parseChapter: expect blocks', () => {
  it('attaches an expect block to the cell right before it, blank lines allowed', () => {
    const [first, crash, fresh, quiet] = chapterCells(parsed(fixture('01-all-blocks.md')));

    expect(first!.expect).toMatchObject({
      line: 17,
      status: 'ok',
      checks: [
        { key: 'value', line: 20, when: 'cell', test: { kind: 'equals', text: '2' } },
        { key: 'stdout', line: 21, test: { kind: 'equals', text: 'one\ntwo' } },
        { key: 'stderr', line: 24, test: { kind: 'equals', text: '' } },
      ],
    });
    expect(crash!.expect).toMatchObject({
      status: 'exit',
      checks: [
        { key: 'reason matches', subject: 'reason', test: { kind: 'matches', regex: /bo+m/i } },
        { key: 'final stderr contains', when: 'final', test: { kind: 'contains', text: 'boom' } },
      ],
    });
    expect(fresh!.expect?.checks).toMatchObject([
      { key: 'value differs from', test: { kind: 'differs from', cellId: 'first' } },
    ]);
    expect(quiet!.expect).toBeNull();
  });

  it('keeps the expected text exactly, colons and quotes included', () => {
    const [cell] = chapterCells(
      parsed(withExpect("value: ['ok', 'a: b']", 'stdout contains:  x ')),
    );

    expect(cell!.expect?.checks.map((c) => c.test)).toEqual([
      { kind: 'equals', text: "['ok', 'a: b']" },
      { kind: 'contains', text: 'x' },
    ]);
  });

  it('allows repeated contains and matches lines', () => {
    const [cell] = chapterCells(parsed(withExpect('stdout contains: a', 'stdout contains: b')));

    expect(cell!.expect?.checks).toHaveLength(2);
  });
});

describe('parseChapter: located errors', () => {
  it('reports every problem of a malformed file with its line and column', () => {
    const errors = errorsOf(fixture('02-malformed.md'));

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
    expect(errors.map((e) => e.message)).toEqual([
      'front matter: part must be a whole number (0 or more)',
      'an expect block must come right after the ```ts cell it checks',
      expect.stringMatching(/^unknown expectation "stdout contain"/),
      expect.stringMatching(/^bad regular expression: .*\(unclosed/),
      '"reason" needs status exit, but the cell is expected to end with status ok',
      'no cell before this one has id=later',
      'the cell at line 11 already has an expect block',
      'cell id "a" is already used by the cell at line 11',
      'unknown cell option "oops": a ts cell takes only id=<name>',
      'this ``` fence is never closed',
    ]);
  });

  it('reports a missing front matter block at line 1', () => {
    expect(errorsOf('# No front matter\n')).toEqual([
      {
        line: 1,
        column: 1,
        message: 'front matter: the file does not start with a --- front matter block',
      },
    ]);
  });

  it('points a missing or bad front matter field at its line, or at the block', () => {
    expect(errorsOf('---\npart: 1\norder: x\n---\n')).toEqual([
      { line: 1, column: 1, message: 'front matter: title is missing' },
      { line: 3, column: 1, message: 'front matter: order must be a number' },
    ]);
  });

  it('reports an expect block that follows prose instead of a cell', () => {
    const text = `${FRONT}\`\`\`ts\n1\n\`\`\`\nProse.\n\`\`\`expect\nvalue: 1\n\`\`\`\n`;

    expect(errorsOf(text)).toMatchObject([
      { line: 10, message: expect.stringMatching(/right after/) },
    ]);
  });

  it('reports an unclosed cell at its opening fence', () => {
    expect(errorsOf(`${FRONT}\n  \`\`\`ts\n1\n`)).toEqual([
      { line: 7, column: 3, message: 'this ``` fence is never closed' },
    ]);
  });

  it.each([
    ['status: done', 12, 9, /status must be one of ok, error, exit, compile_error/],
    ['  final value: 1', 12, 3, /unknown expectation "final value"/],
    ['value is 1', 12, 1, /expected "key: expected text"/],
    ['value matches: hello', 12, 16, /expected a regular expression/],
    ['value matches: /a/g', 12, 16, /flags may only be i, m, s and u/],
    ['stdout: a\nstdout: b', 13, 1, /"stdout" is given twice/],
    ['status: ok\nstatus: exit', 13, 1, /status is given twice/],
    ['status: exit\nvalue: 1', 13, 1, /"value" needs status ok/],
    ['status: ok\nerror contains: x', 13, 1, /needs status error or compile_error/],
    ['stdout contains:', 12, 17, /needs a text/],
    ['| stray', 12, 1, /a \| line continues a key/],
    ['value same as: 9lives', 12, 16, /takes the id of an earlier cell/],
  ])('rejects %j', (lines, line, column, message) => {
    const errors = errorsOf(withExpect(lines));

    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line, column, message: expect.stringMatching(message) });
  });

  it('rejects a cell that refers to itself and options on an expect block', () => {
    const self = `${FRONT}\`\`\`ts id=me\n1\n\`\`\`\n\`\`\`expect\nvalue same as: me\n\`\`\`\n`;
    expect(errorsOf(self)).toMatchObject([
      { line: 10, message: '"value same as" names this same cell' },
    ]);

    const options = `${FRONT}\`\`\`ts\n1\n\`\`\`\n\`\`\`expect strict\n\`\`\`\n`;
    expect(errorsOf(options)).toMatchObject([
      { line: 9, column: 11, message: 'an expect block takes no options' },
    ]);
  });
});
