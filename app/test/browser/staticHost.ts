/**
 * A deliberately plain static file host, like the ones the course will be published on: it
 * serves files under a folder prefix (so the build is proven not to assume it lives at `/`),
 * redirects folders to their trailing-slash form, and answers missing files with 404.html.
 * With `cleanUrls` it also serves `x.html` at `x`, as GitHub Pages, Netlify and `vite preview` do.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

export interface StaticHost {
  /** The site's root URL, ending in `/`. */
  url: string;
  close(): Promise<void>;
}

export interface StaticHostOptions {
  root: string;
  /** The folder the site is served under; starts and ends with `/`. */
  prefix: string;
  cleanUrls: boolean;
}

/** Serves a folder at http://127.0.0.1:<free port><prefix>. */
export async function startStaticHost({
  root,
  prefix,
  cleanUrls,
}: StaticHostOptions): Promise<StaticHost> {
  const server = createServer((request, response) => {
    void (async () => {
      const pathname = decodePathname(request.url ?? '/');
      if (pathname === null) {
        response.writeHead(400).end();
        return;
      }
      const file = pathname.startsWith(prefix)
        ? path.join(root, pathname.slice(prefix.length))
        : null;
      const found = file && file.startsWith(root) ? await stat(file).catch(() => null) : null;
      const htmlFile = `${file}.html`;
      const foundHtml = file && cleanUrls ? await stat(htmlFile).catch(() => null) : null;

      if (foundHtml?.isFile() && !pathname.endsWith('/')) {
        await send(htmlFile, 200);
      } else if (found?.isDirectory() && !pathname.endsWith('/')) {
        response.writeHead(301, { location: `${pathname}/` }).end();
      } else if (found?.isDirectory()) {
        await send(path.join(file!, 'index.html'), 200);
      } else if (found?.isFile()) {
        await send(file!, 200);
      } else {
        await send(path.join(root, '404.html'), 404);
      }
    })();

    async function send(file: string, status: number) {
      const exists = await stat(file).catch(() => null);
      if (!exists?.isFile()) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      if (request.method === 'HEAD') response.end();
      else createReadStream(file).pipe(response);
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function decodePathname(requestUrl: string): string | null {
  try {
    return decodeURIComponent(new URL(requestUrl, 'http://host').pathname);
  } catch {
    return null;
  }
}
