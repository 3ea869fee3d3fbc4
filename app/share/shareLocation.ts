/**
 * The page's side of share links: the payload in the address bar, forgetting it once it has
 * been dealt with (so a reload does not ask again), and the link to a chapter with a payload.
 */
import { hrefFor } from '../routing/router';
import { shareFragment, sharePayloadOf } from './shareLink';

/** The share payload in the current URL's fragment, or null. */
export function currentSharePayload(): string | null {
  return sharePayloadOf(window.location.hash);
}

/** Drops the share fragment from the address bar, without a new history entry or a scroll. */
export function forgetShareFragment(): void {
  if (currentSharePayload() === null) return;
  const { pathname, search } = window.location;
  window.history.replaceState(window.history.state, '', `${pathname}${search}`);
}

/** The full URL of a chapter on this host, carrying `payload` (none: the chapter's own URL). */
export function shareUrl(slug: string, payload: string | null): string {
  const url = new URL(hrefFor({ name: 'chapter', slug }), window.location.href);
  return payload === null ? url.href : `${url.href}${shareFragment(payload)}`;
}
