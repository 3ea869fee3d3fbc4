import { Suspense, lazy, useEffect } from 'react';
import { COURSE_PLAN } from './chapters/coursePlan';
import { loadChapter, loadChapterIndex } from './chapters/loadChapters';
import { buildTableOfContents, neighbours, readingOrder } from './chapters/tableOfContents';
import { ChapterPager } from './components/ChapterPager';
import { ErrorBoundary } from './components/ErrorBoundary';
import { ShellDialogs } from './components/ShellDialogs';
import { ChapterImport } from './authoring/ChapterImport';
import { SiteHeader } from './components/SiteHeader';
import { HomePage } from './pages/HomePage';
import { OfflineSupport } from './offline/OfflineSupport';
import { NotFoundPage } from './pages/NotFoundPage';
import { isTypingTarget, shortcutFor } from './routing/keyboardShortcuts';
import type { Route } from './routing/routes';
import { navigate, routeForUrl, useRoute } from './routing/router';
import { scrollToHash } from './routing/scrollToHash';
import { appStore } from './store/appStore';

/**
 * Chapter pages bring the notebook, the cell editor's loader and the panels: a chunk of their
 * own, so the home page does not wait for them. A chapter URL starts fetching it at once, in
 * parallel with the chapter index and its own file, instead of after the first render.
 */
const loadChapterPage = () => import('./pages/ChapterPage');
const ChapterPage = lazy(() =>
  loadChapterPage().then((module) => ({ default: module.ChapterPage })),
);
const LocalChapterPage = lazy(() =>
  import('./authoring/LocalChapterPage').then((module) => ({ default: module.LocalChapterPage })),
);
const startRoute = routeForUrl(window.location.href)?.route;
if (startRoute?.name === 'chapter') {
  void loadChapterPage();
  void loadChapter(startRoute.slug);
}

/** The app shell: the header and the page the URL names, the shell's dialogs and shortcuts. */
export function App() {
  const route = useRoute();
  useShellShortcuts();
  useEffect(() => {
    // A deep link (`chapters/x#section`) scrolls once the page has rendered that section.
    if (window.location.hash) void scrollToHash(window.location.hash);
  }, []);
  return (
    <>
      <a className="skip-link" href={`${window.location.pathname}#main`}>
        Skip to the content
      </a>
      <SiteHeader />
      <main className="page" id="main" tabIndex={-1}>
        {/* Keyed by route so an error on one page does not stick to the next. */}
        <ErrorBoundary key={routeKey(route)}>
          <Suspense fallback={<p className="loading">Loading…</p>}>
            <RoutePage route={route} />
            {route.name === 'chapter' && <ChapterPager slug={route.slug} />}
          </Suspense>
        </ErrorBoundary>
      </main>
      <ShellDialogs />
      <ChapterImport />
      <OfflineSupport />
    </>
  );
}

function routeKey(route: Route): string {
  if (route.name === 'yours') return `yours:${route.id ?? ''}`;
  return route.name === 'chapter' ? `chapter:${route.slug}` : route.name;
}

function RoutePage({ route }: { route: Route }) {
  switch (route.name) {
    case 'home':
      return <HomePage />;
    case 'chapter':
      return <ChapterPage slug={route.slug} />;
    case 'yours':
      return <LocalChapterPage id={route.id} />;
    case 'notFound':
      return <NotFoundPage />;
  }
}

/** `[` and `]` for the previous and next chapter, `t` or `/` for the contents, `?` for help. */
function useShellShortcuts(): void {
  useEffect(() => {
    let lastPointerInEditor = false;
    const onPointerDown = (event: PointerEvent) => {
      lastPointerInEditor = isTypingTarget(event.target);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      const action = shortcutFor(event);
      if (action === null) return;
      // A click into a cell whose editor is still loading leaves the focus on the page for a
      // moment before the editor takes it: keys typed then are the learner's code.
      if (lastPointerInEditor && document.activeElement === document.body) return;
      const ui = appStore.getState();
      if (ui.tocOpen || ui.keyboardHelpOpen) return;
      event.preventDefault();
      if (action === 'contents') ui.setTocOpen(true);
      else if (action === 'keyboardHelp') ui.setKeyboardHelpOpen(true);
      else if (action === 'rewindBack') ui.stepRewind(-1);
      else if (action === 'rewindForward') ui.stepRewind(1);
      else void goToNeighbour(action === 'previousChapter' ? 'previous' : 'next');
    };
    window.addEventListener('pointerdown', onPointerDown, true);
    window.addEventListener('keydown', onKeyDown);
    return () => {
      window.removeEventListener('pointerdown', onPointerDown, true);
      window.removeEventListener('keydown', onKeyDown);
    };
  }, []);
}

async function goToNeighbour(direction: 'previous' | 'next'): Promise<void> {
  const here = routeForUrl(window.location.href);
  if (here?.route.name !== 'chapter') return;
  const order = readingOrder(buildTableOfContents(await loadChapterIndex(), COURSE_PLAN));
  const target = neighbours(order, here.route.slug)[direction];
  if (target) navigate({ name: 'chapter', slug: target.slug });
}
