import { describe, expect, it } from 'vitest';
import { readChapter } from '../../engine/index';
import { chapterCellCount, chapterSegments } from '../../markdown/chapterSegments';
import { slugifyHeading } from '../../markdown/headingSlug';

const fence = '```';

/** The page's segments of a chapter body, read by the engine's parser as the page reads it. */
const segmentsOf = (body: string) => chapterSegments(readChapter(body).blocks);

describe('chapterSegments', () => {
  it('turns ts blocks into cells between prose, in order', () => {
    const segments = segmentsOf(
      [
        '# Title',
        '',
        'Some *prose* with a [link][ref].',
        '',
        `${fence}ts`,
        'const a = 1;',
        fence,
        '',
        'More prose.',
        '',
        `${fence}ts id=second`,
        'a + 1',
        fence,
        '',
        '[ref]: https://example.org/',
      ].join('\n'),
    );
    expect(segments).toEqual([
      {
        kind: 'prose',
        parts: [
          {
            kind: 'markdown',
            markdown:
              '# Title\n\nSome *prose* with a [link][ref].\n\n[ref]: https://example.org/\n',
            headingIds: ['title'],
          },
        ],
      },
      { kind: 'cell', id: 'cell-1', source: 'const a = 1;' },
      {
        kind: 'prose',
        parts: [
          {
            kind: 'markdown',
            markdown: 'More prose.\n\n[ref]: https://example.org/\n',
            headingIds: [],
          },
        ],
      },
      { kind: 'cell', id: 'second', source: 'a + 1' },
    ]);
  });

  it('never shows expect blocks, and shows other code blocks as code', () => {
    const segments = segmentsOf(
      [
        `${fence}ts`,
        '1',
        fence,
        `${fence}expect`,
        'value: 1',
        fence,
        `${fence}sh`,
        'ls',
        fence,
      ].join('\n'),
    );
    expect(segments).toHaveLength(2);
    expect(segments[1]).toEqual({
      kind: 'prose',
      parts: [{ kind: 'markdown', markdown: '```sh\nls\n```', headingIds: [] }],
    });
    expect(JSON.stringify(segments)).not.toContain('value: 1');
  });

  it('numbers cells without an id, and does not reuse an id twice', () => {
    const segments = segmentsOf(
      [
        `${fence}ts id=x`,
        '1',
        fence,
        `${fence}ts id=x`,
        '2',
        fence,
        `${fence}ts id=9bad`,
        '3',
        fence,
      ].join('\n'),
    );
    expect(segments.map((segment) => segment.kind === 'cell' && segment.id)).toEqual([
      'x',
      'cell-2',
      'cell-3',
    ]);
  });

  it('gives headings ids numbered across the whole chapter, so a repeated heading gets -2', () => {
    const segments = segmentsOf(
      [
        '# Links and *trapping* exits',
        '',
        '## Try it',
        '',
        `${fence}ts`,
        '1',
        fence,
        '',
        '## Try it',
        '',
        '> ### Ça va?',
      ].join('\n'),
    );
    expect(
      segments.map(
        (segment) =>
          segment.kind === 'prose' &&
          segment.parts.flatMap((part) => (part.kind === 'markdown' ? part.headingIds : [])),
      ),
    ).toEqual([['links-and-trapping-exits', 'try-it'], false, ['try-it-2', 'ca-va']]);
  });

  it('cuts prose around mermaid blocks and shares out the heading ids and link definitions', () => {
    const segments = segmentsOf(
      [
        '## Before',
        '',
        'See [the docs][d].',
        '',
        `${fence}mermaid`,
        'flowchart LR',
        '  a --> b',
        fence,
        '',
        '## After',
        '',
        '## After',
        '',
        '[d]: https://example.org/',
      ].join('\n'),
    );
    expect(segments).toEqual([
      {
        kind: 'prose',
        parts: [
          {
            kind: 'markdown',
            markdown: '## Before\n\nSee [the docs][d].\n\n[d]: https://example.org/\n',
            headingIds: ['before'],
          },
          { kind: 'mermaid', source: 'flowchart LR\n  a --> b' },
          {
            kind: 'markdown',
            markdown: '## After\n\n## After\n\n[d]: https://example.org/\n',
            headingIds: ['after', 'after-2'],
          },
        ],
      },
    ]);
  });

  it('leaves prose without diagrams whole', () => {
    const markdown = `Text\n\n${fence}sh\nls\n${fence}`;
    expect(segmentsOf(markdown)).toEqual([
      { kind: 'prose', parts: [{ kind: 'markdown', markdown, headingIds: [] }] },
    ]);
  });

  it('shows the same cells the chapter check runs, and counts them', () => {
    const body = [
      `${fence}ts id=one`,
      '1',
      fence,
      `${fence}expect`,
      'value: 1',
      fence,
      '~~~ts',
      '2',
      '~~~',
      '',
      `${fence}text`,
      `${fence}ts`,
      'not a cell: inside a text block',
      fence,
    ].join('\n');
    const { blocks } = readChapter(body);
    const cells = segmentsOf(body).filter((segment) => segment.kind === 'cell');

    expect(cells.map((cell) => cell.source)).toEqual(
      blocks.flatMap((block) => (block.kind === 'cell' ? [block.source] : [])),
    );
    expect(cells.map((cell) => cell.source)).toEqual(['1', '2']);
    expect(chapterCellCount(blocks)).toBe(2);
  });

  it('runs a fence left open to the end of the chapter, as Markdown renderers do', () => {
    const segments = segmentsOf(['Intro', '', `${fence}ts`, 'const a = 1;', ''].join('\n'));
    expect(segments).toEqual([
      { kind: 'prose', parts: [{ kind: 'markdown', markdown: 'Intro', headingIds: [] }] },
      { kind: 'cell', id: 'cell-1', source: 'const a = 1;' },
    ]);
  });
});

