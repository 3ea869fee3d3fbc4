import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientEvent } from '../../session/workerClient';
import { FOREIGN_MESSAGE_NOTICE, HANG_NOTICE, WorkerClient } from '../../session/workerClient';
import { FakeWorker, fakeChannel } from './fakeWorker';

function setup() {
  const workers: FakeWorker[] = [];
  const events: ClientEvent[] = [];
  const client = new WorkerClient({
    createWorker: () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker;
    },
    createChannel: fakeChannel,
    pingIntervalMs: 500,
    hangTimeoutMs: 3000,
  });
  client.subscribe((event) => events.push(event));
  return { client, workers, events, worker: () => workers.at(-1)! };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('WorkerClient', () => {
  it('holds messages until the worker is ready, then sends them in order', () => {
    const { client, worker } = setup();
    void client.run('a', '1');
    void client.run('b', '2');
    expect(worker().posted).toEqual([]);
    worker().reply({ type: 'ready' });
    expect(worker().posted).toEqual([
      { type: 'cell/run', runId: 1, cellId: 'a', source: '1' },
      { type: 'cell/run', runId: 2, cellId: 'b', source: '2' },
    ]);
    expect(client.status).toBe('ready');
  });

  it('passes on the worker’s messages of a run as they are and resolves the run', async () => {
    const { client, worker, events } = setup();
    worker().reply({ type: 'ready' });
    const done = client.run('a', '40 + 2');
    expect(events.map((event) => event.type)).toEqual(['status']);
    worker().reply({ type: 'cell/started', runId: 1, cellId: 'a' });
    expect(events.at(-1)).toEqual({ type: 'cell/started', runId: 1, cellId: 'a' });
    worker().reply({
      type: 'cell/output',
      chunks: [{ cellId: 'a', stream: 'stdout', text: 'hi\n' }],
    });
    worker().reply({
      type: 'cell/done',
      runId: 1,
      cellId: 'a',
      result: { status: 'ok', value: '42' },
      ms: 3,
    });
    await expect(done).resolves.toEqual({ status: 'ok', value: '42' });
    expect(events.map((event) => event.type)).toEqual([
      'status',
      'cell/started',
      'cell/output',
      'cell/done',
    ]);
    expect(events.at(-1)).toEqual({
      type: 'cell/done',
      runId: 1,
      cellId: 'a',
      result: { status: 'ok', value: '42' },
      ms: 3,
    });
    // A run the client no longer has pending is not believed.
    worker().reply({ type: 'cell/started', runId: 1, cellId: 'a' });
    expect(events).toHaveLength(4);
  });

  it('cancels a cell by the run it has pending', () => {
    const { client, worker } = setup();
    worker().reply({ type: 'ready' });
    void client.run('a', 'await receive()');
    client.cancel('a');
    client.cancel('nothing-pending');
    expect(worker().posted.at(-1)).toEqual({ type: 'cell/cancel', runId: 1 });
    expect(worker().posted).toHaveLength(2);
  });

  it('turns a malformed message from the worker into a notice instead of throwing', () => {
    const { worker, events } = setup();
    expect(() => worker().reply({ type: 'cell/done', runId: 'x' })).not.toThrow();
    expect(events.at(-1)).toMatchObject({
      type: 'notice',
      tone: 'error',
      text: expect.stringMatching(/^Rejected a malformed worker -> page message/),
    });
  });

  it('hands panel messages straight to the connected panels, never to the subscribers', () => {
    const { client, worker, events } = setup();
    const panels: unknown[] = [];
    const disconnect = client.connectPanels((message) => panels.push(message));
    worker().reply({ type: 'ready' });
    const before = events.length;
    const state = { type: 'scheduler/state', paused: true, rate: 0.5 } as const;
    worker().reply(state);
    worker().reply({ type: 'process/details', pid: 90, detail: null });
    expect(panels).toEqual([state, { type: 'process/details', pid: 90, detail: null }]);
    expect(events.slice(before)).toEqual([]);
    disconnect();
    worker().reply(state);
    expect(panels).toHaveLength(2);
    // A malformed panel message is still refused at the edge, as a notice.
    client.connectPanels((message) => panels.push(message));
    worker().reply({ type: 'scheduler/state', paused: 'yes', rate: 1 });
    expect(panels).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'notice', tone: 'error' });
  });

  it('pings only while something is pending, and a pong keeps the worker', () => {
    const { client, worker, workers } = setup();
    worker().reply({ type: 'ready' });
    vi.advanceTimersByTime(2000);
    expect(worker().posted).toEqual([]);
    void client.run('a', 'await sleep(10_000)');
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(500);
      const ping = worker()
        .posted.filter((m) => m.type === 'ping')
        .at(-1);
      if (ping) worker().reply({ type: 'pong', seq: ping.seq });
    }
    expect(workers).toHaveLength(1);
    expect(worker().posted.filter((m) => m.type === 'ping').length).toBeGreaterThan(5);
  });

  it('replaces a worker that stops answering while a cell runs, and says bindings were lost', async () => {
    const { client, worker, workers, events } = setup();
    worker().reply({ type: 'ready' });
    worker().reply({ type: 'compiler/status', ok: true, ms: 900, message: null });
    const stuck = client.run('a', 'hang()');
    const queued = client.run('b', '1');
    worker().reply({ type: 'cell/started', runId: 1, cellId: 'a' });
    vi.advanceTimersByTime(3400);
    expect(workers).toHaveLength(1);
    vi.advanceTimersByTime(600);
    expect(workers).toHaveLength(2);
    expect(workers[0]!.terminated).toBe(true);
    await expect(stuck).resolves.toEqual({ status: 'lost', message: HANG_NOTICE });
    await expect(queued).resolves.toEqual({ status: 'lost', message: HANG_NOTICE });
    expect(events).toContainEqual({ type: 'notice', tone: 'error', text: HANG_NOTICE });
    expect(client.status).toBe('starting');

    // Messages from the replaced worker are ignored; the new one takes cells once ready.
    workers[0]!.reply({
      type: 'cell/done',
      runId: 1,
      cellId: 'a',
      result: { status: 'cancelled' },
      ms: 0,
    });
    void client.run('a', '2');
    worker().reply({ type: 'ready' });
    expect(worker().posted).toEqual([{ type: 'cell/run', runId: 3, cellId: 'a', source: '2' }]);
  });

  it('gives a worker whose compiler is still starting longer before calling it stuck', () => {
    const { workers, worker, client } = setup();
    worker().reply({ type: 'ready' });
    void client.run('a', '1');
    vi.advanceTimersByTime(10_000);
    expect(workers).toHaveLength(1);
    vi.advanceTimersByTime(11_000);
    expect(workers).toHaveLength(2);
  });

  it('sends the worker only the handshake, transferring the port every later message uses', () => {
    const { client, worker } = setup();
    expect(worker().handshakes).toHaveLength(1);
    expect(worker().handshakes[0]).toMatchObject({ type: 'host/connect' });
    worker().reply({ type: 'ready' });
    void client.run('a', '1');
    expect(worker().handshakes).toHaveLength(1);
    expect(worker().posted).toEqual([{ type: 'cell/run', runId: 1, cellId: 'a', source: '1' }]);
  });

  it('believes nothing a cell posts on the worker’s own channel, and says so once', async () => {
    const { client, worker, events } = setup();
    const panels: unknown[] = [];
    client.connectPanels((message) => panels.push(message));
    worker().reply({ type: 'ready' });
    const run = client.run('a', 'postMessage(...)');
    worker().reply({ type: 'cell/started', runId: 1, cellId: 'a' });
    const before = events.length;
    const forged = [
      {
        type: 'cell/done',
        runId: 1,
        cellId: 'a',
        result: { status: 'ok', value: '"forged"' },
        ms: 1,
      },
      { type: 'cell/output', chunks: [{ cellId: 'b', stream: 'stdout', text: 'forged\n' }] },
      { type: 'cell/rich', cellId: 'b', output: { kind: 'markdown', id: 'm', markdown: '**x**' } },
      { type: 'scheduler/state', paused: true, rate: 0.1 },
      { type: 'pong', seq: 1 },
      { type: 'runtime/restarted' },
    ];
    for (const message of forged) worker().postFromCell(message);
    expect(events.slice(before)).toEqual([
      { type: 'notice', tone: 'info', text: FOREIGN_MESSAGE_NOTICE },
    ]);
    expect(panels).toEqual([]);
    // The run is still the worker host's to end.
    worker().reply({
      type: 'cell/done',
      runId: 1,
      cellId: 'a',
      result: { status: 'ok', value: 'undefined' },
      ms: 2,
    });
    await expect(run).resolves.toEqual({ status: 'ok', value: 'undefined' });
  });

  it('replaces a worker a cell closed: its port falls silent and the heartbeat notices', async () => {
    const { client, worker, workers } = setup();
    worker().reply({ type: 'ready' });
    worker().reply({ type: 'compiler/status', ok: true, ms: 900, message: null });
    const closing = client.run('a', 'close()');
    worker().reply({ type: 'cell/started', runId: 1, cellId: 'a' });
    vi.advanceTimersByTime(4000);
    expect(workers).toHaveLength(2);
    await expect(closing).resolves.toEqual({ status: 'lost', message: HANG_NOTICE });
    expect(HANG_NOTICE).toMatch(/stopped answering.*restarted/);
    // The fresh worker has a channel of its own and takes cells.
    worker().reply({ type: 'ready' });
    void client.run('a', '1');
    expect(worker().posted).toEqual([{ type: 'cell/run', runId: 2, cellId: 'a', source: '1' }]);
  });

  it('ends pending runs as lost when disposed', async () => {
    const { client, worker } = setup();
    const run = client.run('a', '1');
    client.dispose();
    expect(worker().terminated).toBe(true);
    await expect(run).resolves.toMatchObject({ status: 'lost' });
    await expect(client.run('b', '2')).resolves.toMatchObject({ status: 'lost' });
  });
});
