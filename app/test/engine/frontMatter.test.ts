import { describe, expect, it } from 'vitest';
import { parseFrontMatter } from '../../engine/frontMatter';

describe('parseFrontMatter', () => {
  it('reads title, part and order and returns the Markdown after the block', () => {
    const result = parseFrontMatter('---\ntitle: Links\npart: 2\norder: 3\n---\n# Links\n');

    expect(result).toEqual({
      ok: true,
      meta: { title: 'Links', part: 2, order: 3 },
      body: '# Links\n',
    });
  });

  it('accepts quoted values, Windows line endings, comments and unknown keys', () => {
    const source =
      '---\r\n# draft\r\ntitle: "Tasks: async"\r\npart: 7\r\norder: 1.5\r\nextra: x\r\n---\r\nbody';

    expect(parseFrontMatter(source)).toEqual({
      ok: true,
      meta: { title: 'Tasks: async', part: 7, order: 1.5 },
      body: 'body',
    });
  });

  it('reports a file without front matter and keeps the whole file as the body', () => {
    const result = parseFrontMatter('# Just a heading\n');

    expect(result).toEqual({
      ok: false,
      problems: ['the file does not start with a --- front matter block'],
      body: '# Just a heading\n',
    });
  });

  it('reports a block that is never closed', () => {
    expect(parseFrontMatter('---\ntitle: Open\n')).toMatchObject({
      ok: false,
      problems: ['the front matter block has no closing ---'],
    });
  });

  it('reports every invalid or missing field at once', () => {
    const result = parseFrontMatter('---\npart: two\norder:\nnot a field\n---\ntext');

    expect(result).toEqual({
      ok: false,
      problems: [
        'front matter line 4 is not "key: value"',
        'title is missing',
        'part must be a whole number (0 or more)',
        'order must be a number',
      ],
      body: 'text',
    });
  });
});
