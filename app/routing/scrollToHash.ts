/**
 * Deep links to a place inside a page (`/chapters/processes#monitors`, `#cell-greet`). Chapter
 * pages render after their chapter has loaded, so the element a fragment names may not exist
 * yet when the URL changes: this waits for it (up to a few seconds), then scrolls it into view
 * and moves the keyboard focus there, so the next Tab continues from the section.
 */

/** How long to wait for the element a fragment names before giving up. */
const WAIT_MS = 5000;

let pending: (() => void) | undefined;

/**
 * Scrolls to the element `hash` names (default: the current URL's fragment). Resolves true once
 * it scrolled, false if no such element appeared in time or a newer call replaced this one.
 */
export function scrollToHash(hash: string = window.location.hash): Promise<boolean> {
  pending?.();
  pending = undefined;
  const id = decodeFragment(hash);
  if (id === null) return Promise.resolve(false);

  const found = document.getElementById(id);
  if (found) {
    reveal(found);
    return Promise.resolve(true);
  }
  return new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      const element = document.getElementById(id);
      if (!element) return;
      finish(true);
      reveal(element);
    });
    const timer = window.setTimeout(() => finish(false), WAIT_MS);
    const finish = (result: boolean) => {
      observer.disconnect();
      window.clearTimeout(timer);
      if (pending === cancel) pending = undefined;
      resolve(result);
    };
    const cancel = () => finish(false);
    pending = cancel;
    observer.observe(document.body, { childList: true, subtree: true });
  });
}

function decodeFragment(hash: string): string | null {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  if (raw === '') return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function reveal(element: HTMLElement): void {
  element.scrollIntoView({ block: 'start' });
  // Focus without a second scroll; headings are not focusable by default.
  if (!element.hasAttribute('tabindex')) element.setAttribute('tabindex', '-1');
  element.focus({ preventScroll: true });
}
