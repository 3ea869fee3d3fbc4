/**
 * The runtime slice: the worker that runs the open chapter's cells, and what the page shows
 * about it (status, compiler start-up, notices).
 *
 * One runtime per open chapter: `startRuntime(slug)` makes a WorkerClient when a chapter page
 * mounts and returns the function that disposes of it when the page goes. The worker's cell
 * messages go to the notebook slice as they are (it owns the cells and their phases); this slice
 * keeps only the runtime-wide parts. Disposing first and unsubscribing after lets the runs that were pending end as `lost`
 * in the notebook, so no cell stays "running" after the learner comes back.
 */
import type { ClientEvent, RuntimeStatus, WorkerClientOptions } from '../session/workerClient';
import { WorkerClient } from '../session/workerClient';
import type { SliceCreator } from './storeTypes';

/** A message about the runtime as a whole. */
export interface Notice {
  readonly id: number;
  readonly tone: 'info' | 'error';
  readonly text: string;
}

/** How the TypeScript compiler in the worker started. */
export interface CompilerStatus {
  readonly ok: boolean;
  readonly ms: number;
  readonly message: string | null;
}

export interface RuntimeView {
  /** The chapter the runtime belongs to, or null when none is open. */
  readonly slug: string | null;
  /** 'off' while no chapter with cells is open. */
  readonly status: RuntimeStatus | 'off';
  readonly compiler: CompilerStatus | null;
  readonly notices: readonly Notice[];
  readonly nextNoticeId: number;
}

export interface RuntimeSlice {
  readonly runtimeReady: boolean;
  readonly runtime: RuntimeView;
  /** The open chapter's worker client; not for rendering. */
  readonly runtimeClient: WorkerClient | null;
  /** Starts the chapter's runtime; returns the function that stops it. */
  startRuntime(slug: string, options?: WorkerClientOptions): () => void;
  /**
   * Queues a run in the chapter's runtime (the notebook slice calls this for its effects); false
   * when the chapter has no runtime to take it.
   */
  runInRuntime(slug: string, cellId: string, source: string): boolean;
  cancelInRuntime(slug: string, cellId: string): void;
  /** Throws away every process and binding of the open chapter's runtime. */
  restartRuntime(): void;
  addRuntimeNotice(tone: Notice['tone'], text: string): void;
  dismissRuntimeNotice(id: number): void;
}

/** Notices kept on screen; older ones drop off. */
const MAX_NOTICES = 3;

export const RETURN_NOTICE =
  'A fresh runtime started for this chapter: results shown are from your previous visit, and ' +
  'their processes and bindings are gone. Run the cells again to rebuild them.';

const OFF: RuntimeView = {
  slug: null,
  status: 'off',
  compiler: null,
  notices: [],
  nextNoticeId: 1,
};

export const createRuntimeSlice: SliceCreator<RuntimeSlice> = (set, get) => {
  const withNotice = (view: RuntimeView, tone: Notice['tone'], text: string): RuntimeView => ({
    ...view,
    notices: [...view.notices, { id: view.nextNoticeId, tone, text }].slice(-MAX_NOTICES),
    nextNoticeId: view.nextNoticeId + 1,
  });

  const onEvent = (slug: string, client: WorkerClient, event: ClientEvent) => {
    const current = get().runtimeClient === client;
    const view = get().runtime;
    switch (event.type) {
      case 'status':
        if (current) set({ runtime: { ...view, status: event.status } });
        // The client reports 'starting' or 'restarting' only when a runtime is being replaced.
        if (event.status !== 'ready') get().notebookOp(slug, { type: 'runtimeReplaced' });
        return;
      case 'compiler/status': {
        const { ok, ms, message } = event;
        if (current) set({ runtime: { ...view, compiler: { ok, ms, message } } });
        return;
      }
      case 'notice':
        if (current) set({ runtime: withNotice(view, event.tone, event.text) });
        return;
      default:
        // Cell messages, also from a client being closed: its pending runs end as lost.
        get().notebookOp(slug, event);
    }
  };

  return {
    runtimeReady: true,
    runtime: OFF,
    runtimeClient: null,

    startRuntime(slug, options) {
      get().runtimeClient?.dispose();
      const client = new WorkerClient(options);
      const returning = get().notebookHasResults(slug);
      set({
        runtimeClient: client,
        runtime: { ...OFF, slug, status: client.status, nextNoticeId: get().runtime.nextNoticeId },
      });
      const unsubscribe = client.subscribe((event) => onEvent(slug, client, event));
      if (returning) {
        get().notebookOp(slug, { type: 'runtimeReplaced' });
        set({ runtime: withNotice(get().runtime, 'info', RETURN_NOTICE) });
      }
      return () => {
        client.dispose();
        unsubscribe();
        if (get().runtimeClient === client) set({ runtimeClient: null, runtime: OFF });
      };
    },

    runInRuntime(slug, cellId, source) {
      const client = get().runtimeClient;
      if (!client || get().runtime.slug !== slug) {
        get().addRuntimeNotice('error', 'The runtime of this chapter is not running.');
        return false;
      }
      void client.run(cellId, source);
      return true;
    },

    cancelInRuntime(slug, cellId) {
      if (get().runtime.slug === slug) get().runtimeClient?.cancel(cellId);
    },

    restartRuntime() {
      get().runtimeClient?.restart();
    },

    addRuntimeNotice(tone, text) {
      set({ runtime: withNotice(get().runtime, tone, text) });
    },

    dismissRuntimeNotice(id) {
      const view = get().runtime;
      set({ runtime: { ...view, notices: view.notices.filter((notice) => notice.id !== id) } });
    },
  };
};
