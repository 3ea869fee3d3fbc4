/**
 * Real runtime runs (virtual time) turned into the data the panel drawings take: supervision
 * forests and sequence windows. The layout tests use them directly; the screenshot harness
 * (`app/test/harness/`) loads the same data as JSON fixtures from `app/test/fixtures/panels/`.
 */
import {
  DynamicSupervisor,
  GenServer,
  Process,
  Supervisor,
  _,
  receive,
  self,
  send,
  sleep,
  spawn,
  spawnLink,
} from '../../../runtime/index';
import type { ChildSpec, Pid } from '../../../runtime/index';
import { participantsOf, visibleItems } from '../../panels/model/sequenceModel';
import type { Participant, SequenceItem } from '../../panels/model/sequenceModel';
import type { TreeNode } from '../../panels/model/supervisionTree';
import { watchedRuntime } from './harness';

/** A forest as the tree drawing takes it. */
export interface TreeFixture {
  readonly roots: readonly TreeNode[];
  readonly unlinked: number;
  /** Runtime clock time the forest was read at. */
  readonly now: number;
}

/** A sequence window as the sequence drawing takes it. */
export interface SequenceFixture {
  readonly items: readonly SequenceItem[];
  readonly participants: readonly Participant[];
}

function worker(id: string) {
  return GenServer.define(
    {
      init: (arg: unknown) => ['ok', arg ?? 0],
      handleCall: (req: unknown, _from: unknown, n: number) =>
        req === 'get' ? ['reply', n, n] : ['reply', 'ok', n + 1],
      handleCast: (_req: unknown, n: number) => ['noreply', n + 1],
    },
    { id },
  );
}

async function childPid(sup: Pid | string, id: string): Promise<Pid> {
  const rows = await Supervisor.whichChildren(sup);
  return rows.find((r) => r[0] === id)![1] as Pid;
}

/** A supervisor with three workers, one of them just restarted, one registered. */
export async function threeChildren(): Promise<TreeFixture> {
  const { rt, refresh, forest } = watchedRuntime();
  let out: TreeFixture | null = null;
  await rt.run(async () => {
    const [, sup] = (await Supervisor.startLink(
      [worker('counter'), worker('cache'), worker('mailer')],
      { strategy: 'one_for_one', name: 'app_sup' },
    )) as ['ok', Pid];
    Process.register(await childPid(sup, 'counter'), 'counter');
    refresh();
    await sleep(200);
    Process.exit(await childPid(sup, 'cache'), 'kill');
    await sleep(1);
    refresh();
    out = { ...forest(), now: rt.clock.now() };
    await Supervisor.stop(sup);
  });
  return strip(out!);
}

/**
 * Everything at once: nested supervisors under rest_for_one, a child that is not started, a
 * child caught exited before its restart, and a link tree with a cross link.
 */
export async function mixedForest(): Promise<TreeFixture> {
  const { rt, refresh, forest } = watchedRuntime();
  const Shy = GenServer.define({ init: () => 'ignore' as const }, { id: 'optional' });
  let out: TreeFixture | null = null;
  await rt.run(async () => {
    Process.flag('trap_exit', true);
    const inner: ChildSpec = {
      id: 'pool',
      type: 'supervisor',
      start: [
        Supervisor,
        'startLink',
        [[worker('conn_a'), worker('conn_b'), Shy], { strategy: 'one_for_all' }],
      ],
    };
    const [, sup] = (await Supervisor.startLink([worker('config'), inner, worker('web')], {
      strategy: 'rest_for_one',
      name: 'shop_sup',
    })) as ['ok', Pid];
    Process.register(await childPid(sup, 'web'), 'web');
    const a = spawnLink(() => receive('never'));
    spawnLink(async () => {
      Process.link(a);
      await receive('never');
    });
    await sleep(5);
    refresh();
    const pool = await childPid(sup, 'pool');
    Process.exit(await childPid(pool, 'conn_b'), 'boom');
    // Read before the snapshot: the exit shows, the restart is not known yet.
    out = { ...forest(), now: rt.clock.now() };
    await sleep(1);
    await Supervisor.stop(sup);
  });
  return strip(out!);
}

