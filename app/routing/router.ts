/**
 * History-based navigation without a router library: the app has two kinds of page, so a
 * pathname parser (routes.ts) and a subscription to `popstate` are all it needs.
 */
import { useSyncExternalStore } from 'react';
import { readAppBasePath } from './appBase';
import type { LinkableRoute, Route } from './routes';
import { pathnameForRoute, routeFromPathname } from './routes';
import { scrollToHash } from './scrollToHash';

const basePath = readAppBasePath();
const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', notify);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The href of a route on this host, with an optional `#fragment`. */
export function hrefFor(route: LinkableRoute, hash = ''): string {
  return pathnameForRoute(route, basePath) + hash;
}

/**
 * Moves to a route without reloading the page, as a new history entry. With a `#fragment` it
 * scrolls to that element once the page has rendered it, otherwise to the top.
 */
export function navigate(route: LinkableRoute, hash = ''): void {
  const href = hrefFor(route, hash);
  const here = window.location.pathname + window.location.search + window.location.hash;
  if (href === here && hash === '') {
    window.scrollTo(0, 0);
    return;
  }
  window.history.pushState(null, '', href);
  notify();
  if (hash === '') window.scrollTo(0, 0);
  else void scrollToHash(hash);
}

/** The route an in-app URL names (absolute, or relative to the document), or null for others. */
export function routeForUrl(url: string): { route: LinkableRoute; hash: string } | null {
  let parsed: URL;
  try {
    parsed = new URL(url, document.baseURI);
  } catch {
    return null;
  }
  if (parsed.origin !== window.location.origin) return null;
  const route = routeFromPathname(parsed.pathname, basePath, parsed.search);
  return route.name === 'notFound' ? null : { route, hash: parsed.hash };
}

// The query is part of what names a page (a local chapter's `?id=`), so a change to it re-renders.
function readLocation(): string {
  return window.location.pathname + window.location.search;
}

/** The route of the current URL; re-renders the caller when it changes. */
export function useRoute(): Route {
  const location = useSyncExternalStore(subscribe, readLocation);
  const query = location.indexOf('?');
  return query === -1
    ? routeFromPathname(location, basePath)
    : routeFromPathname(location.slice(0, query), basePath, location.slice(query));
}
