/**
 * The worker's panel feed against a real runtime in virtual time, with hand-driven timers and a
 * hand-moved wall clock, so throttling and coalescing are exact.
 */
import { describe, expect, it } from 'vitest';
import {
  GenServer,
  Supervisor,
  _,
  createRuntime,
  receive,
  sleep,
  spawn,
} from '../../../runtime/index';
import type { Pid, Runtime } from '../../../runtime/index';
import type { FromWorker } from '../../engine/protocol';
import { parseFromWorker } from '../../engine/protocol';
import type { PanelsOpen, PanelsUpdate } from '../../panels/model/panelMessages';
import type { PanelFeedOptions } from '../../panels/panelFeed';
import { PanelFeed, PanelHost } from '../../panels/panelFeed';

/** Timers that fire only when the test moves the clock. */
function manualClock() {
  let wall = 1_000;
  let next = 1;
  const due = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => wall,
    timers: {
      schedule(callback: () => void, ms: number) {
        const id = next++;
        due.set(id, { at: wall + ms, callback });
        return id;
      },
      cancel(handle: unknown) {
        due.delete(handle as number);
      },
    },
    /** Moves the clock by `ms`, firing each timer that comes due, in order. */
    advance(ms: number) {
      const end = wall + ms;
      for (;;) {
        const first = [...due.entries()].sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
        if (!first || first[1].at > end) break;
        due.delete(first[0]);
        wall = Math.max(wall, first[1].at);
        first[1].callback();
      }
      wall = end;
    },
    pending: () => due.size,
  };
}

const ALL: PanelsOpen = { tree: true, processes: true, sequence: true };

function setUp(rt: Runtime, options: Partial<PanelFeedOptions> = {}) {
  const clock = manualClock();
  const posted: FromWorker[] = [];
  const feed = new PanelFeed({
    runtime: rt,
    post: (message) => posted.push(structuredClone(message)),
    now: clock.now,
    timers: clock.timers,
    ...options,
  });
  const updates = () => posted.filter((m): m is PanelsUpdate => m.type === 'panels/update');
  return { feed, clock, posted, updates };
}

/** Lets the runtime's microtasks and macrotasks (a scheduling step) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

/** A process that takes no messages until it is sent 'go', then takes them all. */
async function startHoarder(rt: Runtime): Promise<Pid> {
  return rt.run(() =>
    spawn(async () => {
      await receive('go');
      for (;;) await receive(_);
    }),
  );
}

