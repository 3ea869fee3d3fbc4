/**
 * The offline cache on the page: registers the service worker in the built site (never in the
 * dev server, which keeps working without one) and shows what the learner needs to know: that
 * the course now works offline, and that a new version is ready, with Reload. Reload writes
 * pending edits first; if the browser refuses them (storage full), it says so and waits.
 */
import { useCallback, useEffect, useState } from 'react';
import { routeForUrl } from '../routing/router';
import { appStore } from '../store/appStore';
import type { ServiceWorkerControls } from './serviceWorkerUpdates';
import { watchServiceWorker } from './serviceWorkerUpdates';
import { unsavedEditsMessage } from './unsavedEdits';
import './offline.css';

type Notice =
  | { readonly kind: 'none' }
  | { readonly kind: 'offlineReady' }
  | { readonly kind: 'updateReady' }
  | { readonly kind: 'unsaved'; readonly message: string };

/** How often a long-open page asks the host for a new deployment (besides every page load). */
const UPDATE_CHECK_MS = 30 * 60 * 1000;
/** The "works offline" note goes by itself; the update prompt stays until answered. */
const OFFLINE_READY_MS = 8000;

/** The longest a chapter page holds the install back waiting for its compiler. */
const COMPILER_WAIT_MS = 15_000;

let registering: Promise<ServiceWorkerControls | null> | null = null;

/**
 * Resolves when installing the offline copy no longer competes with what the learner waits for:
 * after the page's load, and on a chapter page after its compiler started (or 15 s), so the
 * compiler's wasm is fetched once, by the worker, and the install finds it in the HTTP cache.
 */
function pageSettled(): Promise<void> {
  const loaded =
    document.readyState === 'complete'
      ? Promise.resolve()
      : new Promise<void>((resolve) =>
          window.addEventListener('load', () => resolve(), { once: true }),
        );
  if (routeForUrl(window.location.href)?.route.name !== 'chapter') return loaded;
  const compilerStarted = new Promise<void>((resolve) => {
    const timer = window.setTimeout(done, COMPILER_WAIT_MS);
    const stop = appStore.subscribe((state) => {
      if (state.runtime.compiler !== null) done();
    });
    function done() {
      window.clearTimeout(timer);
      stop();
      resolve();
    }
    if (appStore.getState().runtime.compiler !== null) done();
  });
  return Promise.all([loaded, compilerStarted]).then(() => undefined);
}

export function OfflineSupport() {
  const [notice, setNotice] = useState<Notice>({ kind: 'none' });
  const [controls, setControls] = useState<ServiceWorkerControls | null>(null);

  useEffect(() => {
    if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
    registering ??= pageSettled().then(() =>
      watchServiceWorker({
        container: navigator.serviceWorker,
        // Against the page's <base href> (the site root), whatever folder the page itself is in.
        scriptUrl: new URL('sw.js', document.baseURI).href,
        scope: new URL('./', document.baseURI).href,
        onOfflineReady: () =>
          setNotice((current) => (current.kind === 'none' ? { kind: 'offlineReady' } : current)),
        onUpdateReady: () => setNotice({ kind: 'updateReady' }),
        beforeReload: () => {
          appStore.getState().flushSaves();
          const message = unsavedEditsMessage(appStore.getState().saveStatus);
          if (message !== null) setNotice({ kind: 'unsaved', message });
          return message === null;
        },
        onReloadHeld: () => {},
        reload: () => window.location.reload(),
        onError: (error) => console.warn('Actorbook cannot work offline in this browser:', error),
      }),
    );
    let live = true;
    void registering.then((registered) => {
      if (live) setControls(registered);
    });
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    if (!controls) return;
    const check = () => void controls.checkForUpdate();
    const timer = window.setInterval(check, UPDATE_CHECK_MS);
    window.addEventListener('online', check);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('online', check);
    };
  }, [controls]);

  useEffect(() => {
    if (notice.kind !== 'offlineReady') return;
    const timer = window.setTimeout(() => setNotice({ kind: 'none' }), OFFLINE_READY_MS);
    return () => window.clearTimeout(timer);
  }, [notice.kind]);

  const dismiss = useCallback(() => setNotice({ kind: 'none' }), []);
  return <OfflineNotice notice={notice} controls={controls} onDismiss={dismiss} />;
}

function OfflineNotice({
  notice,
  controls,
  onDismiss,
}: {
  notice: Notice;
  controls: ServiceWorkerControls | null;
  onDismiss: () => void;
}) {
  // One live region, always present, so screen readers announce what appears in it.
  return (
    <div className="offline-notice-region" role="status" aria-live="polite">
      {notice.kind === 'offlineReady' && (
        <NoticeCard
          name="offline-ready"
          title="Ready to work offline."
          text="The course is saved in this browser: every chapter opens and runs without a network."
          actions={[{ label: 'OK', onClick: onDismiss }]}
        />
      )}
      {notice.kind === 'updateReady' && (
        <NoticeCard
          name="update-ready"
          title="New version available."
          text="Reload to use it: your edits are kept, cells run again from the start."
          actions={[
            {
              label: 'Reload',
              primary: true,
              disabled: controls === null,
              onClick: () => controls?.applyUpdate(),
            },
            { label: 'Later', onClick: onDismiss },
          ]}
        />
      )}
      {notice.kind === 'unsaved' && (
        <NoticeCard
          name="unsaved"
          warning
          title="Not reloaded: your latest edits exist only in this tab."
          text={`${notice.message} Copy what you want to keep, or free some browser storage, then reload.`}
          actions={[
            { label: 'Reload and lose them', onClick: () => controls?.forceReload() },
            { label: 'Keep this tab', primary: true, onClick: onDismiss },
          ]}
        />
      )}
    </div>
  );
}

interface NoticeAction {
  readonly label: string;
  readonly onClick: () => void;
  readonly primary?: boolean;
  readonly disabled?: boolean;
}

function NoticeCard({
  name,
  title,
  text,
  actions,
  warning = false,
}: {
  name: string;
  title: string;
  text: string;
  actions: readonly NoticeAction[];
  warning?: boolean;
}) {
  return (
    <div
      className={warning ? 'offline-notice offline-notice--warning' : 'offline-notice'}
      data-notice={name}
    >
      <p className="offline-notice__text">
        <strong>{title}</strong> {text}
      </p>
      <div className="offline-notice__actions">
        {actions.map((action) => (
          <button
            key={action.label}
            type="button"
            className={action.primary ? 'header-button offline-notice__primary' : 'header-button'}
            disabled={action.disabled}
            onClick={action.onClick}
          >
            {action.label}
          </button>
        ))}
      </div>
    </div>
  );
}
