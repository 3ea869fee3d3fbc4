import { describe, expect, it } from 'vitest';
import { Process, receive, spawn } from '../../../runtime/index';
import type { ClientEvent, WorkerClient } from '../../session/workerClient';
import type {
  PanelsFromWorker,
  PanelsToWorker,
  PanelsUpdate,
  RewindFrame,
  TimelineUpdate,
} from '../../panels/model/panelMessages';
import type { ProcessRow } from '../../panels/model/processTable';
import { takeProcessChanges } from '../../panels/model/processTable';
import {
  MAX_TRACE_FILE_BYTES,
  selectShownDetail,
  selectShownSequence,
  selectShownTable,
  selectShownTree,
} from '../../panels/panelsSlice';
import { takeSequenceChanges } from '../../panels/model/sequenceModel';
import { createAppStore } from '../../store/appStore';
import { watchedRuntime } from './harness';

/** Stands in for the chapter's WorkerClient: records what is sent, replays what arrives. */
function fakeClient() {
  const sent: PanelsToWorker[] = [];
  const listeners = new Set<(event: ClientEvent) => void>();
  let sink: ((message: PanelsFromWorker) => void) | null = null;
  const client = {
    sendPanels: (message: PanelsToWorker) => sent.push(message),
    subscribe(listener: (event: ClientEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    connectPanels(next: (message: PanelsFromWorker) => void) {
      sink = next;
      return () => {
        if (sink === next) sink = null;
      };
    },
  };
  const emit = (event: ClientEvent) => listeners.forEach((listener) => listener(event));
  /** A panel message arriving from the worker, down the client's panel channel. */
  const arrive = (message: PanelsFromWorker) => sink?.(message);
  const connectedToPanels = () => sink !== null;
  return {
    client: client as unknown as WorkerClient,
    sent,
    emit,
    arrive,
    listeners,
    connectedToPanels,
  };
}

function connected() {
  const store = createAppStore();
  const fake = fakeClient();
  store.setState({ runtimeClient: fake.client });
  return { store, ...fake };
}

function update(fields: Partial<PanelsUpdate>): PanelsUpdate {
  return {
    type: 'panels/update',
    reset: [],
    processes: null,
    sequence: null,
    tree: null,
    since: null,
    sentAt: 0,
    skipped: 0,
    backlog: 0,
    ...fields,
  };
}

describe('panels slice', () => {
  it('asks the chapter runtime for every open panel, and for none while the panels are hidden', () => {
    const { store, sent } = connected();
    expect(sent.at(-1)).toEqual({
      type: 'panels/watch',
      open: { tree: true, processes: true, sequence: true },
      treeToggled: [],
    });
    store.getState().setPanelOpen('sequence', false);
    expect(sent.at(-1)).toMatchObject({ open: { tree: true, processes: true, sequence: false } });
    store.getState().setPanelsVisible(false);
    expect(sent.at(-1)).toMatchObject({ open: { tree: false, processes: false, sequence: false } });
    store.getState().setPanelsVisible(true);
    store.getState().setPanelsCollapsed(true);
    expect(sent.at(-1)).toMatchObject({ open: { tree: false, processes: false, sequence: false } });
    store.getState().setPanelsCollapsed(false);
    store.getState().toggleTreeNode('81/a');
    expect(sent.at(-1)).toMatchObject({ treeToggled: ['81/a'] });
  });

  it('applies the worker updates to its copies and moves their versions', async () => {
    const { store, arrive } = connected();
    const { rt, table, sequence } = watchedRuntime();
    const ids = await rt.run(async () => {
      const a = spawn(() => receive('never'));
      Process.register(a, 'alpha');
      const b = spawn(() => receive('never'));
      return [a.id, b.id];
    });
    const before = store.getState().panelsTableVersion;
    arrive(
      update({
        reset: ['processes', 'sequence', 'tree'],
        processes: takeProcessChanges(table),
        sequence: takeSequenceChanges(sequence),
      }),
    );
    const state = store.getState();
    expect([...state.panelsTable.rows.keys()]).toEqual(expect.arrayContaining(ids));
    expect(state.panelsTable.names.get('alpha')).toBe(ids[0]);
    expect(state.panelsSequence.items.filter((i) => i.type === 'spawn')).toHaveLength(3);
    expect(state.panelsTableVersion).toBe(before + 1);

    // A later reset of the sequence drops the copy before applying.
    arrive(update({ reset: ['sequence'] }));
    expect(store.getState().panelsSequence.items).toEqual([]);
    expect(store.getState().panelsTable.rows.size).toBe(state.panelsTable.rows.size);
  });

  it('measures how far the page is behind the runtime', () => {
    const { store } = connected();
    store.getState().applyPanelsMessage(update({ since: 1000, sentAt: 1050 }), 1120);
    store.getState().applyPanelsMessage(update({ since: 2000, skipped: 7 }), 2030);
    expect(store.getState().panelsLag).toEqual({ lastMs: 30, maxMs: 120, skipped: 7, updates: 2 });
  });

  it('inspects the selected process and keeps only its details', () => {
    const { store, sent, arrive } = connected();
    store.getState().selectProcess(90);
    expect(sent.at(-1)).toEqual({ type: 'process/inspect', pid: 90 });
    const detail = {
      id: 90,
      pid: '#PID<0.90.0>',
      name: null,
      label: 'run',
      status: 'waiting' as const,
      behaviour: null,
      queueLength: 1,
      messages: ["'hello'"],
      omitted: 0,
      waitingFor: { patterns: ["'go'"], timeout: null, hibernating: false },
    };
    arrive({ type: 'process/details', pid: 91, detail });
    expect(store.getState().panelsDetail).toBeNull();
    arrive({ type: 'process/details', pid: 90, detail });
    expect(store.getState().panelsDetail).toEqual(detail);
    store.getState().selectProcess(null);
    expect(store.getState().panelsDetail).toBeNull();
    expect(sent.at(-1)).toEqual({ type: 'process/inspect', pid: null });
  });

  it('sorts by a column, flipping the direction on a second click, and filters', () => {
    const { store } = connected();
    store.getState().sortProcessList('queue');
    expect(store.getState().panelsList).toMatchObject({ sortKey: 'queue', direction: 'asc' });
    store.getState().sortProcessList('queue');
    expect(store.getState().panelsList).toMatchObject({ sortKey: 'queue', direction: 'desc' });
    store.getState().sortProcessList('name');
    expect(store.getState().panelsList).toMatchObject({ sortKey: 'name', direction: 'asc' });
    store.getState().filterProcessList({ text: 'alpha', status: 'waiting' });
    expect(store.getState().panelsList).toMatchObject({ text: 'alpha', status: 'waiting' });
  });

  it('sends the controls and shows the scheduler state the worker reports', () => {
    const { store, sent, arrive } = connected();
    const s = store.getState();
    s.pauseScheduler();
    s.stepScheduler();
    s.setSchedulerSpeed(0.25);
    s.resumeScheduler();
    s.killProcess(85);
    s.clearTrace();
    expect(sent.slice(-6)).toEqual([
      { type: 'scheduler/pause' },
      { type: 'scheduler/step' },
      { type: 'scheduler/speed', rate: 0.25 },
      { type: 'scheduler/resume' },
      { type: 'process/kill', pid: 85, reason: 'kill' },
      { type: 'trace/clear' },
    ]);
    arrive({ type: 'scheduler/state', paused: true, rate: 0.25 });
    expect(store.getState().panelsScheduler).toEqual({ paused: true, rate: 0.25 });
  });

  it('starts over when the worker is replaced or the chapter changes', () => {
    const { store, sent, emit, listeners, connectedToPanels } = connected();
    store.getState().selectProcess(90);
    store.getState().applyPanelsMessage(
      update({
        processes: { version: 3, upserts: [], removed: [] },
        tree: { roots: [], unlinked: 4, version: 2 },
      }),
    );
    expect(store.getState().panelsTree.unlinked).toBe(4);
    const count = sent.length;
    emit({ type: 'status', status: 'starting' });
    expect(store.getState().panelsTree.unlinked).toBe(0);
    expect(sent.slice(count).map((m) => m.type)).toEqual(['panels/watch', 'process/inspect']);

    const next = fakeClient();
    store.setState({ runtimeClient: next.client });
    expect(listeners.size).toBe(0);
    expect(connectedToPanels()).toBe(false);
    expect(next.connectedToPanels()).toBe(true);
    expect(next.sent[0]).toMatchObject({ type: 'panels/watch' });
    store.setState({ runtimeClient: null });
    expect(next.listeners.size).toBe(0);
    expect(next.connectedToPanels()).toBe(false);
  });
});

function timeline(fields: Partial<TimelineUpdate> = {}): PanelsFromWorker {
  return {
    type: 'rewind/timeline',
    source: 'live',
    first: 0,
    end: 100,
    firstTime: 0,
    endTime: 500,
    dropped: 0,
    skipped: 0,
    capacity: 100_000,
    marks: [],
    ...fields,
  };
}

function row(id: number, status: ProcessRow['status'] = 'waiting'): ProcessRow {
  return {
    id,
    pid: `#PID<0.${id}.0>`,
    label: 'run',
    name: null,
    status,
    queueLength: 0,
    reductions: 1,
    links: new Set(),
    monitors: new Map(),
    monitoredBy: new Map(),
    behaviour: null,
    parent: null,
    trapExit: false,
    spawnedAt: 0,
  };
}

/** A frame as the worker answers a seek: one process alive, `pid`, at event `index`. */
function frame(index: number, pid = 80, fields: Partial<RewindFrame> = {}): RewindFrame {
  return {
    type: 'rewind/frame',
    source: 'live',
    index,
    seq: index + 1,
    time: index * 5,
    event: `event ${index}`,
    rows: [row(pid)],
    tree: { roots: [], unlinked: pid, version: index },
    sequence: {
      items: [
        {
          type: 'spawn',
          seq: index + 1,
          time: 0,
          label: 'SPAWN',
          from: null,
          to: pid,
          linked: false,
          text: 'run',
        },
      ],
      names: [],
    },
    detail: null,
    ...fields,
  };
}

const seeks = (sent: readonly PanelsToWorker[]) =>
  sent.filter((m) => m.type === 'rewind/seek').map((m) => (m as { index: number }).index);

describe('panels slice: rewind', () => {
  it('keeps one seek in flight while dragging and sends the newest position when its frame arrives', () => {
    const { store, sent, arrive } = connected();
    arrive(timeline());
    const s = store.getState();
    s.seekRewind(10);
    s.seekRewind(20);
    s.seekRewind(30);
    expect(seeks(sent)).toEqual([10]);
    expect(store.getState().panelsRewindIndex).toBe(30);
    arrive(frame(10));
    expect(store.getState().panelsRewind?.frame.index).toBe(10);
    expect(seeks(sent)).toEqual([10, 30]);
    arrive(frame(30));
    // Nothing newer was wanted: no further seek.
    expect(seeks(sent)).toEqual([10, 30]);
    expect(store.getState().panelsRewind?.frame.index).toBe(30);
    // Positions outside the kept history are clamped to it.
    s.seekRewind(500);
    expect(seeks(sent).at(-1)).toBe(99);
  });

  it('steps back from live to the newest event, and does not step forward past the present', () => {
    const { store, sent, arrive } = connected();
    store.getState().stepRewind(1);
    arrive(timeline({ first: 40, end: 100, dropped: 40 }));
    store.getState().stepRewind(1);
    expect(seeks(sent)).toEqual([]);
    store.getState().stepRewind(-1);
    expect(seeks(sent)).toEqual([99]);
    arrive(frame(99));
    store.getState().stepRewind(-1);
    arrive(frame(98));
    store.getState().stepRewind(-100);
    expect(seeks(sent)).toEqual([99, 98, 40]);
  });

  it('shows the frame instead of the live copies, which still take live updates', () => {
    const { store, arrive } = connected();
    arrive(timeline());
    arrive(
      update({
        processes: { version: 1, upserts: [row(90, 'running')], removed: [] },
        tree: { roots: [], unlinked: 1, version: 1 },
      }),
    );
    store.getState().selectProcess(80);
    store.getState().seekRewind(5);
    const detail = {
      id: 80,
      pid: '#PID<0.80.0>',
      name: null,
      label: 'run',
      status: 'waiting' as const,
      behaviour: null,
      queueLength: 1,
      messages: ["'then'"],
      omitted: 0,
      waitingFor: null,
    };
    arrive(frame(5, 80, { detail }));
    let state = store.getState();
    expect([...selectShownTable(state).rows.keys()]).toEqual([80]);
    expect(selectShownTree(state).unlinked).toBe(80);
    expect(selectShownSequence(state).items.map((i) => i.seq)).toEqual([6]);
    expect(selectShownDetail(state)?.messages).toEqual(["'then'"]);

    arrive(update({ processes: { version: 2, upserts: [row(91)], removed: [] } }));
    state = store.getState();
    // The live copy moved on; the panels still show the moment.
    expect([...state.panelsTable.rows.keys()].sort()).toEqual([90, 91]);
    expect([...selectShownTable(state).rows.keys()]).toEqual([80]);

    store.getState().goLive();
    state = store.getState();
    expect([...selectShownTable(state).rows.keys()].sort()).toEqual([90, 91]);
    expect(selectShownTree(state).unlinked).toBe(1);
  });

  it('goes live at once, tells the worker, and ignores a frame still on its way', () => {
    const { store, sent, arrive } = connected();
    arrive(timeline());
    store.getState().seekRewind(50);
    store.getState().goLive();
    expect(sent.at(-1)).toEqual({ type: 'rewind/live' });
    expect(store.getState().panelsRewindIndex).toBeNull();
    arrive(frame(50));
    expect(store.getState().panelsRewind).toBeNull();
    // A cleared trace leaves rewind too.
    store.getState().seekRewind(20);
    arrive(frame(20));
    arrive(timeline({ end: 0, endTime: 0 }));
    expect(store.getState().panelsRewindIndex).toBeNull();
    expect(store.getState().panelsRewind).toBeNull();
  });

  it('exports, imports, and shows why an import failed', async () => {
    const { store, sent, arrive } = connected();
    const exported = store.getState().exportTrace();
    expect(sent.at(-1)).toEqual({ type: 'rewind/export' });
    arrive({ type: 'rewind/exported', json: '{"events":[]}', events: 12 });
    await expect(exported).resolves.toEqual({ json: '{"events":[]}', events: 12 });

    store.getState().importTrace('not json');
    expect(sent.at(-1)).toEqual({ type: 'rewind/import', json: 'not json' });
    arrive({ type: 'rewind/error', message: 'This file is not an Actorbook trace.' });
    expect(store.getState().panelsRewindError).toBe('This file is not an Actorbook trace.');
    expect(store.getState().panelsRewindIndex).toBeNull();

    // Too large: refused on the page, with a message.
    const count = sent.length;
    store.getState().importTrace('x'.repeat(MAX_TRACE_FILE_BYTES + 1));
    expect(sent.length).toBe(count);
    expect(store.getState().panelsRewindError).toMatch(/at most 64 MB/);

    // A good import: the imported timeline, then a frame at its last event.
    store.getState().importTrace('{}');
    expect(store.getState().panelsRewindError).toBeNull();
    arrive(timeline({ source: 'imported', end: 7 }));
    expect(store.getState().panelsRewindIndex).toBe(6);
    arrive(frame(6, 70, { source: 'imported' }));
    expect([...selectShownTable(store.getState()).rows.keys()]).toEqual([70]);
    store.getState().goLive();
    expect(store.getState().panelsTimeline).toBeNull();
    expect(sent.at(-1)).toEqual({ type: 'rewind/live' });
  });

  it('starts rewind over with a new client or a restarted worker', async () => {
    const { store, emit, arrive } = connected();
    arrive(timeline());
    store.getState().seekRewind(3);
    arrive(frame(3));
    const pending = store.getState().exportTrace();
    emit({ type: 'status', status: 'starting' });
    await expect(pending).rejects.toThrow(/restarted/);
    let state = store.getState();
    expect(state.panelsTimeline).toBeNull();
    expect(state.panelsRewind).toBeNull();
    expect(state.panelsRewindIndex).toBeNull();

    arrive(timeline());
    store.getState().seekRewind(4);
    const next = fakeClient();
    store.setState({ runtimeClient: next.client });
    state = store.getState();
    expect(state.panelsTimeline).toBeNull();
    expect(state.panelsRewindIndex).toBeNull();
    // The new worker's first seek goes out at once: nothing is left in flight from the old one.
    next.arrive(timeline());
    store.getState().seekRewind(8);
    expect(seeks(next.sent)).toEqual([8]);
  });
});

describe('panels slice: history size', () => {
  it('sends the chosen size, clamped, and again to a restarted worker', () => {
    const { store, sent, emit } = connected();
    store.getState().setHistoryCapacity(5);
    expect(sent.at(-1)).toEqual({ type: 'rewind/capacity', capacity: 10_000 });
    store.getState().setHistoryCapacity(500_000);
    const count = sent.length;
    emit({ type: 'status', status: 'starting' });
    expect(sent.slice(count)).toContainEqual({ type: 'rewind/capacity', capacity: 500_000 });
  });
});
