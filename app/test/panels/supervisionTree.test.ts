import { describe, expect, it } from 'vitest';
import {
  DynamicSupervisor,
  GenServer,
  Process,
  Supervisor,
  receive,
  self,
  sleep,
  spawn,
  spawnLink,
} from '../../../runtime/index';
import type { ChildSpec, Pid } from '../../../runtime/index';
import type { TreeNode } from '../../panels/model/supervisionTree';
import { allNodes, watchedRuntime } from './harness';

/** A GenServer worker with child id `id`. */
function worker(id: string, defaults: Partial<ChildSpec> = {}) {
  return GenServer.define(
    {
      init: (arg: unknown) => ['ok', arg],
      handleCall: (_req: unknown, _from: unknown, state: unknown) => ['reply', state, state],
    },
    { id, ...defaults },
  );
}

const byId = (node: TreeNode, id: string) => node.children.find((c) => c.childId === `'${id}'`)!;

async function childPid(sup: Pid | string, id: string): Promise<Pid> {
  const rows = await Supervisor.whichChildren(sup);
  return rows.find((r) => r[0] === id)![1] as Pid;
}

/** A server with id `slow` whose init takes 10 ms, so a test can look at a restart under way. */
function slowStarter() {
  return GenServer.define(
    {
      init: async (arg: unknown) => {
        await sleep(10);
        return ['ok', arg];
      },
    },
    { id: 'slow' },
  );
}

