import type { MouseEvent, ReactNode } from 'react';
import type { LinkableRoute } from './routes';
import { hrefFor, navigate } from './router';

interface LinkProps {
  to: LinkableRoute;
  className?: string;
  children: ReactNode;
}

/** An ordinary link that navigates in place; modified clicks (new tab, etc.) keep browser behaviour. */
export function Link({ to, className, children }: LinkProps) {
  function handleClick(event: MouseEvent<HTMLAnchorElement>) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
      return;
    event.preventDefault();
    navigate(to);
  }
  return (
    <a href={hrefFor(to)} className={className} onClick={handleClick}>
      {children}
    </a>
  );
}
