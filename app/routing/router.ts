/**
 * History-based navigation without a router library: the app has two kinds of page, so a
 * pathname parser (routes.ts) and a subscription to `popstate` are all it needs.
 */
import { useSyncExternalStore } from 'react';
import { readAppBasePath } from './appBase';
import type { LinkableRoute, Route } from './routes';
import { pathnameForRoute, routeFromPathname } from './routes';

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

/** The href of a route on this host. */
export function hrefFor(route: LinkableRoute): string {
  return pathnameForRoute(route, basePath);
}

/** Moves to a route without reloading the page, as a new history entry. */
export function navigate(route: LinkableRoute): void {
  window.history.pushState(null, '', hrefFor(route));
  window.scrollTo(0, 0);
  notify();
}

function readPathname(): string {
  return window.location.pathname;
}

/** The route of the current URL; re-renders the caller when it changes. */
export function useRoute(): Route {
  const pathname = useSyncExternalStore(subscribe, readPathname);
  return routeFromPathname(pathname, basePath);
}
