/**
 * The notebook and runtime slices together, as the chapter page drives them: a real store, a
 * real WorkerClient over a fake worker, an in-memory storage and fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StorageLike } from '../../persistence/chapterStorage';
import { QUOTA_MESSAGE, chapterKey } from '../../persistence/chapterStorage';
import { createAppStore } from '../../store/appStore';
import { RETURN_NOTICE } from '../../store/runtimeSlice';
import { FakeWorker, fakeChannel } from '../session/fakeWorker';

class MemoryStorage implements StorageLike {
  readonly items = new Map<string, string>();
  full = false;
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    if (this.full) throw Object.assign(new Error('full'), { name: 'QuotaExceededError' });
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

const CELLS = [
  { id: 'a', source: 'const counter = 1' },
  { id: 'b', source: 'counter + 1' },
  { id: 'c', source: 'IO.puts("hi")' },
];

let storage: MemoryStorage;
let workers: FakeWorker[];

function open(store = createAppStore()) {
  store.getState().setPersistence(storage, { delayMs: 300, retryMs: 5000 });
  store.getState().openNotebook('start', CELLS);
  const stop = store.getState().startRuntime('start', {
    createWorker: () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker;
    },
    createChannel: fakeChannel,
  });
  const worker = workers.at(-1)!;
  worker.reply({ type: 'ready' });
  return {
    store,
    stop,
    worker,
    cell: (id: string) => store.getState().notebooks['start']!.cells[id]!,
  };
}

/** Answers every queued run in order, each ok with `value`. */
function finishAll(worker: FakeWorker, from = 0) {
  for (const run of worker.runs().slice(from)) {
    worker.reply({ type: 'cell/started', runId: run.runId, cellId: run.cellId });
    worker.reply({
      type: 'cell/done',
      runId: run.runId,
      cellId: run.cellId,
      result: { status: 'ok', value: `value of ${run.cellId}` },
      ms: 2,
    });
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  storage = new MemoryStorage();
  workers = [];
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the notebook in the app store', () => {
  it('runs all cells in chapter order and shows every result', () => {
    const { store, worker, cell } = open();
    store.getState().editCell('start', 'b', 'counter + 41');
    store.getState().runAll('start');
    expect(worker.runs().map((run) => [run.cellId, run.source])).toEqual([
      ['a', 'const counter = 1'],
      ['b', 'counter + 41'],
      ['c', 'IO.puts("hi")'],
    ]);
    expect(cell('c').phase).toBe('queued');
    finishAll(worker);
    expect(CELLS.map(({ id }) => cell(id).result)).toEqual(
      CELLS.map(({ id }) => ({ status: 'ok', value: `value of ${id}` })),
    );
  });

  it('puts a cell back to idle, with a notice, when the chapter has no runtime to run it', () => {
    const store = createAppStore();
    store.getState().setPersistence(storage);
    store.getState().openNotebook('start', CELLS);
    store.getState().runCells('start', ['a']);
    const cell = store.getState().notebooks['start']!.cells['a']!;
    expect(cell.phase).toBe('idle');
    expect(store.getState().runtime.notices.map((notice) => notice.text)).toEqual([
      'The runtime of this chapter is not running.',
    ]);
  });

  it('runs the cells above a cell, and stops a queued one', () => {
    const { store, worker } = open();
    store.getState().runAbove('start', 'c');
    expect(worker.runs().map((run) => run.cellId)).toEqual(['a', 'b']);
    store.getState().stopCell('start', 'b');
    expect(worker.posted.at(-1)).toEqual({ type: 'cell/cancel', runId: 2 });
  });

  it('saves an edit within a second and opens it again in a new store', () => {
    const { store } = open();
    store.getState().editCell('start', 'a', 'const counter = 99');
    vi.advanceTimersByTime(300);
    expect(storage.getItem(chapterKey('start'))).toContain('const counter = 99');
    expect(store.getState().saveStatus['start']).toEqual({ kind: 'saved' });

    const { cell } = open(createAppStore());
    expect(cell('a').source).toBe('const counter = 99');
  });

  it('keeps edits and results when the learner leaves and comes back, and says the runtime is new', () => {
    const { store, stop, worker, cell } = open();
    store.getState().editCell('start', 'b', 'counter * 10');
    store.getState().runAll('start');
    finishAll(worker);
    stop();
    expect(store.getState().runtime.status).toBe('off');

    open(store);
    expect(cell('b').source).toBe('counter * 10');
    expect(cell('b').result).toEqual({ status: 'ok', value: 'value of b' });
    expect(cell('b').previousRuntime).toBe(true);
    expect(store.getState().runtime.notices.map((notice) => notice.text)).toContain(RETURN_NOTICE);
  });

  it('ends a run that was pending when the learner left, instead of leaving it running', () => {
    const { store, stop, worker, cell } = open();
    store.getState().runCells('start', ['a']);
    worker.reply({ type: 'cell/started', runId: 1, cellId: 'a' });
    stop();
    expect(cell('a').phase).toBe('idle');
    expect(cell('a').result?.status).toBe('lost');
  });

  it('keeps edits in memory and says so when storage is full, then saves when it frees', () => {
    const { store, cell } = open();
    storage.full = true;
    store.getState().editCell('start', 'a', 'const counter = 7');
    vi.advanceTimersByTime(300);
    expect(store.getState().saveStatus['start']).toEqual({ kind: 'quota', message: QUOTA_MESSAGE });
    expect(cell('a').source).toBe('const counter = 7');
    storage.full = false;
    vi.advanceTimersByTime(5000);
    expect(store.getState().saveStatus['start']).toEqual({ kind: 'saved' });
    expect(storage.getItem(chapterKey('start'))).toContain('const counter = 7');
  });

  it('opens with the originals and a message when stored data is corrupt, keeping it aside', () => {
    storage.setItem(chapterKey('start'), '{"version":1,');
    const { store, cell } = open();
    expect(cell('a').source).toBe('const counter = 1');
    expect(store.getState().storageProblems['start']).toMatch(/could not be read/);
    const backups = [...storage.items.keys()].filter((key) => key.startsWith('actorbook:backup:'));
    expect(backups).toHaveLength(1);
    expect(storage.getItem(backups[0]!)).toBe('{"version":1,');
  });

  it('leaves every other cell untouched when one cell gets output', () => {
    const { store, worker } = open();
    const before = store.getState().notebooks['start']!;
    worker.reply({ type: 'cell/output', chunks: [{ cellId: 'c', stream: 'stdout', text: 'x' }] });
    const after = store.getState().notebooks['start']!;
    expect(after.cells['a']).toBe(before.cells['a']);
    expect(after.cells['b']).toBe(before.cells['b']);
    expect(after.order).toBe(before.order);
    expect(after.cells['c']).not.toBe(before.cells['c']);
  });

  it('resets the chapter: original code, a restarted runtime, and the reset saved', () => {
    const { store, worker, cell } = open();
    store.getState().editCell('start', 'a', 'mine');
    store.getState().resetChapter('start');
    expect(cell('a').source).toBe('const counter = 1');
    expect(worker.posted.at(-1)).toEqual({ type: 'runtime/restart' });
    vi.advanceTimersByTime(300);
    expect(storage.getItem(chapterKey('start'))).toBeNull();
  });
});
