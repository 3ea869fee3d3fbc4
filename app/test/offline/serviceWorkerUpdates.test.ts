import { describe, expect, it, vi } from 'vitest';
import type {
  ServiceWorkerOptions,
  WorkerContainer,
  WorkerHandle,
  WorkerRegistration,
} from '../../offline/serviceWorkerUpdates';
import { SKIP_WAITING, watchServiceWorker } from '../../offline/serviceWorkerUpdates';
import { unsavedEditsMessage } from '../../offline/unsavedEdits';

class FakeWorker implements WorkerHandle {
  readonly messages: unknown[] = [];
  private readonly listeners: Array<() => void> = [];
  constructor(public state: string) {}
  postMessage(message: unknown) {
    this.messages.push(message);
  }
  addEventListener(_type: 'statechange', listener: () => void) {
    this.listeners.push(listener);
  }
  moveTo(state: string) {
    this.state = state;
    for (const listener of this.listeners) listener();
  }
}

class FakeRegistration implements WorkerRegistration {
  installing: FakeWorker | null = null;
  waiting: FakeWorker | null = null;
  active: FakeWorker | null = null;
  updateChecks = 0;
  private readonly listeners: Array<() => void> = [];
  update() {
    this.updateChecks += 1;
    return Promise.reject(new Error('offline'));
  }
  addEventListener(_type: 'updatefound', listener: () => void) {
    this.listeners.push(listener);
  }
  /** The browser found a new sw.js and installs it until it waits (or is the first). */
  install(): FakeWorker {
    const worker = new FakeWorker('installing');
    this.installing = worker;
    for (const listener of this.listeners) listener();
    this.installing = null;
    this.waiting = worker;
    worker.moveTo('installed');
    return worker;
  }
}

class FakeContainer implements WorkerContainer {
  controller: unknown = null;
  readonly registration = new FakeRegistration();
  readonly registered: Array<[string, string]> = [];
  failWith: Error | null = null;
  private readonly listeners: Array<() => void> = [];
  register(scriptUrl: string, options: { scope: string }) {
    this.registered.push([scriptUrl, options.scope]);
    return this.failWith ? Promise.reject(this.failWith) : Promise.resolve(this.registration);
  }
  addEventListener(_type: 'controllerchange', listener: () => void) {
    this.listeners.push(listener);
  }
  /** The waiting worker activates and controls every page of the site. */
  activateWaiting() {
    const worker = this.registration.waiting!;
    this.registration.waiting = null;
    this.registration.active = worker;
    worker.moveTo('activated');
    this.controller = worker;
    for (const listener of this.listeners) listener();
  }
}

/** A page served by the active worker of an earlier visit. */
function pageOfEarlierVisit(): FakeContainer {
  const container = new FakeContainer();
  const active = new FakeWorker('activated');
  container.registration.active = active;
  container.controller = active;
  return container;
}

function watch(container: FakeContainer, overrides: Partial<ServiceWorkerOptions> = {}) {
  const events = {
    onOfflineReady: vi.fn(),
    onUpdateReady: vi.fn(),
    beforeReload: vi.fn(() => true),
    onReloadHeld: vi.fn(),
    reload: vi.fn(),
    onError: vi.fn(),
  };
  const controls = watchServiceWorker({
    container,
    scriptUrl: 'https://host/courses/actorbook/sw.js',
    scope: 'https://host/courses/actorbook/',
    ...events,
    ...overrides,
  });
  return { events, controls };
}

