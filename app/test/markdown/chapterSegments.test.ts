import { describe, expect, it } from 'vitest';
import { splitChapterMarkdown } from '../../markdown/chapterSegments';

const fence = '```';

describe('splitChapterMarkdown', () => {
  it('turns ts blocks into cells between prose, in order', () => {
    const segments = splitChapterMarkdown(
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
        markdown: '# Title\n\nSome *prose* with a [link][ref].\n\n[ref]: https://example.org/\n',
        headingIds: ['title'],
      },
      { kind: 'cell', id: 'cell-1', source: 'const a = 1;' },
      { kind: 'prose', markdown: 'More prose.\n\n[ref]: https://example.org/\n', headingIds: [] },
      { kind: 'cell', id: 'second', source: 'a + 1' },
    ]);
  });

  it('never shows expect blocks, and shows other code blocks as code', () => {
    const segments = splitChapterMarkdown(
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
    expect(segments[1]).toEqual({ kind: 'prose', markdown: '```sh\nls\n```', headingIds: [] });
    expect(JSON.stringify(segments)).not.toContain('value: 1');
  });

  it('numbers cells without an id, and does not reuse an id twice', () => {
    const segments = splitChapterMarkdown(
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
    const segments = splitChapterMarkdown(
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
    expect(segments.map((segment) => segment.kind === 'prose' && segment.headingIds)).toEqual([
      ['links-and-trapping-exits', 'try-it'],
      false,
      ['try-it-2', 'ca-va'],
    ]);
  });
});

describe('splitChapterMarkdown: exercises', () => {
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
    const segments = splitChapterMarkdown(exerciseChapter);
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
    expect(segments.map((s) => (s.kind === 'prose' ? s.markdown : '')).join('')).not.toMatch(
      /check\.equal|const sum = 6|Add them up/,
    );
  });

  it('keeps an exercise missing its check as a plain cell', () => {
    const segments = splitChapterMarkdown('```ts exercise=lone\n1\n```\n');
    expect(segments).toEqual([{ kind: 'cell', id: 'lone', source: '1' }]);
  });
});
