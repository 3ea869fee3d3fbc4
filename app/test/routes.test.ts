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
});

describe('readAppBasePath', () => {
  it('is the folder of the base URL', () => {
    expect(readAppBasePath('https://example.org/courses/actorbook/')).toBe('/courses/actorbook/');
    expect(readAppBasePath('https://example.org/courses/actorbook/index.html')).toBe(
      '/courses/actorbook/',
    );
  });
});
