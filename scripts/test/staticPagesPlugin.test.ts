import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { notFoundPageFrom, readChapterSlugs, withBaseHref } from '../staticPagesPlugin';

const BUILT_INDEX = `<!doctype html>
<html>
  <head>
    <link rel="icon" type="image/svg+xml" href="./favicon.svg" />
    <title>Actorbook</title>
    <script type="module" crossorigin src="./assets/index-abc.js"></script>
    <link rel="stylesheet" crossorigin href="./assets/index-def.css">
  </head>
  <body><div id="root"></div></body>
</html>`;

async function chaptersFolder(fileNames: string[]): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), 'actorbook-chapters-'));
  await Promise.all(fileNames.map((name) => writeFile(path.join(folder, name), '')));
  return folder;
}

describe('readChapterSlugs', () => {
  it('finds the slug of every Markdown file', async () => {
    const folder = await chaptersFolder(['00-start.md', '10-processes.md', 'notes.txt']);

    expect(readChapterSlugs(folder)).toEqual(['start', 'processes']);
  });

  it('fails the build when two files would share a URL', async () => {
    const folder = await chaptersFolder(['01-intro.md', '02-intro.md']);

    expect(() => readChapterSlugs(folder)).toThrow(/02-intro.md and chapters\/01-intro.md/);
  });
});

describe('withBaseHref', () => {
  it('puts <base> first in <head>, before any relative URL', () => {
    const page = withBaseHref(BUILT_INDEX, '../../');

    expect(page.indexOf('<base href="../../" />')).toBeLessThan(page.indexOf('./favicon.svg'));
  });
});

describe('notFoundPageFrom', () => {
  it('replaces the entry tags with a loader that knows the entry and its styles', () => {
    const page = notFoundPageFrom(BUILT_INDEX);

    expect(page).not.toContain('<script type="module"');
    expect(page).not.toContain('<link rel="stylesheet"');
    expect(page).toContain(
      '("./assets/index-abc.js", [["icon","./favicon.svg"],["stylesheet","./assets/index-def.css"]])',
    );
  });
});
