import { Suspense } from 'react';
import { ErrorBoundary } from './components/ErrorBoundary';
import { SiteHeader } from './components/SiteHeader';
import { ChapterPage } from './pages/ChapterPage';
import { HomePage } from './pages/HomePage';
import { NotFoundPage } from './pages/NotFoundPage';
import type { Route } from './routing/routes';
import { useRoute } from './routing/router';

/** The app shell: the header and the page the URL names. */
export function App() {
  const route = useRoute();
  return (
    <>
      <SiteHeader />
      <main className="page">
        {/* Keyed by route so an error on one page does not stick to the next. */}
        <ErrorBoundary key={routeKey(route)}>
          <Suspense fallback={<p className="loading">Loading…</p>}>
            <RoutePage route={route} />
          </Suspense>
        </ErrorBoundary>
      </main>
    </>
  );
}

function routeKey(route: Route): string {
  return route.name === 'chapter' ? `chapter:${route.slug}` : route.name;
}

function RoutePage({ route }: { route: Route }) {
  switch (route.name) {
    case 'home':
      return <HomePage />;
    case 'chapter':
      return <ChapterPage slug={route.slug} />;
    case 'notFound':
      return <NotFoundPage />;
  }
}