describe('supervision tree', () => {
  it('shows a supervisor with its workers, child ids and registered names', async () => {
    const { rt, refresh, forest } = watchedRuntime();
    await rt.run(async () => {
      const [, sup] = (await Supervisor.startLink([worker('a'), worker('b')], {
        strategy: 'one_for_one',
        name: 'top',
      })) as ['ok', Pid];
      Process.register(await childPid(sup, 'b'), 'bee');
      refresh();
      const [root] = forest().roots;
      expect(root).toMatchObject({
        pid: sup.id,
        name: 'top',
        kind: 'supervisor',
        source: 'supervisor',
        childCount: 2,
        supervisor: { kind: 'supervisor', strategy: 'one_for_one', restarts: 0 },
      });
      expect(root!.children.map((c) => [c.childId, c.kind, c.status, c.name])).toEqual([
        ["'a'", 'worker', 'running', null],
        ["'b'", 'worker', 'running', 'bee'],
      ]);
      await Supervisor.stop(sup);
      refresh();
      expect(forest().roots.filter((r) => r.source === 'supervisor')).toEqual([]);
    });
  });

  it('shows a killed child as exited at once, then its new pid in the same node, marked restarted', async () => {
    const { rt, refresh, forest } = watchedRuntime();
    await rt.run(async () => {
      const [, sup] = (await Supervisor.startLink([worker('a'), worker('b')], {
        strategy: 'one_for_one',
      })) as ['ok', Pid];
      refresh();
      const old = await childPid(sup, 'a');
      const before = byId(forest().roots[0]!, 'a');
      await sleep(100);
      Process.exit(old, 'kill');
      // Only the trace so far: the crash shows before any snapshot.
      const crashed = byId(forest().roots[0]!, 'a');
      expect(crashed).toMatchObject({ key: before.key, status: 'exited', exitReason: "'killed'" });
      await sleep(1);
      refresh();
      const restarted = byId(forest().roots[0]!, 'a');
      const now = await childPid(sup, 'a');
      expect(now).not.toBe(old);
      expect(restarted).toMatchObject({
        key: before.key,
        pid: now.id,
        status: 'running',
        restarts: 1,
        previousPid: old.id,
        restartedAt: 100,
      });
      expect(byId(forest().roots[0]!, 'b')).toMatchObject({ restarts: 0, restartedAt: null });
      expect(forest().roots[0]!.supervisor!.restarts).toBe(1);
      await Supervisor.stop(sup);
    });
  });

  it('marks every child restarted under one_for_all', async () => {
    const { rt, refresh, forest } = watchedRuntime();
    await rt.run(async () => {
      const [, sup] = (await Supervisor.startLink([worker('a'), worker('b'), worker('c')], {
        strategy: 'one_for_all',
      })) as ['ok', Pid];
      refresh();
      const before = forest().roots[0]!.children.map((c) => c.pid);
      Process.exit(await childPid(sup, 'b'), 'kill');
      await sleep(1);
      refresh();
      const after = forest().roots[0]!.children;
      expect(after.map((c) => c.restarts)).toEqual([1, 1, 1]);
      expect(after.map((c) => c.previousPid)).toEqual(before);
      expect(after.every((c) => c.status === 'running')).toBe(true);
      await Supervisor.stop(sup);
    });
  });

  it('counts a restart seen only after a snapshot taken mid-restart showed no pid', async () => {
    const { rt, refresh, forest } = watchedRuntime();
    const slow = slowStarter();
    await rt.run(async () => {
      const [, sup] = (await Supervisor.startLink([worker('a'), worker('b'), slow], {
        strategy: 'rest_for_one',
      })) as ['ok', Pid];
      refresh();
      const pids = [forest().roots[0]!.children[2]!.pid];
      for (const round of [1, 2]) {
        Process.exit(await childPid(sup, 'b'), 'kill');
        await sleep(5); // the supervisor is inside slow's init now
        refresh();
        await sleep(20);
        refresh();
        const restarted = forest().roots[0]!.children[2]!;
        expect(restarted.restarts).toBe(round);
        expect(restarted.previousPid).toBe(pids.at(-1));
        pids.push(restarted.pid);
      }
      await Supervisor.stop(sup);
    });
  });

  it('counts a restart once when the supervisor counted it before the new pid appeared', async () => {
    const { rt, refresh, forest } = watchedRuntime();
    const slow = slowStarter();
    await rt.run(async () => {
      const [, sup] = (await Supervisor.startLink([slow, worker('b'), worker('c')], {
        strategy: 'one_for_all',
      })) as ['ok', Pid];
      refresh();
      Process.exit(await childPid(sup, 'slow'), 'kill');
      await sleep(5); // the supervisor has counted the crash and is inside slow's init now
      refresh();
      await sleep(20);
      refresh();
      expect(forest().roots[0]!.children.map((child) => child.restarts)).toEqual([1, 1, 1]);
      await Supervisor.stop(sup);
    });
  });

  it('nests supervisors and shows children that are not started', async () => {
    const { rt, refresh, forest } = watchedRuntime();
    const Shy = GenServer.define({ init: () => 'ignore' as const }, { id: 'shy' });
    await rt.run(async () => {
      const inner: ChildSpec = {
        id: 'inner',
        type: 'supervisor',
        start: [Supervisor, 'startLink', [[worker('x'), Shy], { strategy: 'one_for_one' }]],
      };
      const [, sup] = (await Supervisor.startLink([inner, worker('y')], {
        strategy: 'rest_for_one',
      })) as ['ok', Pid];
      refresh();
      const { roots } = forest();
      expect(roots.filter((r) => r.source === 'supervisor')).toHaveLength(1);
      const innerNode = byId(roots[0]!, 'inner');
      expect(innerNode).toMatchObject({ kind: 'supervisor', childCount: 2 });
      expect(innerNode.supervisor).toMatchObject({ strategy: 'one_for_one' });
      expect(innerNode.children.map((c) => [c.childId, c.status, c.pid === null])).toEqual([
        ["'x'", 'running', false],
        ["'shy'", 'not_started', true],
      ]);
      expect(innerNode.counts).toEqual({ running: 1, restarting: 0, notStarted: 1, exited: 0 });
      expect(roots[0]!.descendantCount).toBe(4);
      await Supervisor.stop(sup);
    });
  });

  it('keeps a restarted DynamicSupervisor child in its node', async () => {
    const { rt, refresh, forest } = watchedRuntime();
    await rt.run(async () => {
      const [, sup] = (await DynamicSupervisor.startLink({ name: 'jobs' })) as ['ok', Pid];
      const pids: Pid[] = [];
      for (const id of ['p', 'q']) {
        const [, pid] = (await DynamicSupervisor.startChild('jobs', worker(id))) as ['ok', Pid];
        pids.push(pid);
      }
      refresh();
      const keys = forest().roots[0]!.children.map((c) => c.key);
      Process.exit(pids[0]!, 'kill');
      await sleep(1);
      refresh();
      const children = forest().roots[0]!.children;
      expect(new Set(children.map((c) => c.key))).toEqual(new Set(keys));
      const restarted = children.find((c) => c.key === keys[0])!;
      expect(restarted).toMatchObject({ restarts: 1, previousPid: pids[0]!.id, status: 'running' });
      expect(restarted.pid).not.toBe(pids[0]!.id);
      expect(forest().roots[0]!.supervisor!.kind).toBe('dynamic_supervisor');
      await Supervisor.stop(sup);
    });
  });

  it('draws the links of unsupervised processes as a fallback tree, with links it cannot draw as cross links', async () => {
    const { rt, refresh, forest } = watchedRuntime();
    await rt.run(async () => {
      Process.flag('trap_exit', true);
      const a = spawnLink(async () => {
        spawnLink(() => receive('never'));
        await receive('never');
      });
      const b = spawnLink(async () => {
        Process.link(a);
        await receive('never');
      });
      await sleep(1);
      const lonely = spawn(() => receive('never'));
      refresh();
      const { roots, unlinked } = forest();
      const tree = roots.find((r) => r.pid === self().id)!;
      expect(tree.source).toBe('links');
      expect(tree.children.map((c) => c.pid)).toEqual([a.id, b.id]);
      expect(tree.children[0]!.children).toHaveLength(1);
      // a and b are linked to each other too: drawn as a cross link, not as a second parent.
      expect(tree.children[1]!.crossLinks).toEqual([a.id]);
      expect(tree.children[0]!.crossLinks).toEqual([b.id]);
      expect(allNodes([tree]).some((n) => n.pid === lonely.id)).toBe(false);
      expect(unlinked).toBeGreaterThanOrEqual(1);
      for (const pid of [a, b, lonely]) Process.exit(pid, 'kill');
    });
  });

  it('hangs a process a supervised worker spawned and linked under that worker', async () => {
    const { rt, refresh, forest } = watchedRuntime();
    const Spawner = GenServer.define(
      {
        init: () => ['ok', spawnLink(() => receive('never'))],
        handleCall: (_r: unknown, _f: unknown, helper: Pid) => ['reply', helper, helper],
      },
      { id: 'spawner' },
    );
    await rt.run(async () => {
      const [, sup] = (await Supervisor.startLink([Spawner], { strategy: 'one_for_one' })) as [
        'ok',
        Pid,
      ];
      const helper = (await GenServer.call(await childPid(sup, 'spawner'), 'helper')) as Pid;
      refresh();
      const node = byId(forest().roots[0]!, 'spawner');
      expect(node.children.map((c) => [c.pid, c.source])).toEqual([[helper.id, 'links']]);
      await Supervisor.stop(sup);
    });
  });

  it('stays usable at 500 children: counts, a collapse flag, and the user can unfold it', async () => {
    const { rt, refresh, forest } = watchedRuntime();
    await rt.run(async () => {
      const children = Array.from({ length: 500 }, (_, i) => worker(`w${i}`));
      const [, sup] = (await Supervisor.startLink(children, { strategy: 'one_for_one' })) as [
        'ok',
        Pid,
      ];
      refresh();
      const started = performance.now();
      const root = forest().roots[0]!;
      expect(performance.now() - started).toBeLessThan(500);
      expect(root).toMatchObject({ childCount: 500, descendantCount: 500, collapsed: true });
      expect(root.counts.running).toBe(500);
      expect(forest({ toggled: new Set([root.key]) }).roots[0]!.collapsed).toBe(false);
      expect(forest({ collapseAbove: 1000 }).roots[0]!.collapsed).toBe(false);
      Process.exit(await childPid(sup, 'w250'), 'kill');
      await sleep(1);
      refresh();
      const after = forest().roots[0]!;
      expect(after.children.filter((c) => c.restarts === 1).map((c) => c.childId)).toEqual([
        "'w250'",
      ]);
      await Supervisor.stop(sup);
    });
  });

  it('keeps working from recorded events and snapshots taken afterwards', async () => {
    const { rt, refresh, forest } = watchedRuntime();
    rt.trace.record(true);
    await rt.run(async () => {
      const [, sup] = (await Supervisor.startLink([worker('only')], {
        strategy: 'one_for_one',
        name: 'solo',
      })) as ['ok', Pid];
      refresh();
      expect(forest().roots[0]!.name).toBe('solo');
      await Supervisor.stop(sup);
    });
    expect(rt.trace.events().some((e) => e.type === 'exit')).toBe(true);
    refresh();
    expect(forest().roots).toEqual([]);
  });
});
