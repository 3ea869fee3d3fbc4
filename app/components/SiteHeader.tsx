import { Link } from '../routing/Link';

/** The bar at the top of every page, with the product name leading home. */
export function SiteHeader() {
  return (
    <header className="site-header">
      <Link to={{ name: 'home' }} className="site-header__name">
        Actorbook
      </Link>
      <span className="site-header__tagline">
        actors, supervision and async work, in TypeScript
      </span>
    </header>
  );
}
