import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chapterIndexModule, readChapterSources } from '../chapterIndexPlugin';
import { readChapterSlugs } from '../staticPagesPlugin';

const repoChapters = fileURLToPath(new URL('../../chapters', import.meta.url));

/** Evaluates the virtual module's text the way the bundle does, and returns its default export. */
async function importModule(text: string): Promise<unknown> {
  const url = `data:text/javascript;base64,${Buffer.from(text).toString('base64')}`;
  return ((await import(url)) as { default: unknown }).default;
}

describe('chapterIndexPlugin', () => {
  it('reads every chapter file of the folder but the README, keyed like the app glob', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'actorbook-index-'));
    await writeFile(
      path.join(folder, '00-start.md'),
      '---\ntitle: Start\npart: 0\norder: 0\n---\n',
    );
    await writeFile(path.join(folder, 'README.md'), '# For authors\n');
    await writeFile(path.join(folder, 'notes.txt'), 'not a chapter');

    expect(Object.keys(readChapterSources(folder))).toEqual(['/chapters/00-start.md']);
  });

  it('serves an index of the course with one entry per page the build writes', async () => {
    const index = (await importModule(chapterIndexModule(repoChapters))) as Array<{
      slug: string;
      meta: { title: string } | null;
      cells: number;
    }>;

    expect(index.map((entry) => entry.slug).sort()).toEqual(readChapterSlugs(repoChapters).sort());
    expect(index[0]).toMatchObject({ slug: 'start', meta: { title: 'Start here' } });
    expect(index.every((entry) => entry.meta !== null && entry.cells > 0)).toBe(true);
  });
});