describe('panel feed', () => {
  it('coalesces a burst of events into one update per interval', async () => {
    const rt = createRuntime({ clock: 'virtual' });
    const { feed, clock, updates } = setUp(rt);
    feed.handle({ type: 'panels/watch', open: ALL, treeToggled: [] });
    clock.advance(0);
    expect(updates()).toHaveLength(1);
    expect(updates()[0]!.reset).toEqual(['tree', 'processes', 'sequence']);

    const ids = await rt.run(async () => {
      const pids = [];
      for (let i = 0; i < 50; i++) pids.push(spawn(() => receive('never')));
      await sleep(1);
      return pids.map((p) => p.id);
    });
    expect(updates()).toHaveLength(1); // nothing goes out before the interval has passed
    clock.advance(100);
    expect(updates()).toHaveLength(2);
    const update = updates()[1]!;
    const rows = update.processes!.upserts.map((row) => row.id);
    for (const id of ids) expect(rows).toContain(id);
    expect(update.sequence!.added.filter((item) => item.type === 'spawn')).toHaveLength(51);
    expect(update.since).toBe(1000);
    expect(update.sentAt).toBe(1100);
    clock.advance(1000);
    expect(updates().length).toBeLessThanOrEqual(4); // then only the status snapshot, if anything
    feed.dispose();
  });

  it('sends at most maxRows rows per update and the rest in the next ones', async () => {
    const rt = createRuntime({ clock: 'virtual' });
    const { feed, clock, updates } = setUp(rt, { maxRows: 40 });
    feed.handle({ type: 'panels/watch', open: ALL, treeToggled: [] });
    clock.advance(0);
    await rt.run(async () => {
      for (let i = 0; i < 100; i++) spawn(() => receive('never'));
      await sleep(1);
    });
    clock.advance(100);
    clock.advance(100);
    clock.advance(100);
    const sizes = updates()
      .slice(1)
      .map((u) => u.processes!.upserts.length);
    expect(sizes.slice(0, 3)).toEqual([40, 40, 20]);
    expect(updates()[1]!.backlog).toBe(60);
    feed.dispose();
  });

  it('skips a backlog larger than maxBacklog and re-reads the process table instead', async () => {
    const rt = createRuntime({ clock: 'virtual' });
    const { feed, clock, updates } = setUp(rt, { maxBacklog: 100 });
    feed.handle({ type: 'panels/watch', open: ALL, treeToggled: [] });
    clock.advance(0);
    const hoarder = await startHoarder(rt);
    for (let i = 0; i < 300; i++) rt.send(null, hoarder, i);
    clock.advance(100);
    const update = updates().at(-1)!;
    expect(update.skipped).toBeGreaterThanOrEqual(300);
    expect(update.reset).toEqual(['sequence']);
    const row = update.processes!.upserts.find((r) => r.id === hoarder.id)!;
    expect(row.queueLength).toBe(300);
    feed.dispose();
  });

  it('applies a long queue in time-boxed slices and keeps going until it is empty', async () => {
    const rt = createRuntime({ clock: 'virtual' });
    const clock = manualClock();
    let reads = 0;
    const posted: FromWorker[] = [];
    // Every reading of the clock costs 1 ms, so a 6 ms slice holds a few batches of events.
    const now = () => clock.now() + reads++;
    const feed = new PanelFeed({
      runtime: rt,
      post: (m) => posted.push(m),
      now,
      timers: clock.timers,
    });
    feed.handle({ type: 'panels/watch', open: ALL, treeToggled: [] });
    clock.advance(0);
    const hoarder = await startHoarder(rt);
    for (let i = 0; i < 5000; i++) rt.send(null, hoarder, i);
    clock.advance(100);
    expect(clock.pending()).toBeGreaterThan(0); // a continuation is queued, not a long task
    for (let i = 0; i < 50; i++) clock.advance(100);
    const rows = posted.flatMap((m) =>
      m.type === 'panels/update' ? (m.processes?.upserts ?? []) : [],
    );
    expect(rows.filter((r) => r.id === hoarder.id).at(-1)!.queueLength).toBe(5000);
    feed.dispose();
  });

  it('does no sequence work while the sequence panel is closed', async () => {
    const rt = createRuntime({ clock: 'virtual' });
    const { feed, clock, updates } = setUp(rt);
    feed.handle({
      type: 'panels/watch',
      open: { tree: false, processes: true, sequence: false },
      treeToggled: [],
    });
    await rt.run(async () => {
      spawn(() => receive('never'));
      await sleep(1);
    });
    clock.advance(100);
    expect(updates().every((u) => u.sequence === null && u.tree === null)).toBe(true);
    expect(updates().some((u) => (u.processes?.upserts.length ?? 0) > 0)).toBe(true);
    feed.dispose();
  });

  it('pauses the trace, steps exactly one message, then resumes', async () => {
    const rt = createRuntime({ clock: 'virtual' });
    const { feed, clock, posted, updates } = setUp(rt);
    feed.handle({ type: 'panels/watch', open: ALL, treeToggled: [] });
    const hoarder = await startHoarder(rt);
    feed.handle({ type: 'scheduler/pause' });
    await settle();
    clock.advance(0);
    expect(posted.filter((m) => m.type === 'scheduler/state').at(-1)).toMatchObject({
      paused: true,
    });
    // 'go' matches the receive the hoarder waits in, so it is taken as it arrives; its process
    // runs only when the scheduler lets it.
    for (const msg of ['go', 'a', 'b', 'c']) rt.send(null, hoarder, msg);
    clock.advance(100);
    const queueOf = () =>
      updates()
        .flatMap((u) => u.processes?.upserts ?? [])
        .filter((r) => r.id === hoarder.id)
        .at(-1)!.queueLength;
    const received = () => {
      const states = new Map<number, string>();
      for (const u of updates()) {
        for (const item of [...(u.sequence?.added ?? []), ...(u.sequence?.updated ?? [])])
          if (item.type === 'message') states.set(item.seq, item.state);
      }
      return [...states.values()].filter((state) => state === 'received').length;
    };
    expect(queueOf()).toBe(3);
    expect(received()).toBe(1);
    await settle();
    clock.advance(500);
    expect(queueOf()).toBe(3); // paused: nothing runs, nothing more is taken

    feed.handle({ type: 'scheduler/step' });
    await settle();
    clock.advance(0);
    expect(queueOf()).toBe(2);
    expect(received()).toBe(2);
    expect(rt.paused).toBe(true);

    feed.handle({ type: 'scheduler/step' });
    await settle();
    clock.advance(0);
    expect(queueOf()).toBe(1);
    expect(received()).toBe(3);

    feed.handle({ type: 'scheduler/resume' });
    await settle();
    clock.advance(100);
    expect(queueOf()).toBe(0);
    expect(received()).toBe(4);
    expect(posted.filter((m) => m.type === 'scheduler/state').at(-1)).toMatchObject({
      paused: false,
    });
    feed.dispose();
  });

  it('kills a process on request and the next update removes its row', async () => {
    const rt = createRuntime({ clock: 'virtual' });
    const { feed, clock, updates } = setUp(rt);
    feed.handle({ type: 'panels/watch', open: ALL, treeToggled: [] });
    const hoarder = await startHoarder(rt);
    clock.advance(100);
    feed.handle({ type: 'process/kill', pid: hoarder.id, reason: 'kill' });
    await settle();
    clock.advance(0);
    expect(updates().at(-1)!.processes!.removed).toContain(hoarder.id);
    const exit = updates()
      .flatMap((u) => u.sequence?.added ?? [])
      .find((item) => item.type === 'exit' && item.pid === hoarder.id);
    expect(exit).toMatchObject({ text: "'killed'" });
    feed.dispose();
  });

  it('shows an inspected mailbox, newest last, and updates it as messages arrive', async () => {
    const rt = createRuntime({ clock: 'virtual' });
    const { feed, clock, posted } = setUp(rt);
    feed.handle({ type: 'panels/watch', open: ALL, treeToggled: [] });
    const hoarder = await startHoarder(rt);
    rt.send(null, hoarder, ['job', 1]);
    feed.handle({ type: 'process/inspect', pid: hoarder.id });
    const details = () => posted.flatMap((m) => (m.type === 'process/details' ? [m] : [])).at(-1)!;
    expect(details().detail).toMatchObject({
      queueLength: 1,
      messages: ["['job', 1]"],
      waitingFor: { patterns: ["'go'"], timeout: null },
    });
    rt.send(null, hoarder, ['job', 2]);
    clock.advance(100);
    expect(details().detail!.messages).toEqual(["['job', 1]", "['job', 2]"]);
    feed.handle({ type: 'process/inspect', pid: null });
    const count = posted.length;
    rt.send(null, hoarder, ['job', 3]);
    clock.advance(100);
    expect(posted.slice(count).some((m) => m.type === 'process/details')).toBe(false);
    feed.dispose();
  });

  it('clears the trace: the page is told to drop its sequence', async () => {
    const rt = createRuntime({ clock: 'virtual' });
    const { feed, clock, updates } = setUp(rt);
    feed.handle({ type: 'panels/watch', open: ALL, treeToggled: [] });
    await startHoarder(rt);
    clock.advance(100);
    expect(updates().at(-1)!.sequence!.added.length).toBeGreaterThan(0);
    feed.handle({ type: 'trace/clear' });
    clock.advance(0);
    expect(updates().at(-1)).toMatchObject({ reset: ['sequence'] });
    expect(updates().at(-1)!.sequence!.added).toEqual([]);
    feed.dispose();
  });

  it('sends the supervision tree with a restarted child marked, folded nodes without children', async () => {
    const rt = createRuntime({ clock: 'virtual' });
    const { feed, clock, updates } = setUp(rt);
    feed.handle({ type: 'panels/watch', open: ALL, treeToggled: [] });
    const Worker = GenServer.define({ init: (n: number) => ['ok', n] });
    const children = Array.from({ length: 25 }, (_, i) => ({
      id: `w${i}`,
      start: [Worker, 'startLink', [i]] as [typeof Worker, string, number[]],
    }));
    // The supervisor's parent stays alive: a supervisor exits with its parent, as in OTP.
    const sup = await new Promise<Pid>((resolve) => {
      void rt.run(async () => {
        const [, top] = (await Supervisor.startLink(
          [
            { id: 'a', start: [Worker, 'startLink', [0]] },
            {
              id: 'many',
              type: 'supervisor',
              start: [Supervisor, 'startLink', [children, { strategy: 'one_for_one' }]],
            },
          ],
          { strategy: 'one_for_one' },
        )) as ['ok', Pid];
        resolve(top);
        await receive('never');
      });
    });
    clock.advance(300);
    const tree = () =>
      updates()
        .flatMap((u) => (u.tree ? [u.tree] : []))
        .at(-1)!;
    const root = tree().roots.find((r) => r.pid === sup.id)!;
    const many = root.children.find((c) => c.childId === "'many'")!;
    expect(many).toMatchObject({ collapsed: true, childCount: 25, children: [] });
    const a = root.children.find((c) => c.childId === "'a'")!;

    rt.exitPid(null, rt.pidOf(a.pid!)!, 'kill');
    await settle();
    clock.advance(300);
    const restarted = tree()
      .roots.find((r) => r.pid === sup.id)!
      .children.find((c) => c.childId === "'a'")!;
    expect(restarted).toMatchObject({ key: a.key, restarts: 1, previousPid: a.pid });
    expect(restarted.pid).not.toBe(a.pid);

    feed.handle({ type: 'panels/watch', open: ALL, treeToggled: [many.key] });
    clock.advance(300);
    const unfolded = tree()
      .roots.find((r) => r.pid === sup.id)!
      .children.find((c) => c.childId === "'many'")!;
    expect(unfolded.children).toHaveLength(25);
    feed.dispose();
  });

  it('carries what the page watches over to a restarted runtime', async () => {
    const clock = manualClock();
    const posted: FromWorker[] = [];
    const host = new PanelHost({
      post: (m) => posted.push(m),
      now: clock.now,
      timers: clock.timers,
    });
    const first = createRuntime({ clock: 'virtual' });
    host.attach(first);
    host.handle({ type: 'panels/watch', open: ALL, treeToggled: [] });
    clock.advance(0);
    const second = createRuntime({ clock: 'virtual' });
    host.attach(second);
    first.shutdown();
    const before = posted.length;
    clock.advance(0);
    const next = posted.slice(before).find((m) => m.type === 'panels/update') as PanelsUpdate;
    expect(next.reset).toEqual(['tree', 'processes', 'sequence']);
    expect(posted.some((m) => m.type === 'scheduler/state')).toBe(true);
    second.shutdown();
  });
});

