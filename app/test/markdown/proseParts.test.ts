import { describe, expect, it } from 'vitest';
import { slugifyHeading } from '../../markdown/headingSlug';
import { splitProse } from '../../markdown/proseParts';

const fence = '```';

describe('splitProse', () => {
  it('cuts prose around mermaid blocks and shares out the heading ids and link definitions', () => {
    const parts = splitProse(
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
        '[d]: https://example.org/',
      ].join('\n'),
      ['before', 'after-2'],
    );
    expect(parts).toEqual([
      {
        kind: 'markdown',
        markdown: '## Before\n\nSee [the docs][d].\n\n[d]: https://example.org/\n',
        headingIds: ['before'],
      },
      { kind: 'mermaid', source: 'flowchart LR\n  a --> b' },
      {
        kind: 'markdown',
        markdown: '## After\n\n[d]: https://example.org/\n',
        headingIds: ['after-2'],
      },
    ]);
  });

  it('leaves prose without diagrams whole', () => {
    const markdown = `Text\n\n${fence}sh\nls\n${fence}`;
    expect(splitProse(markdown, [])).toEqual([{ kind: 'markdown', markdown, headingIds: [] }]);
  });
});

describe('slugifyHeading', () => {
  it('makes readable, stable ids', () => {
    expect(slugifyHeading('Links and `trap_exit`!')).toBe('links-and-trap_exit');
    expect(slugifyHeading('  Ça  va — bien?  ')).toBe('ca-va-bien');
    expect(slugifyHeading('???')).toBe('section');
  });
});
