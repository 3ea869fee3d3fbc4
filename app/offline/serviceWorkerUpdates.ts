/**
 * The page's side of the offline cache: registers the service worker the build writes (`sw.js`,
 * Workbox, made by vite-plugin-pwa in vite.config.ts) and turns what it does into the few things
 * a learner needs to hear: the course now works offline; a new version is ready; it is in use.
 *
 * A new deployment installs in the background and then waits: the old worker keeps serving the
 * old files, all of them, until the learner chooses to reload, so a page never mixes versions.
 * `applyUpdate()` asks before anything happens (`beforeReload`: the page writes pending edits and
 * may hold the reload), then tells the waiting worker to take over and reloads when it has.
 * Another tab taking the update reloads this one too, for the same reason, after the same question.
 *
 * Free of React and of globals (the container, the reload and the URLs are passed in), so the
 * whole sequence is tested in Node with a fake container.
 */

/** The part of `navigator.serviceWorker` used here. */
export interface WorkerContainer {
  readonly controller: unknown;
  register(scriptUrl: string, options: { scope: string }): Promise<WorkerRegistration>;
  addEventListener(type: 'controllerchange', listener: () => void): void;
}

/** The part of a `ServiceWorkerRegistration` used here. */
export interface WorkerRegistration {
  readonly installing: WorkerHandle | null;
  readonly waiting: WorkerHandle | null;
  readonly active: WorkerHandle | null;
  update(): Promise<unknown>;
  addEventListener(type: 'updatefound', listener: () => void): void;
}

/** The part of a `ServiceWorker` used here. */
export interface WorkerHandle {
  readonly state: string;
  postMessage(message: unknown): void;
  addEventListener(type: 'statechange', listener: () => void): void;
}

export interface ServiceWorkerOptions {
  readonly container: WorkerContainer;
  /** Absolute URL of the worker script (`sw.js` at the site root). */
  readonly scriptUrl: string;
  /** Absolute URL of the site root: the worker serves every page under it. */
  readonly scope: string;
  /** The site is in the cache now: it works offline (first install only). */
  onOfflineReady(): void;
  /** A new version is installed and waits for the learner. */
  onUpdateReady(): void;
  /**
   * Called before any reload: write pending edits; return false to hold the reload (edits that
   * could not be written), true to go on.
   */
  beforeReload(): boolean;
  /** A reload was held by `beforeReload`; `forceReload()` goes on anyway. */
  onReloadHeld(): void;
  reload(): void;
  /** Registration failed (an old browser, a host that refuses the script): the app runs online. */
  onError?(error: unknown): void;
}

/** What the page can ask of the offline cache once it is registered. */
export interface ServiceWorkerControls {
  /** Lets the waiting version take over and reloads into it (after `beforeReload`). */
  applyUpdate(): void;
  /** Reloads even though `beforeReload` held it. */
  forceReload(): void;
  /** Asks the host for a newer `sw.js` now (it is also asked on every page load). */
  checkForUpdate(): Promise<void>;
}

/** The message Workbox's generated worker answers with `skipWaiting()`. */
export const SKIP_WAITING = { type: 'SKIP_WAITING' } as const;

/** Registers the worker and follows its updates; resolves once registered (null if it failed). */
export async function watchServiceWorker(
  options: ServiceWorkerOptions,
): Promise<ServiceWorkerControls | null> {
  const { container } = options;
  // The files this page runs came from a worker, or from the network (first visit, hard reload).
  let servedByWorker = container.controller !== null && container.controller !== undefined;
  let reloadAsked = false;
  /** Set by `forceReload`: the learner chose to reload with edits that could not be written. */
  let forced = false;
  let reloading = false;

  const reloadNow = (force: boolean) => {
    if (reloading) return;
    if (!force && !options.beforeReload()) {
      options.onReloadHeld();
      return;
    }
    reloading = true;
    options.reload();
  };

  container.addEventListener('controllerchange', () => {
    if (!servedByWorker && !reloadAsked) {
      // The first install took this page over: the same deployment's files, nothing to reload.
      servedByWorker = true;
      return;
    }
    // A new version took over (asked here or in another tab): this page's code is the old one.
    reloadNow(forced);
  });

  let registration: WorkerRegistration;
  try {
    registration = await container.register(options.scriptUrl, { scope: options.scope });
  } catch (error) {
    options.onError?.(error);
    return null;
  }

  const follow = (worker: WorkerHandle) => {
    const onState = () => {
      if (worker.state !== 'installed') return;
      // An active worker means this one is a new version waiting its turn; none, the first.
      if (registration.active) options.onUpdateReady();
      else options.onOfflineReady();
    };
    worker.addEventListener('statechange', onState);
    onState();
  };

  // Installed before this page loaded (an earlier visit, another tab) and still waiting.
  if (registration.waiting && registration.active) options.onUpdateReady();
  if (registration.installing) follow(registration.installing);
  registration.addEventListener('updatefound', () => {
    if (registration.installing) follow(registration.installing);
  });

  const takeOver = () => {
    reloadAsked = true;
    const waiting = registration.waiting;
    // Already taken over by another tab: the reload alone brings the new version.
    if (waiting === null) reloadNow(true);
    // The reload follows when the new worker controls the page (`controllerchange`).
    else waiting.postMessage(SKIP_WAITING);
  };

  return {
    applyUpdate() {
      if (!options.beforeReload()) {
        options.onReloadHeld();
        return;
      }
      takeOver();
    },
    forceReload() {
      forced = true;
      takeOver();
    },
    async checkForUpdate() {
      try {
        await registration.update();
      } catch {
        // Offline, or the host is down: the next check or page load asks again.
      }
    },
  };
}
