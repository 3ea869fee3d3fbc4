import { useEffect } from 'react';
import { Link } from '../routing/Link';

/** Shown for any URL that names no page, including chapters that do not exist. */
export function NotFoundPage() {
  useEffect(() => {
    document.title = 'Page not found · Actorbook';
  }, []);

  return (
    <article className="not-found">
      <h1>Page not found</h1>
      <p>There is no page at this address. It may have moved, or the link may have a typo.</p>
      <p>
        <Link to={{ name: 'home' }}>Back to the chapters</Link>
      </p>
    </article>
  );
}
