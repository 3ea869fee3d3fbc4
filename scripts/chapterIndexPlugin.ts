/**
 * Serves the course's chapter index (app/chapters/chapterIndex.ts) as the virtual module
 * `virtual:chapter-index`: every chapter file's slug, file name, title, part, order, problems
 * and cell and exercise counts, read at build time by the engine's one chapter parser. The
 * contents, previous/next and the course's exercise totals use it, so no page but a chapter's
 * own ever fetches a chapter file. The app imports it lazily: a small chunk of its own.
 *
 * In the dev server, adding, removing or editing a chapter file rebuilds the index and reloads.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Plugin, ViteDevServer } from 'vite';
import { buildChapterIndex } from '../app/chapters/chapterIndex.ts';
import { chapterSlugFromFile } from '../app/chapters/chapterSlug.ts';
// The engine's parser itself, not its entry: the entry brings the compiler's wasm import.
import { readChapter } from '../app/engine/chapterFormat.ts';

const VIRTUAL_ID = 'virtual:chapter-index';
const RESOLVED_ID = `\0${VIRTUAL_ID}`;

/**
 * Every chapter file of a folder, keyed as the app's `import.meta.glob('/chapters/*.md')` keys
 * them (`/chapters/<file>`), so the index and the chapter loaders name files the same way.
 */
export function readChapterSources(chaptersDir: string): Record<string, string> {
  const sources: Record<string, string> = {};
  for (const fileName of readdirSync(chaptersDir).sort()) {
    if (chapterSlugFromFile(fileName) === null) continue;
    sources[`/chapters/${fileName}`] = readFileSync(path.join(chaptersDir, fileName), 'utf8');
  }
  return sources;
}

/** The module text of `virtual:chapter-index` for a folder of chapter files. */
export function chapterIndexModule(chaptersDir: string): string {
  const index = buildChapterIndex(readChapterSources(chaptersDir), readChapter);
  // JSON.parse of a string literal is parsed faster than the same data as an object literal.
  return `export default JSON.parse(${JSON.stringify(JSON.stringify(index))});\n`;
}

export function chapterIndexPlugin({ chaptersDir }: { chaptersDir: string }): Plugin {
  const isChapterFile = (file: string) =>
    path.dirname(file) === chaptersDir && chapterSlugFromFile(file) !== null;
  return {
    name: 'actorbook:chapter-index',
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : null;
    },
    load: {
      filter: { id: new RegExp(`^${RESOLVED_ID}$`) },
      handler(id) {
        if (id !== RESOLVED_ID) return null;
        return chapterIndexModule(chaptersDir);
      },
    },
    configureServer(server: ViteDevServer) {
      const onFileEvent = (file: string) => {
        if (!isChapterFile(file)) return;
        const module = server.moduleGraph.getModuleById(RESOLVED_ID);
        if (module) server.moduleGraph.invalidateModule(module);
        server.ws.send({ type: 'full-reload' });
      };
      server.watcher.add(chaptersDir);
      server.watcher.on('add', onFileEvent);
      server.watcher.on('unlink', onFileEvent);
      server.watcher.on('change', onFileEvent);
    },
  };
}
