import { describe, expect, it } from 'vitest';
import { readAppBasePath } from '../routing/appBase';
import { pathnameForRoute, routeFromPathname } from '../routing/routes';

describe('routeFromPathname', () => {
  const base = '/courses/actorbook/';

  it('reads the home page at the base path, with or without index.html', () => {
    expect(routeFromPathname('/courses/actorbook/', base)).toEqual({ name: 'home' });
    expect(routeFromPathname('/courses/actorbook/index.html', base)).toEqual({ name: 'home' });
  });

  it('reads a chapter in every form a static host may serve it', () => {
    for (const path of ['start', 'start/', 'start/index.html', 'start.html']) {
      expect(routeFromPathname(`/courses/actorbook/chapters/${path}`, base)).toEqual({
        name: 'chapter',
        slug: 'start',
      });
    }
  });

  it('decodes an escaped slug', () => {
    expect(routeFromPathname('/chapters/caf%C3%A9', '/')).toEqual({
      name: 'chapter',
      slug: 'café',
    });
  });

  it('reads a local chapter page in every form a static host may serve it, its id from the query', () => {
    for (const path of ['yours', 'yours/', 'yours/index.html', 'yours.html']) {
      expect(routeFromPathname(`/courses/actorbook/${path}`, base, '?id=greeter-2')).toEqual({
        name: 'yours',
        id: 'greeter-2',
      });
    }
    expect(routeFromPathname('/courses/actorbook/yours/', base)).toEqual({
      name: 'yours',
      id: null,
    });
    expect(routeFromPathname('/courses/actorbook/yours/', base, '?id=')).toEqual({
      name: 'yours',
      id: null,
    });
  });

  it('reports anything else, or anything outside the base path, as not found', () => {
    for (const path of ['/courses/actorbook/nope', '/courses/actorbook/chapters/a/b', '/other/']) {
      expect(routeFromPathname(path, base)).toEqual({ name: 'notFound', path });
    }
  });
});

describe('pathnameForRoute', () => {
  it('writes routes under the base path, and reads back what it writes', () => {
    const chapter = { name: 'chapter', slug: 'links and exits' } as const;
    const pathname = pathnameForRoute(chapter, '/site/');

    expect(pathname).toBe('/site/chapters/links%20and%20exits');
    expect(routeFromPathname(pathname, '/site/')).toEqual(chapter);
    expect(pathnameForRoute({ name: 'home' }, '/site/')).toBe('/site/');
  });

  it('writes a local chapter as the one page with its id in the query, and reads it back', () => {
    const local = { name: 'yours', id: 'my chapter' } as const;
    const href = pathnameForRoute(local, '/site/');
    expect(href).toBe('/site/yours/?id=my%20chapter');
    const [pathname, query] = href.split('?');
    expect(routeFromPathname(pathname!, '/site/', `?${query}`)).toEqual(local);
    expect(pathnameForRoute({ name: 'yours', id: null }, '/site/')).toBe('/site/yours/');
  });
});

describe('readAppBasePath', () => {
  it('is the folder of the base URL', () => {
    expect(readAppBasePath('https://example.org/courses/actorbook/')).toBe('/courses/actorbook/');
    expect(readAppBasePath('https://example.org/courses/actorbook/index.html')).toBe(
      '/courses/actorbook/',
    );
  });
});
