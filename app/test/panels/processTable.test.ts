import { describe, expect, it } from 'vitest';
import {
  GenServer,
  Process,
  _,
  after,
  createRuntime,
  on,
  receive,
  self,
  send,
  sleep,
  spawn,
  spawnLink,
} from '../../../runtime/index';
import type { Pid } from '../../../runtime/index';
import {
  applyProcessChanges,
  applyProcessEvent,
  applyProcessEvents,
  applyProcessSnapshot,
  createProcessTable,
  filterProcesses,
  inspectProcess,
  processPage,
  snapshotProcesses,
  sortProcesses,
  takeProcessChanges,
} from '../../panels/model/processTable';
import { watchedRuntime } from './harness';

describe('process table', () => {
  it('lists spawned processes with names, links and monitors from trace events alone', async () => {
    const rt = createRuntime({ clock: 'virtual' });
    rt.trace.record(true);
    let ids: { root: number; child: number } = { root: 0, child: 0 };
    await rt.run(async () => {
      const child = spawnLink(async () => {
        Process.register(self(), 'worker');
        await receive('stop');
      });
      Process.monitor(child);
      await sleep(1);
      ids = { root: self().id, child: child.id };
      const table = createProcessTable();
      applyProcessEvents(table, rt.trace.events());
      const row = table.rows.get(child.id)!;
      expect(row).toMatchObject({ pid: child.toString(), name: 'worker', parent: self().id });
      expect([...row.links]).toEqual([self().id]);
      expect([...row.monitoredBy.values()]).toEqual([self().id]);
      expect([...table.rows.get(self().id)!.monitors.values()]).toEqual([child.id]);
      expect(table.names.get('worker')).toBe(child.id);
      send(child, 'stop');
      await sleep(1);
    });
    const table = createProcessTable();
    applyProcessEvents(table, rt.trace.events());
    expect(table.rows.has(ids.child)).toBe(false);
    expect(table.rows.has(ids.root)).toBe(false);
    expect(table.names.size).toBe(0);
  });

  it('counts the queue of a process that is not receiving, and empties it as it receives', async () => {
    const { rt, table, refresh } = watchedRuntime();
    await rt.run(async () => {
      const lazy = spawn(async () => {
        await sleep(100);
        for (let i = 0; i < 3; i++) await receive();
        await receive('never');
      });
      for (let i = 0; i < 3; i++) send(lazy, ['job', i]);
      await sleep(10);
      expect(table.rows.get(lazy.id)!.queueLength).toBe(3);
      refresh();
      expect(table.rows.get(lazy.id)!.status).toBe('waiting');
      await sleep(200);
      expect(table.rows.get(lazy.id)!.queueLength).toBe(0);
      Process.exit(lazy, 'kill');
    });
  });

  it('shows the queued messages of one process, oldest first, and the patterns its receive waits for', async () => {
    const rt = createRuntime({ clock: 'virtual' });
    await rt.run(async () => {
      const picky = spawn(async () => {
        await receive(
          on(['ok', _], () => 1),
          on('stop', () => 2),
          after(5000, () => 3),
        );
      });
      await sleep(1);
      for (let i = 0; i < 5; i++) send(picky, ['msg', i]);
      const detail = inspectProcess(rt, picky, { limit: 2 })!;
      expect(detail.queueLength).toBe(5);
      expect(detail.messages).toEqual(["['msg', 0]", "['msg', 1]"]);
      expect(detail.omitted).toBe(3);
      expect(detail.waitingFor).toEqual({
        patterns: ["['ok', _]", "'stop'"],
        timeout: 5000,
        hibernating: false,
      });
      const newest = inspectProcess(rt, picky.id, { limit: 2, which: 'newest' })!;
      expect(newest.messages).toEqual(["['msg', 3]", "['msg', 4]"]);
      Process.exit(picky, 'kill');
      expect(inspectProcess(rt, picky)).toBeNull();
    });
  });

  it('removes an exited process from the links and monitors of its peers', async () => {
    const { rt, table } = watchedRuntime();
    await rt.run(async () => {
      Process.flag('trap_exit', true);
      const child = spawnLink(() => receive('stop'));
      const watcher = spawn(async () => {
        Process.monitor(child);
        await receive();
      });
      await sleep(1);
      expect(table.rows.get(watcher.id)!.monitors.size).toBe(1);
      send(child, 'stop');
      await sleep(1);
      expect(table.rows.has(child.id)).toBe(false);
      expect(table.rows.get(self().id)!.links.size).toBe(0);
      expect(table.rows.get(watcher.id)?.monitors.size ?? 0).toBe(0);
    });
  });

  it('takes behaviour, status and reductions from a snapshot, and corrects drift', async () => {
    const { rt, table, refresh } = watchedRuntime();
    const Counter = GenServer.define({
      init: (n: number) => ['ok', n],
      handleCall: (_req: unknown, _from: unknown, n: number) => ['reply', n, n + 1],
    });
    await rt.run(async () => {
      const [, pid] = (await GenServer.start(Counter, 0, { name: 'counter' })) as ['ok', Pid];
      await GenServer.call(pid, 'next');
      refresh();
      const row = table.rows.get(pid.id)!;
      expect(row).toMatchObject({ behaviour: 'gen_server', status: 'waiting', name: 'counter' });
      expect(row.reductions).toBeGreaterThan(0);
      // Drift the table on purpose: the next snapshot puts it right and says what it changed.
      row.queueLength = 42;
      takeProcessChanges(table);
      refresh();
      expect(row.queueLength).toBe(0);
      expect(takeProcessChanges(table).upserts.map((r) => r.id)).toEqual([pid.id]);
      await GenServer.stop(pid);
    });
  });

  it('sorts by any column and filters by text, status, behaviour and queue length', async () => {
    const { rt, table, refresh } = watchedRuntime();
    await rt.run(async () => {
      const a = spawn(() => receive('never'));
      const b = spawn(() => receive('never'));
      Process.register(b, 'busy');
      await sleep(1);
      for (let i = 0; i < 4; i++) send(b, i);
      send(a, 'x');
      refresh();
      const byQueue = sortProcesses(table.rows.values(), 'queue', 'desc');
      expect(byQueue.slice(0, 2).map((r) => r.id)).toEqual([b.id, a.id]);
      expect(sortProcesses(table.rows.values(), 'name')[0]!.name).toBe('busy');
      expect(filterProcesses(table.rows.values(), { text: 'BUS' }).map((r) => r.id)).toEqual([
        b.id,
      ]);
      expect(filterProcesses(table.rows.values(), { minQueue: 1 }).map((r) => r.id)).toEqual([
        a.id,
        b.id,
      ]);
      expect(filterProcesses(table.rows.values(), { text: a.toString() })).toHaveLength(1);
      expect(
        filterProcesses(table.rows.values(), { status: ['running'] }).map((r) => r.id),
      ).toEqual([self().id]);
      expect(filterProcesses(table.rows.values(), { behaviour: ['gen_server'] })).toEqual([]);
      const page = processPage(table, { sort: 'queue', direction: 'desc', offset: 1, limit: 1 });
      expect(page.rows.map((r) => r.id)).toEqual([a.id]);
      expect(page.total).toBe(table.rows.size);
      Process.exit(a, 'kill');
      Process.exit(b, 'kill');
    });
  });

  it('hands another copy only the rows that changed, and that copy ends up equal', async () => {
    const { rt, table } = watchedRuntime();
    const page = createProcessTable();
    await rt.run(async () => {
      const a = spawn(() => receive('never'));
      const b = spawn(() => receive('never'));
      await sleep(1);
      applyProcessChanges(page, takeProcessChanges(table));
      send(a, 'hello');
      const changes = takeProcessChanges(table);
      expect(changes.upserts.map((r) => r.id)).toEqual([a.id]);
      applyProcessChanges(page, changes);
      Process.exit(b, 'kill');
      const removal = takeProcessChanges(table);
      expect(removal.removed).toEqual([b.id]);
      applyProcessChanges(page, removal);
      expect([...page.rows.keys()].sort()).toEqual([...table.rows.keys()].sort());
      expect(page.rows.get(a.id)!.queueLength).toBe(1);
      expect(page.rows.get(a.id)).not.toBe(table.rows.get(a.id));
      Process.exit(a, 'kill');
    });
  });

  it('keeps up with 10,000 processes: one event touches one row, a snapshot is linear', async () => {
    const rt = createRuntime({ clock: 'virtual' });
    const table = createProcessTable();
    rt.trace.subscribe((e) => applyProcessEvent(table, e));
    await rt.run(async () => {
      const pids: Pid[] = [];
      for (let i = 0; i < 10_000; i++) pids.push(spawnLink(() => receive('stop')));
      await sleep(1);
      const started = performance.now();
      applyProcessSnapshot(table, snapshotProcesses(rt));
      const snapshotMs = performance.now() - started;
      expect(table.rows.size).toBeGreaterThanOrEqual(10_001);
      expect(table.rows.get(self().id)!.links.size).toBe(10_000);
      takeProcessChanges(table);
      send(pids[5_000]!, 'hello');
      expect(takeProcessChanges(table).upserts).toHaveLength(1);
      const sorted = performance.now();
      processPage(table, { sort: 'queue', direction: 'desc', limit: 50 });
      const sortMs = performance.now() - sorted;
      expect(snapshotMs).toBeLessThan(1000);
      expect(sortMs).toBeLessThan(1000);
      for (const pid of pids) send(pid, 'stop');
      await sleep(1);
      expect(table.rows.get(self().id)!.links.size).toBe(0);
    });
  });
});
