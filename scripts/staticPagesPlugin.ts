/**
 * Makes the static build work from any folder of any static host.
 *
 * The build uses relative asset URLs (vite `base: './'`), which resolve against the page's base
 * URL. Every page therefore needs a base URL equal to the site root, whatever its own depth:
 * - `index.html` sits at the root, so it needs nothing;
 * - each chapter gets `chapters/<slug>/index.html` with `<base href="../../">` (hosts that map
 *   `/chapters/x` to a folder) and `chapters/<slug>.html` with `<base href="../">` (hosts, `vite
 *   preview` among them, that map it to `x.html`);
 * - chapters imported into a browser share one page, `yours/index.html` (`<base href="../">`) and
 *   `yours.html`, which reads the chapter's id from `?id=`: it exists on the host, so it reloads;
 * - `404.html` is served at any depth, so it finds the root at run time (see loadAppFromSiteRoot);
 * - the dev server serves index.html for every path, so it gets `<base href="/">`;
 * - `vite preview` would serve index.html for unknown paths too, where its relative URLs break,
 *   so here it answers them with 404.html, as a static host does.
 */
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plugin } from 'vite';
import { chapterSlugFromFile } from '../app/chapters/chapterSlug.ts';

/** The slugs of the chapter files in a folder; fails on two files with one slug. */
export function readChapterSlugs(chaptersDir: string): string[] {
  const owners = new Map<string, string>();
  for (const fileName of readdirSync(chaptersDir).sort()) {
    const slug = chapterSlugFromFile(fileName);
    if (slug === null) continue;
    const owner = owners.get(slug);
    if (owner !== undefined) {
      throw new Error(`chapters/${fileName} and chapters/${owner} would both be /chapters/${slug}`);
    }
    owners.set(slug, fileName);
  }
  return [...owners.keys()];
}

/** Inserts `<base href>` first in `<head>`, before anything with a relative URL. */
export function withBaseHref(html: string, href: string, beforeBase = ''): string {
  if (!html.includes('<head>')) throw new Error('index.html has no <head> to put <base> in');
  return html.replace('<head>', `<head>\n    ${beforeBase}<base href="${href}" />`);
}

// A folder page reached without its trailing slash would resolve "../../" one level too high;
// most hosts redirect to the slash form themselves, this covers the ones that do not.
const ENSURE_TRAILING_SLASH =
  '<script>if(!/\\/(index\\.html)?$/.test(location.pathname))' +
  "location.replace(location.pathname+'/'+location.search+location.hash)</script>\n    ";

const ENTRY_TAGS =
  /\s*<(?:script type="module"[^>]*src="([^"]+)"[^>]*><\/script>|link rel="(stylesheet|modulepreload|icon)"[^>]*href="([^"]+)"[^>]*>)/g;

/**
 * The 404 page: index.html with its entry tags replaced by a loader that finds the site root,
 * sets `<base>` to it and then loads the app, which shows its own not-found page.
 */
export function notFoundPageFrom(indexHtml: string): string {
  const scripts: string[] = [];
  const links: Array<[rel: string, href: string]> = [];
  const stripped = indexHtml.replace(
    ENTRY_TAGS,
    (_tag, scriptSrc: string | undefined, rel: string, href: string) => {
      if (scriptSrc) scripts.push(scriptSrc);
      else links.push([rel, href]);
      return '';
    },
  );
  const [entry, ...others] = scripts;
  if (entry === undefined || others.length > 0) {
    throw new Error('expected exactly one module script in the built index.html');
  }
  const loader = `<script>(${loadAppFromSiteRoot.toString()})(${JSON.stringify(entry)}, ${JSON.stringify(links)})</script>`;
  return stripped.replace('</head>', `    ${loader}\n  </head>`);
}

/**
 * Runs in the browser, inlined into 404.html. The site root is the deepest folder of the current
 * path from which the app's entry script loads; hashed asset names make a false match unlikely.
 */
function loadAppFromSiteRoot(entry: string, links: Array<[string, string]>): void {
  const folders: string[] = [];
  for (let folder = location.pathname.replace(/[^/]*$/, ''); ;) {
    folders.push(folder);
    if (folder === '/') break;
    folder = folder.replace(/[^/]*\/$/, '');
  }
  const relativeEntry = entry.replace(/^\.\//, '');
  const isScript = (response: Response) =>
    response.ok && /javascript/.test(response.headers.get('content-type') ?? '');

  void (async () => {
    for (const folder of folders) {
      const response = await fetch(folder + relativeEntry, { method: 'HEAD' }).catch(() => null);
      if (!response || !isScript(response)) continue;
      const base = document.createElement('base');
      base.href = folder;
      document.head.prepend(base);
      for (const [rel, href] of links) {
        const link = document.createElement('link');
        link.rel = rel;
        link.href = href;
        link.crossOrigin = '';
        document.head.append(link);
      }
      const script = document.createElement('script');
      script.type = 'module';
      script.crossOrigin = '';
      script.src = entry;
      document.head.append(script);
      return;
    }
    document.body.textContent = 'Page not found.';
  })();
}

/** Whether a static host would find a page for `pathname` in `root`, by any usual mapping. */
function hasPageFor(root: string, pathname: string): boolean {
  const file = path.join(root, pathname.replace(/\/$/, ''));
  if (!file.startsWith(root)) return false;
  const candidates = [file, `${file}.html`, path.join(file, 'index.html')];
  return candidates.some((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

function decodedPathname(url: string): string | null {
  try {
    return decodeURIComponent(new URL(url, 'http://host').pathname);
  } catch {
    return null;
  }
}

/** The Vite plugin: a base URL for the dev server, and the extra pages of the static build. */
export function staticPagesPlugin({ chaptersDir }: { chaptersDir: string }): Plugin {
  let outDir = '';
  return {
    name: 'actorbook:static-pages',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    configurePreviewServer(server) {
      server.middlewares.use((request, response, next) => {
        const pathname = decodedPathname(request.url ?? '/');
        const wantsPage = request.headers.accept?.includes('text/html') ?? false;
        if (!wantsPage || pathname === null || hasPageFor(outDir, pathname)) return next();
        response.statusCode = 404;
        response.setHeader('content-type', 'text/html; charset=utf-8');
        createReadStream(path.join(outDir, '404.html')).pipe(response);
      });
    },
    transformIndexHtml(html, context) {
      return context.server ? withBaseHref(html, '/') : html;
    },
    async writeBundle() {
      const indexHtml = await readFile(path.join(outDir, 'index.html'), 'utf8');
      const folderPage = withBaseHref(indexHtml, '../../', ENSURE_TRAILING_SLASH);
      const filePage = withBaseHref(indexHtml, '../');
      for (const slug of readChapterSlugs(chaptersDir)) {
        const folder = path.join(outDir, 'chapters', slug);
        await mkdir(folder, { recursive: true });
        await writeFile(path.join(folder, 'index.html'), folderPage);
        await writeFile(path.join(outDir, 'chapters', `${slug}.html`), filePage);
      }
      await mkdir(path.join(outDir, 'yours'), { recursive: true });
      await writeFile(
        path.join(outDir, 'yours', 'index.html'),
        withBaseHref(indexHtml, '../', ENSURE_TRAILING_SLASH),
      );
      await writeFile(path.join(outDir, 'yours.html'), withBaseHref(indexHtml, './'));
      await writeFile(path.join(outDir, '404.html'), notFoundPageFrom(indexHtml));
    },
  };
}