describe('rewind', () => {
  type Timeline = Extract<FromWorker, { type: 'rewind/timeline' }>;
  type Frame = Extract<FromWorker, { type: 'rewind/frame' }>;

  /** A one_for_one supervisor with two workers, watched; returns the supervisor's pid. */
  async function supervised(rt: Runtime, feed: PanelFeed) {
    feed.handle({ type: 'panels/watch', open: ALL, treeToggled: [] });
    const Worker = GenServer.define({ init: (n: number) => ['ok', n] });
    return new Promise<Pid>((resolve) => {
      void rt.run(async () => {
        const [, sup] = (await Supervisor.startLink(
          [
            { id: 'a', start: [Worker, 'startLink', [1]] },
            { id: 'b', start: [Worker, 'startLink', [2]] },
          ],
          { strategy: 'one_for_one' },
        )) as ['ok', Pid];
        resolve(sup);
        await receive('never');
      });
    });
  }

  const childPid = (frame: { tree: { roots: readonly TreeNodeLike[] } }, sup: number, id: string) =>
    frame.tree.roots.find((r) => r.pid === sup)!.children.find((c) => c.childId === id)!.pid;
  interface TreeNodeLike {
    readonly pid: number | null;
    readonly childId: string | null;
    readonly children: readonly TreeNodeLike[];
  }

  it('shows the tree before a crash and after its restart, then goes live', async () => {
    const rt = createRuntime({ clock: 'virtual' });
    const { feed, clock, posted } = setUp(rt);
    const sup = await supervised(rt, feed);
    clock.advance(300);
    const frames = () => posted.filter((m): m is Frame => m.type === 'rewind/frame');
    const timeline = () =>
      posted.filter((m): m is Timeline => m.type === 'rewind/timeline').at(-1)!;
    const tree = updatesTree(posted).at(-1)!;
    const oldPid = childPid({ tree }, sup.id, "'a'")!;

    rt.exitPid(null, rt.pidOf(oldPid)!, 'kill');
    await settle();
    clock.advance(300);
    const { marks, first, end } = timeline();
    expect(first).toBe(0);
    const crash = marks.find((m) => m.kind === 'crash' && m.pid === oldPid)!;
    const restart = marks.find((m) => m.kind === 'restart' && m.index > crash.index)!;
    expect(crash.text).toContain("crashed: 'killed'");

    feed.handle({ type: 'rewind/seek', index: crash.index - 1 });
    const before = frames().at(-1)!;
    expect(before.index).toBe(crash.index - 1);
    expect(childPid(before, sup.id, "'a'")).toBe(oldPid);
    expect(before.rows.some((row) => row.id === oldPid)).toBe(true);

    feed.handle({ type: 'rewind/seek', index: restart.index });
    const after = frames().at(-1)!;
    expect(after.event).toContain(`spawned #PID<0.${restart.pid}.0>`);
    expect(after.rows.some((row) => row.id === oldPid)).toBe(false);
    expect(after.rows.some((row) => row.id === restart.pid)).toBe(true);
    // Later sequence items are there for the page to dim: the crash's exit is before, the
    // supervisor's answer to it after.
    expect(after.sequence.items.some((item) => item.seq > after.seq)).toBe(true);

    // Clamped into the history, both ways.
    feed.handle({ type: 'rewind/seek', index: end + 1000 });
    expect(frames().at(-1)!.index).toBe(timeline().end - 1);

    // Inspecting a process while rewound answers with its mailbox then.
    feed.handle({ type: 'process/inspect', pid: sup.id });
    expect(frames().at(-1)!.detail).toMatchObject({ id: sup.id, queueLength: 0 });

    // Every message the page gets passes the page's own checks.
    for (const message of posted) expect(parseFromWorker(message)).toMatchObject({ ok: true });

    const count = frames().length;
    feed.handle({ type: 'rewind/live' });
    expect(posted.at(-1)!.type).toBe('rewind/timeline');
    feed.handle({ type: 'process/inspect', pid: null });
    expect(frames()).toHaveLength(count);
    feed.dispose();
  });

  it('exports the history and shows a loaded one until Live; refuses a bad file', async () => {
    const rt = createRuntime({ clock: 'virtual' });
    const { feed, clock, posted } = setUp(rt);
    const sup = await supervised(rt, feed);
    clock.advance(300);
    feed.handle({ type: 'rewind/export' });
    const exported = posted.at(-1) as Extract<FromWorker, { type: 'rewind/exported' }>;
    expect(exported.type).toBe('rewind/exported');
    expect(exported.events).toBeGreaterThan(10);

    feed.handle({ type: 'rewind/import', json: exported.json });
    const [timeline, frame] = posted.slice(-2) as [Timeline, Frame];
    expect(timeline).toMatchObject({ type: 'rewind/timeline', source: 'imported' });
    expect(timeline.end - timeline.first).toBe(exported.events);
    expect(frame).toMatchObject({
      type: 'rewind/frame',
      source: 'imported',
      index: timeline.end - 1,
    });
    expect(childPid(frame, sup.id, "'b'")).not.toBeNull();
    expect(parseFromWorker(frame)).toMatchObject({ ok: true });

    // New live events do not move an imported timeline.
    await rt.run(() => spawn(() => receive('never')));
    clock.advance(300);
    const timelines = posted.filter((m): m is Timeline => m.type === 'rewind/timeline');
    expect(timelines.at(-1)!.source).toBe('imported');
    feed.handle({ type: 'rewind/live' });
    expect(posted.at(-1)).toMatchObject({ type: 'rewind/timeline', source: 'live' });

    feed.handle({ type: 'rewind/import', json: '{"format":"actorbook-trace","version":1}' });
    expect(posted.at(-1)).toMatchObject({
      type: 'rewind/error',
      message: expect.stringMatching(
        /not an Actorbook trace Actorbook can read: entries should be a list/,
      ),
    });
    feed.dispose();
  });

  it('keeps the history size the page chose, across a runtime restart', () => {
    const clock = manualClock();
    const posted: FromWorker[] = [];
    const host = new PanelHost({
      post: (m) => posted.push(m),
      now: clock.now,
      timers: clock.timers,
    });
    host.attach(createRuntime({ clock: 'virtual' }));
    host.handle({ type: 'panels/watch', open: ALL, treeToggled: [] });
    host.handle({ type: 'rewind/capacity', capacity: 250_000 });
    expect(posted.at(-1)).toMatchObject({ type: 'rewind/timeline', capacity: 250_000 });
    host.attach(createRuntime({ clock: 'virtual' }));
    const timelines = posted.filter((m) => m.type === 'rewind/timeline');
    expect(timelines.at(-1)).toMatchObject({ capacity: 250_000 });
  });

  it('starts the history over when the trace is cleared', async () => {
    const rt = createRuntime({ clock: 'virtual' });
    const { feed, clock, posted } = setUp(rt);
    await supervised(rt, feed);
    clock.advance(300);
    feed.handle({ type: 'trace/clear' });
    const cleared = posted.filter((m): m is Timeline => m.type === 'rewind/timeline').at(-1)!;
    expect(cleared.first).toBe(cleared.end);
    expect(cleared.dropped).toBe(cleared.end);
    expect(cleared.marks).toEqual([]);
    feed.handle({ type: 'rewind/seek', index: 0 });
    expect(posted.at(-1)).toMatchObject({ type: 'rewind/error' });
    feed.dispose();
  });
});

function updatesTree(posted: FromWorker[]) {
  return posted.flatMap((m) => (m.type === 'panels/update' && m.tree ? [m.tree] : []));
}
