import { describe, expect, it } from 'vitest';
import { Process, receive, spawn } from '../../../runtime/index';
import type { ClientEvent, WorkerClient } from '../../session/workerClient';
import type {
  PanelsFromWorker,
  PanelsToWorker,
  PanelsUpdate,
} from '../../panels/model/panelMessages';
import { takeProcessChanges } from '../../panels/model/processTable';
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
