import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../../runtime/index';
import { createRuntime } from '../../../runtime/index';
import type { SessionEvent, SessionOptions } from '../../engine/index';
import { LOST_TO_RESTART, Session } from '../../engine/index';
import { nodeSessionHost } from '../chapters/headless';

function session(options: Partial<SessionOptions> = {}) {
  const events: SessionEvent[] = [];
  const runtimes: Runtime[] = [];
  const made = new Session({
    ...nodeSessionHost,
    onEvent: (event) => events.push(event),
    onRuntime: (runtime) => runtimes.push(runtime),
    ...options,
  });
  const done = () =>
    events.flatMap((e) => (e.type === 'cell/done' ? [[e.runId, e.result.status]] : []));
  const output = (cellId: string) =>
    events
      .flatMap((e) => (e.type === 'cell/output' ? e.chunks : []))
      .filter((chunk) => chunk.cellId === cellId)
      .map((chunk) => chunk.text)
      .join('');
  return { session: made, events, runtimes, done, output };
}

// esbuild's first start can take seconds on a loaded machine; no test should pay for it.
beforeAll(async () => {
  await nodeSessionHost.transform('0');
}, 60_000);

describe('the run session', () => {
  it('runs queued cells one at a time in order, each started before it is done', async () => {
    const { session: s, events } = session();
    const results = await Promise.all([
      s.run('a', 'await sleep(50); IO.puts("a"); 1', 1),
      s.run('b', '2', 2),
    ]);

    expect(results).toEqual([
      { status: 'ok', value: '1' },
      { status: 'ok', value: '2' },
    ]);
    expect(events.filter((e) => e.type !== 'cell/output').map((e) => e.type)).toEqual([
      'cell/started',
      'cell/done',
      'cell/started',
      'cell/done',
    ]);
    s.dispose();
  });

  it('drops a queued run on cancel without running it', async () => {
    const { session: s, done, output } = session();
    const first = s.run('a', 'await sleep(20); 1', 1);
    const second = s.run('b', 'IO.puts("ran")', 2);
    s.cancel(2);

    expect(await second).toEqual({ status: 'cancelled' });
    expect(await first).toEqual({ status: 'ok', value: '1' });
    expect(done()).toEqual([
      [2, 'cancelled'],
      [1, 'ok'],
    ]);
    expect(output('b')).toBe('');
    s.dispose();
  });

  it('ends a cancelled running cell as cancelled, and the next cell gets a fresh evaluator', async () => {
    const { session: s } = session();
    const before = await s.run('a', 'self()');
    const running = s.run('b', "await receive('never')", 7);
    await new Promise((resolve) => setTimeout(resolve, 50));
    s.cancel(7);

    expect(await running).toEqual({ status: 'cancelled' });
    const after = await s.run('c', 'self()');
    expect(after.status).toBe('ok');
    expect(after).not.toEqual(before);
    s.dispose();
  });

  it('stops a cell that runs past the time limit and reports it as timeout', async () => {
    const { session: s } = session({ cellTimeoutMs: 500 });

    expect(await s.run('a', "await receive('never')")).toEqual({ status: 'timeout' });
    expect(await s.run('b', '1 + 1')).toEqual({ status: 'ok', value: '2' });
    s.dispose();
  });

  it('ends pending runs as lost on restart and keeps the old runtime out of the new one', async () => {
    // Real time, so the old runtime's process is still sleeping when the restart comes.
    const {
      session: s,
      events,
      runtimes,
    } = session({
      createRuntime: () => createRuntime({ clock: 'real' }),
    });
    await s.run(
      'setup',
      'const kept = 1;\nspawn(async () => { await sleep(150); IO.puts("late"); })',
    );
    const running = s.run('a', "await receive('never')", 10);
    const queued = s.run('b', '2', 11);
    await new Promise((resolve) => setTimeout(resolve, 20));
    s.restart();

    expect(await running).toEqual({ status: 'lost', message: LOST_TO_RESTART });
    expect(await queued).toEqual({ status: 'lost', message: LOST_TO_RESTART });
    expect(events.at(-1)).toEqual({ type: 'runtime/restarted' });
    expect(runtimes).toHaveLength(2);
    expect(s.runtime).toBe(runtimes[1]);
    // Bindings went with the old runtime, and so did its late output.
    expect(await s.run('c', 'typeof kept')).toEqual({ status: 'ok', value: "'undefined'" });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(JSON.stringify(events)).not.toContain('late');
    s.dispose();
  });

  it('ends runs as lost once it is disposed', async () => {
    const { session: s } = session();
    s.dispose();

    expect(await s.run('a', '1')).toEqual({ status: 'lost', message: 'The session was closed.' });
  });
});
