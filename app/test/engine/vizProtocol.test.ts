import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseFromWorker, parseToWorker } from '../../engine/protocol';
import type { ClientEvent } from '../../session/workerClient';
import { WorkerClient } from '../../session/workerClient';
import { FakeWorker, fakeChannel } from '../session/fakeWorker';

function setup() {
  const worker = new FakeWorker();
  const events: ClientEvent[] = [];
  const client = new WorkerClient({ createWorker: () => worker, createChannel: fakeChannel });
  client.subscribe((event) => events.push(event));
  return { client, worker, events };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('rich output messages', () => {
  it('accepts a cell/rich message with a well-formed output', () => {
    const message = {
      type: 'cell/rich',
      cellId: 'a',
      output: { kind: 'table', id: 't1', columns: ['n'], rows: [['1']], totalRows: 3 },
    };
    expect(parseFromWorker(message)).toEqual({ ok: true, message });
  });

  it('rejects a cell/rich message whose output is malformed, saying what is wrong', () => {
    const bad = (output: unknown) => parseFromWorker({ type: 'cell/rich', cellId: 'a', output });
    expect(bad({ kind: 'chart', id: 'x' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/"output" has an unknown kind "chart"/),
    });
    expect(bad({ kind: 'markdown', markdown: 'hi' })).toMatchObject({
      error: expect.stringMatching(/needs a string "id"/),
    });
    expect(
      bad({ kind: 'table', id: 't', columns: ['a'], rows: [[1]], totalRows: 1 }),
    ).toMatchObject({ error: expect.stringMatching(/"rows" \[0\] should be an array of strings/) });
  });

  it('validates widget/event and compiler/warm from the page', () => {
    const click = {
      type: 'widget/event',
      cellId: 'a',
      outputId: 'b1',
      widgetId: 'b1',
      value: null,
    };
    expect(parseToWorker(click)).toEqual({ ok: true, message: click });
    expect(parseToWorker({ ...click, value: 'text' })).toMatchObject({ ok: true });
    expect(parseToWorker({ ...click, value: 5 })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/"value" should be a string or null/),
    });
    expect(parseToWorker({ ...click, value: 'x'.repeat(10_001) })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/longer than 10000 characters/),
    });
    expect(parseToWorker({ ...click, widgetId: undefined })).toMatchObject({ ok: false });
    expect(parseToWorker({ type: 'compiler/warm' })).toMatchObject({ ok: true });
  });
});

describe('WorkerClient and rich outputs', () => {
  it('turns cell/rich into a rich event and sends widget events to the worker', () => {
    const { client, worker, events } = setup();
    worker.reply({ type: 'ready' });
    const output = { kind: 'button', id: 'button-1', label: 'Go' };
    worker.reply({ type: 'cell/rich', cellId: 'a', output });
    expect(events.at(-1)).toEqual({ type: 'cell/rich', cellId: 'a', output });
    client.sendWidgetEvent('a', 'button-1', 'button-1', null);
    expect(worker.posted.at(-1)).toEqual({
      type: 'widget/event',
      cellId: 'a',
      outputId: 'button-1',
      widgetId: 'button-1',
      value: null,
    });
    client.dispose();
  });

  it('asks the worker to start the compiler once the page is idle', () => {
    const idle: (() => void)[] = [];
    vi.stubGlobal('requestIdleCallback', (callback: () => void) => idle.push(callback));
    const { client, worker } = setup();
    expect(idle).toHaveLength(0);
    worker.reply({ type: 'ready' });
    expect(worker.posted).toEqual([]);
    expect(idle).toHaveLength(1);
    idle[0]!();
    expect(worker.posted).toEqual([{ type: 'compiler/warm' }]);
    client.dispose();
  });
});
