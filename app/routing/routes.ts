/**
 * The app's URLs, relative to wherever the site is hosted. The build may be served from `/`, from
 * `/courses/actorbook/` or from any other folder, so every path here is read and written against
 * a base path that is only known at run time (see appBase.ts).
 */

export type Route =
  { name: 'home' } | { name: 'chapter'; slug: string } | { name: 'notFound'; path: string };

/** Routes the app can link to. */
export type LinkableRoute = Exclude<Route, { name: 'notFound' }>;

// A chapter page may be reached as chapters/x, chapters/x/, chapters/x/index.html or chapters/x.html,
// depending on how the static host maps URLs to the files the build writes.
const CHAPTER_PATH = /^chapters\/([^/]+?)(?:\.html|\/|\/index\.html)?$/;

/** Which page a pathname shows, given the base path the app is served from (ending in `/`). */
export function routeFromPathname(pathname: string, basePath: string): Route {
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
  return { name: 'notFound', path: pathname };
}

/** The canonical pathname of a route under the given base path. */
export function pathnameForRoute(route: LinkableRoute, basePath: string): string {
  switch (route.name) {
    case 'home':
      return basePath;
    case 'chapter':
      return `${basePath}chapters/${encodeURIComponent(route.slug)}`;
  }
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