describe('slugifyHeading', () => {
  it('makes readable, stable ids', () => {
    expect(slugifyHeading('Links and `trap_exit`!')).toBe('links-and-trap_exit');
    expect(slugifyHeading('  Ça  va — bien?  ')).toBe('ca-va-bien');
    expect(slugifyHeading('???')).toBe('section');
  });
});

describe('chapterSegments: exercises', () => {
  const exerciseChapter = [
    'Intro',
    '',
    '```ts exercise=sum',
    'const sum = 0;',
    '```',
    '',
    '```ts check=sum',
    "check.equal(sum, 6, 'sum');",
    '```',
    '',
    '```ts solution=sum',
    'const sum = 6;',
    '```',
    '',
    '```hint=sum',
    'Add them up.',
    '```',
    '',
    'After',
  ].join('\n');

  it('shows an exercise as a cell of its own and hides its check, solution and hints', () => {
    const segments = segmentsOf(exerciseChapter);
    expect(segments.map((s) => s.kind)).toEqual(['prose', 'exercise', 'prose']);
    expect(segments[1]).toMatchObject({
      kind: 'exercise',
      id: 'sum',
      source: 'const sum = 0;',
      exercise: {
        check: "check.equal(sum, 6, 'sum');",
        solution: 'const sum = 6;',
        hints: ['Add them up.'],
      },
    });
    expect(
      segments
        .flatMap((s) => (s.kind === 'prose' ? s.parts : []))
        .map((p) => (p.kind === 'markdown' ? p.markdown : ''))
        .join(''),
    ).not.toMatch(/check\.equal|const sum = 6|Add them up/);
  });

  it('keeps an exercise missing its check as a plain cell', () => {
    const segments = segmentsOf('```ts exercise=lone\n1\n```\n');
    expect(segments).toEqual([{ kind: 'cell', id: 'lone', source: '1' }]);
  });
});