describe('watchServiceWorker', () => {
  it('registers the site root worker for the whole site, whatever page runs it', async () => {
    const container = new FakeContainer();
    await watch(container).controls;

    expect(container.registered).toEqual([
      ['https://host/courses/actorbook/sw.js', 'https://host/courses/actorbook/'],
    ]);
  });

  it('says the course works offline after the first install, and does not reload when it takes the page', async () => {
    const container = new FakeContainer();
    const { events, controls } = watch(container);
    await controls;

    container.registration.install();
    container.activateWaiting();

    expect(events.onOfflineReady).toHaveBeenCalledTimes(1);
    expect(events.onUpdateReady).not.toHaveBeenCalled();
    expect(events.reload).not.toHaveBeenCalled();
  });

  it('keeps the old version running when a new one installs, until the learner reloads', async () => {
    const container = pageOfEarlierVisit();
    const { events, controls } = watch(container);
    const update = (await controls)!;

    const next = container.registration.install();
    expect(events.onUpdateReady).toHaveBeenCalledTimes(1);
    expect(events.onOfflineReady).not.toHaveBeenCalled();
    expect(next.messages).toEqual([]);
    expect(events.reload).not.toHaveBeenCalled();

    update.applyUpdate();
    // Edits are written before the new version is let in, and the reload waits for it.
    expect(events.beforeReload).toHaveBeenCalled();
    expect(next.messages).toEqual([SKIP_WAITING]);
    expect(events.reload).not.toHaveBeenCalled();

    container.activateWaiting();
    expect(events.reload).toHaveBeenCalledTimes(1);
  });

  it('prompts at once for a version that was already waiting when the page loaded', async () => {
    const container = pageOfEarlierVisit();
    container.registration.waiting = new FakeWorker('installed');
    const { events, controls } = watch(container);
    await controls;

    expect(events.onUpdateReady).toHaveBeenCalledTimes(1);
  });

  it('holds the update while edits cannot be written, and reloads when the learner insists', async () => {
    const container = pageOfEarlierVisit();
    const { events, controls } = watch(container, { beforeReload: vi.fn(() => false) });
    const update = (await controls)!;
    const next = container.registration.install();

    update.applyUpdate();
    expect(events.onReloadHeld).toHaveBeenCalledTimes(1);
    expect(next.messages).toEqual([]);

    update.forceReload();
    expect(next.messages).toEqual([SKIP_WAITING]);
    container.activateWaiting();
    expect(events.reload).toHaveBeenCalledTimes(1);
  });

  it('reloads a tab whose old version another tab replaced, after writing its edits', async () => {
    const container = pageOfEarlierVisit();
    const { events, controls } = watch(container);
    await controls;
    container.registration.install();

    container.activateWaiting();

    expect(events.beforeReload).toHaveBeenCalledTimes(1);
    expect(events.reload).toHaveBeenCalledTimes(1);
  });

  it('reloads at once when the new version already took over elsewhere', async () => {
    const container = pageOfEarlierVisit();
    const { events, controls } = watch(container);
    const update = (await controls)!;

    update.applyUpdate();

    expect(events.reload).toHaveBeenCalledTimes(1);
  });

  it('reports a failed registration and leaves the app running online', async () => {
    const container = new FakeContainer();
    container.failWith = new Error('SecurityError: insecure origin');
    const { events, controls } = watch(container);

    await expect(controls).resolves.toBeNull();
    expect(events.onError).toHaveBeenCalledWith(container.failWith);
  });

  it('asks the host for a new version on demand, quietly when offline', async () => {
    const container = pageOfEarlierVisit();
    const update = (await watch(container).controls)!;

    await expect(update.checkForUpdate()).resolves.toBeUndefined();
    expect(container.registration.updateChecks).toBe(1);
  });
});

describe('unsavedEditsMessage', () => {
  it('finds nothing to lose when every chapter is saved', () => {
    expect(unsavedEditsMessage({ start: { kind: 'saved' }, links: { kind: 'saved' } })).toBeNull();
  });

  it('gives the reason when storage refused a chapter', () => {
    const message = 'Browser storage is full: your latest edits are kept in this tab only.';
    expect(
      unsavedEditsMessage({ start: { kind: 'saved' }, links: { kind: 'quota', message } }),
    ).toBe(message);
  });
});
