import type { MouseEvent, ReactNode } from 'react';
import type { LinkableRoute } from './routes';
import { hrefFor, navigate } from './router';

interface LinkProps {
  to: LinkableRoute;
  /** A `#fragment` to scroll to once the page shows it. */
  hash?: string;
  className?: string;
  rel?: string;
  'aria-current'?: 'page';
  /** Called after an in-place navigation (e.g. to close the menu the link is in). */
  onFollow?: () => void;
  children: ReactNode;
}

/** An ordinary link that navigates in place; modified clicks (new tab, etc.) keep browser behaviour. */
export function Link({ to, hash, className, rel, onFollow, children, ...aria }: LinkProps) {
  function handleClick(event: MouseEvent<HTMLAnchorElement>) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
      return;
    event.preventDefault();
    navigate(to, hash);
    onFollow?.();
  }
  return (
    <a href={hrefFor(to, hash)} className={className} rel={rel} onClick={handleClick} {...aria}>
      {children}
    </a>
  );
}