/** A DynamicSupervisor with `n` workers, a few restarted; folded (the default) or unfolded. */
export async function manyChildren(n: number, unfold: boolean): Promise<TreeFixture> {
  const { rt, refresh, forest } = watchedRuntime();
  let out: TreeFixture | null = null;
  await rt.run(async () => {
    const [, sup] = (await DynamicSupervisor.startLink({ name: 'jobs' })) as ['ok', Pid];
    const pids: Pid[] = [];
    for (let i = 0; i < n; i++) {
      const [, pid] = (await DynamicSupervisor.startChild('jobs', worker(`job${i}`))) as [
        'ok',
        Pid,
      ];
      pids.push(pid);
    }
    refresh();
    await sleep(100);
    for (const i of [3, 150, 420]) if (pids[i]) Process.exit(pids[i], 'kill');
    await sleep(1);
    refresh();
    const folded = forest();
    const root = folded.roots[0]!;
    out = {
      ...(unfold ? forest({ toggled: new Set([root.key]) }) : folded),
      now: rt.clock.now(),
    };
    await Supervisor.stop(sup);
  });
  return strip(out!);
}

/**
 * A little of everything the sequence draws: GenServer calls, casts and replies, messages
 * left in a mailbox, a send to a dead process, a message lost with its receiver, spawns, a
 * trapped EXIT, a DOWN, and an exit signal that kills.
 */
export async function conversation(): Promise<SequenceFixture> {
  const { rt, sequence } = watchedRuntime();
  await rt.run(async () => {
    Process.flag('trap_exit', true);
    const [, counter] = (await GenServer.start(worker('counter'), 0, { name: 'counter' })) as [
      'ok',
      Pid,
    ];
    await GenServer.call('counter', 'incr');
    GenServer.cast(counter, 'bump');
    await GenServer.call('counter', 'get');
    const busy = spawn(async () => {
      await sleep(1000);
      await receive('go');
    });
    Process.register(busy, 'slowpoke');
    send('slowpoke', ['job', 1]);
    send(busy, ['job', 2]);
    const gone = spawn(() => null);
    await sleep(1);
    send(gone, 'anyone home?');
    const doomed = spawn(() => sleep(10));
    send(doomed, 'too late');
    const linked = spawnLink(() => receive('stop'));
    const watched = spawn(() => receive('stop'));
    Process.monitor(watched);
    await sleep(20);
    send(linked, 'stop');
    await receive(['EXIT', _, _]);
    Process.exit(watched, 'kill');
    await receive(['DOWN', _, _, _, _]);
    send(self(), 'note to self');
    await receive('note to self');
    send(busy, ['job', 3]);
    await sleep(5);
  });
  const items = visibleItems(sequence);
  return strip({ items, participants: participantsOf(sequence, items) });
}

/** A long ping-pong between two processes: `rounds` round trips, for scrolling. */
export async function pingPong(rounds: number): Promise<SequenceFixture> {
  const { rt, sequence } = watchedRuntime();
  await rt.run(async () => {
    // A message nobody takes: its arrow stays pending across the whole run.
    const sleeper = spawn(() => receive('never'));
    send(sleeper, 'wake up');
    const pong = spawn(async () => {
      for (;;) {
        const [from, n] = (await receive([_, _])) as [Pid, number];
        send(from, ['pong', n]);
      }
    });
    Process.register(pong, 'pong');
    for (let n = 0; n < rounds; n++) {
      send(pong, [self(), n]);
      await receive(['pong', n]);
      if (n % 50 === 0) await sleep(1);
    }
    send(pong, [self(), 'last']);
    Process.exit(pong, 'kill');
    Process.exit(sleeper, 'kill');
  });
  const items = visibleItems(sequence);
  return strip({ items, participants: participantsOf(sequence, items) });
}

/** A plain-data copy (what `postMessage` would deliver). */
function strip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
