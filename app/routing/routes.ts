/**
 * The app's URLs, relative to wherever the site is hosted. The build may be served from `/`, from
 * `/courses/actorbook/` or from any other folder, so every path here is read and written against
 * a base path that is only known at run time (see appBase.ts).
 */

export type Route =
  | { name: 'home' }
  | { name: 'chapter'; slug: string }
  /** A chapter imported into this browser (`yours/?id=<id>`); without an id, the list of them. */
  | { name: 'yours'; id: string | null }
  | { name: 'notFound'; path: string };

/** Routes the app can link to. */
export type LinkableRoute = Exclude<Route, { name: 'notFound' }>;

// A chapter page may be reached as chapters/x, chapters/x/, chapters/x/index.html or chapters/x.html,
// depending on how the static host maps URLs to the files the build writes.
const CHAPTER_PATH = /^chapters\/([^/]+?)(?:\.html|\/|\/index\.html)?$/;
// Local chapters share one page the build writes (`yours/index.html`, `yours.html`); which one it
// shows is in the query, so a chapter imported after the build still has a URL that reloads.
const YOURS_PATH = /^yours(?:\.html|\/|\/index\.html)?$/;

/**
 * Which page a pathname shows, given the base path the app is served from (ending in `/`) and
 * the URL's query (`?id=...`, read only by the local chapter page).
 */
export function routeFromPathname(pathname: string, basePath: string, search = ''): Route {
  if (!pathname.startsWith(basePath) && pathname !== basePath.slice(0, -1)) {
    return { name: 'notFound', path: pathname };
  }
  const relative = pathname.slice(basePath.length);
  if (relative === '' || relative === 'index.html') return { name: 'home' };

  const chapter = CHAPTER_PATH.exec(relative);
  if (chapter) {
    const slug = safeDecode(chapter[1]!);
    if (slug !== null) return { name: 'chapter', slug };
  }
  if (YOURS_PATH.test(relative)) {
    const id = new URLSearchParams(search).get('id');
    return { name: 'yours', id: id === '' ? null : id };
  }
  return { name: 'notFound', path: pathname };
}

/** The canonical pathname (with its query, for a local chapter) of a route under the base path. */
export function pathnameForRoute(route: LinkableRoute, basePath: string): string {
  switch (route.name) {
    case 'home':
      return basePath;
    case 'chapter':
      return `${basePath}chapters/${encodeURIComponent(route.slug)}`;
    case 'yours':
      return route.id === null
        ? `${basePath}yours/`
        : `${basePath}yours/?id=${encodeURIComponent(route.id)}`;
  }
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
