/**
 * The rewind history against real runs: whatever moment is asked for, the models it rebuilds
 * are the ones the live panels had right then; and a trace written to a file and read back
 * rebuilds the same moments.
 */
import { describe, expect, it } from 'vitest';
import {
  DynamicSupervisor,
  GenServer,
  Supervisor,
  _,
  createRuntime,
  receive,
  send,
  sleep,
  spawn,
} from '../../../runtime/index';
import type { Pid, Runtime } from '../../../runtime/index';
import type { ProcessTable } from '../../panels/model/processTable';
import { createProcessTable, snapshotProcesses } from '../../panels/model/processTable';
import type { HistoryModels, RunHistoryOptions } from '../../panels/model/runHistory';
import {
  RunHistory,
  applyHistoryCorrection,
  applyHistoryEvent,
  copySupervision,
  copyTable,
  describeEvent,
} from '../../panels/model/runHistory';
import type { SupervisionModel } from '../../panels/model/supervisionTree';
import { createSupervisionModel, snapshotSupervisors } from '../../panels/model/supervisionTree';
import { exportTrace, importTrace } from '../../panels/model/traceFile';

/** A small deterministic generator, so a failure names the same moments on every run. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A runtime recorded as the panel feed records it: each event into the history just before it
 * is applied to the live models, and a runtime snapshot as a correction now and then. Some
 * moments are copied as they were live, to compare with what the history rebuilds.
 */
function recordedRun(options: RunHistoryOptions & { sample?: number; seed?: number } = {}) {
  const rt: Runtime = createRuntime({ clock: 'virtual' });
  const live: HistoryModels = {
    table: createProcessTable(),
    supervision: createSupervisionModel(),
  };
  const history = new RunHistory(() => live, options);
  const captured = new Map<number, HistoryModels>();
  const sample = options.sample ?? 0.05;
  const pick = random(options.seed ?? 7);
  const capture = () => {
    const index = history.end - 1;
    if (index >= 0 && !captured.has(index))
      captured.set(index, {
        table: copyTable(live.table),
        supervision: copySupervision(live.supervision),
      });
  };
  rt.trace.subscribe((event) => {
    // The moment of the previous event ends here: it has every correction made since.
    if (pick() < sample) capture();
    history.recordEvent(event);
    applyHistoryEvent(live, event);
  });
  /** What the feed does between slices: read the runtime and correct the models. */
  const correct = () => {
    for (const correction of [
      { kind: 'processes', snapshot: snapshotProcesses(rt) },
      { kind: 'supervisors', snapshot: snapshotSupervisors(rt) },
    ] as const) {
      applyHistoryCorrection(live, correction);
      history.recordCorrection(correction);
    }
  };
  return { rt, live, history, captured, capture, correct };
}

/** A table without its pending change sets (those belong to the page updates, not the moment). */
function tableOf(table: ProcessTable) {
  return { rows: table.rows, names: table.names, version: table.version };
}

function supervisionOf(model: SupervisionModel, withStates = true) {
  const supervisors = [...model.supervisors.values()].map((entry) =>
    withStates ? entry : { ...entry, state: entry.state === null ? null : 'a state' },
  );
  return { ...model, supervisors };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 2));

const Worker = GenServer.define({
  init: (n: number) => ['ok', n],
  handleCast: (msg: unknown, n: number) => {
    if (msg === 'crash') throw new Error(`worker ${n} crashed`);
    return ['noreply', n];
  },
  handleCall: (_msg: unknown, _from: unknown, n: number) => ['reply', n, n],
});

/** Supervisors restarting crashed children (one_for_one, one_for_all, dynamic), and a mailbox
 * that fills and drains, with corrections between the steps. */
async function supervisedRun(run: ReturnType<typeof recordedRun>) {
  const { rt, correct } = run;
  const ids = await new Promise<{ top: Pid; all: Pid; dyn: Pid }>((resolve) => {
    void rt.run(async () => {
      const [, all] = (await Supervisor.startLink(
        [0, 1, 2].map((i) => ({ id: `all${i}`, start: [Worker, 'startLink', [10 + i]] })),
        { strategy: 'one_for_all', maxRestarts: 100, maxSeconds: 1 },
      )) as ['ok', Pid];
      const [, top] = (await Supervisor.startLink(
        [0, 1, 2, 3].map((i) => ({ id: `w${i}`, start: [Worker, 'startLink', [i]] })),
        { strategy: 'one_for_one', maxRestarts: 100, maxSeconds: 1 },
      )) as ['ok', Pid];
      const [, dyn] = (await DynamicSupervisor.startLink({ strategy: 'one_for_one' })) as [
        'ok',
        Pid,
      ];
      resolve({ top, all, dyn });
      await receive('never');
    });
  });
  await settle();
  correct();
  const pick = random(3);
  for (let round = 0; round < 12; round++) {
    await rt.run(async () => {
      const children = await Supervisor.whichChildren(round % 3 === 0 ? ids.all : ids.top);
      const [, victim] = children[Math.floor(pick() * children.length)]!;
      GenServer.cast(victim as Pid, 'crash');
      await sleep(5);
      if (round % 2 === 0)
        await DynamicSupervisor.startChild(ids.dyn, {
          id: 'x',
          start: [Worker, 'startLink', [round]],
        });
    });
    await settle();
    if (round % 3 !== 1) correct();
  }
  // A mailbox that fills while its owner waits for 'go', then drains.
  await rt.run(async () => {
    const hoarder = spawn(async () => {
      await receive('go');
      for (;;) await receive(_);
    });
    for (let i = 0; i < 60; i++) send(hoarder, ['item', i]);
    await sleep(1);
    send(hoarder, 'go');
    await sleep(1);
  });
  await settle();
  correct();
  run.capture();
}

describe('run history', () => {
  it('rebuilds the models of any moment exactly as they were live, across checkpoints', async () => {
    const run = recordedRun({ checkpointEvery: 40, sample: 0.2 });
    await supervisedRun(run);
    const { history, captured } = run;
    expect(history.end).toBeGreaterThan(400);
    expect(captured.size).toBeGreaterThan(50);
    // Asked in a shuffled order: forwards within a chunk reuses work, backwards starts over.
    const order = [...captured.keys()].sort((a, b) => ((a * 7919) % 101) - ((b * 7919) % 101));
    for (const index of order) {
      const moment = history.momentAt(index)!;
      const want = captured.get(index)!;
      expect(moment.index).toBe(index);
      expect(tableOf(moment.table), `processes at ${index}`).toEqual(tableOf(want.table));
      expect(supervisionOf(moment.supervision), `supervision at ${index}`).toEqual(
        supervisionOf(want.supervision),
      );
    }
  });

  it('keeps at least its capacity, drops older chunks whole and says how many', async () => {
    const run = recordedRun({ capacity: 150, checkpointEvery: 30, sample: 0.3 });
    await supervisedRun(run);
    const { history, captured } = run;
    const timeline = history.timeline();
    expect(timeline.first).toBeGreaterThan(0);
    expect(timeline.dropped).toBe(timeline.first);
    expect(timeline.end - timeline.first).toBeGreaterThanOrEqual(150);
    // Dropping is by chunk: never more than one chunk beyond the capacity is kept.
    expect(timeline.end - timeline.first).toBeLessThan(150 + 2 * 30 + 200);
    expect(history.eventAt(timeline.first - 1)).toBeNull();
    expect(history.clamp(0)).toBe(timeline.first);
    let compared = 0;
    for (const [index, want] of captured) {
      if (index < timeline.first) continue;
      const moment = history.momentAt(index)!;
      expect(tableOf(moment.table)).toEqual(tableOf(want.table));
      expect(supervisionOf(moment.supervision)).toEqual(supervisionOf(want.supervision));
      compared++;
    }
    expect(compared).toBeGreaterThan(20);

    // A smaller history drops its oldest chunks at once, still keeping what it promises.
    const kept = timeline.end - timeline.first;
    history.setCapacity(60);
    const smaller = history.timeline();
    expect(smaller.capacity).toBe(60);
    expect(smaller.end - smaller.first).toBeGreaterThanOrEqual(60);
    expect(smaller.end - smaller.first).toBeLessThan(kept);
    expect(smaller.dropped).toBe(smaller.first);
  });

  it('marks crashes, restarts and supervised exits where they happened', async () => {
    const run = recordedRun({ checkpointEvery: 50 });
    await supervisedRun(run);
    const { history } = run;
    const { marks } = history.timeline();
    const crashes = marks.filter((m) => m.kind === 'crash');
    const restarts = marks.filter((m) => m.kind === 'restart');
    expect(crashes.length).toBe(12);
    // one_for_all: the crashed child's two siblings exit with shutdown, all three restart.
    expect(marks.filter((m) => m.kind === 'exit').length).toBeGreaterThanOrEqual(8);
    expect(restarts.length).toBeGreaterThanOrEqual(12 + 8);
    for (const mark of marks) {
      const event = history.eventAt(mark.index)!;
      expect(event.type).toBe(mark.kind === 'restart' ? 'spawn' : 'exit');
      expect(mark.pid).toBe((event as { pid: Pid }).pid.id);
      expect(mark.time).toBe(event.time);
    }
    expect(crashes[0]!.text).toMatch(/^#PID<0\.\d+\.0> crashed: .*worker \d+ crashed/);
    expect(restarts[0]!.text).toMatch(/restarted a child as #PID<0\.\d+\.0>$/);
    // Before a crash the crashed pid is in its supervisor's tree; after the restart it is not.
    const crash = crashes[1]!;
    const before = history.momentAt(crash.index - 1)!;
    expect(before.supervision.slotOfPid.has(crash.pid)).toBe(true);
    const restart = restarts.find((m) => m.index > crash.index)!;
    const after = history.momentAt(restart.index + 1)!;
    expect(after.table.rows.has(crash.pid)).toBe(false);
    expect(after.table.rows.has(restart.pid)).toBe(true);
  });

  it('shows a mailbox as it was: filling, then drained', async () => {
    const run = recordedRun();
    await supervisedRun(run);
    const { history } = run;
    let sends = 0;
    let full = -1;
    let hoarder = -1;
    for (let i = history.first; i < history.end; i++) {
      const e = history.eventAt(i)!;
      if (e.type === 'send' && Array.isArray(e.msg) && e.msg[0] === 'item') {
        hoarder = e.to!.id;
        if (++sends === 25) {
          const moment = history.momentAt(i)!;
          const detail = history.detailAt(i, hoarder, moment.table.rows.get(hoarder))!;
          expect(detail.queueLength).toBe(25);
          expect(detail.messages).toHaveLength(25);
          expect(detail.messages[0]).toBe("['item', 0]");
          expect(detail.messages[24]).toBe("['item', 24]");
        }
        if (sends === 60) full = i;
      }
    }
    expect(full).toBeGreaterThan(0);
    expect(history.momentAt(full)!.table.rows.get(hoarder)!.queueLength).toBe(60);
    const last = history.end - 1;
    const drained = history.detailAt(
      last,
      hoarder,
      history.momentAt(last)!.table.rows.get(hoarder),
    )!;
    expect(drained.messages).toEqual([]);
    expect(drained.queueLength).toBe(0);
  });

  it('gives the sequence up to a moment, then later items, the moment last before them', async () => {
    const run = recordedRun();
    await supervisedRun(run);
    const { history } = run;
    const at = Math.floor((history.first + history.end) / 2);
    const seq = history.eventAt(at)!.seq;
    const { items } = history.sequenceAt(at, []);
    const split = items.findIndex((item) => item.seq > seq);
    expect(split).toBeGreaterThan(0);
    expect(items.slice(0, split).every((item) => item.seq <= seq)).toBe(true);
    expect(items.length - split).toBeGreaterThan(0);
    expect(items.length - split).toBeLessThanOrEqual(200);
    // Up to the moment, a message received only later is still pending.
    const later = new Set(items.slice(split).map((i) => i.seq));
    const pendingThen = items
      .slice(0, split)
      .filter((i) => i.type === 'message' && i.state === 'pending');
    for (const item of pendingThen)
      if (item.type === 'message') expect(item.receivedSeq === null || later.size > 0).toBe(true);
  });

  it('describes each event in one line', async () => {
    const rt = createRuntime({ clock: 'virtual' });
    const seen: string[] = [];
    rt.trace.subscribe((e) => seen.push(describeEvent(e)));
    await rt.run(async () => {
      const p = spawn(() => receive('x'));
      send(p, 'x');
      await sleep(1);
    });
    expect(seen.some((line) => /spawned #PID<0\.\d+\.0>/.test(line))).toBe(true);
    expect(seen.some((line) => /sent #PID<0\.\d+\.0>: 'x'/.test(line))).toBe(true);
  });
});

describe('trace files', () => {
  it('reads back a written trace into the same moments, marks and sequence', async () => {
    const run = recordedRun({ checkpointEvery: 40 });
    await supervisedRun(run);
    const { history } = run;
    const { json, events } = exportTrace(history);
    expect(events).toBe(history.end - history.first);
    const result = importTrace(json);
    if (!result.ok) throw new Error(result.message);
    const loaded = result.history;
    expect(loaded.source).toBe('imported');
    const { source: _a, ...liveTimeline } = history.timeline();
    const { source: _b, ...loadedTimeline } = loaded.timeline();
    expect(loadedTimeline).toEqual(liveTimeline);
    const pick = random(11);
    for (let k = 0; k < 40; k++) {
      const index = history.first + Math.floor(pick() * (history.end - history.first));
      const a = history.momentAt(index)!;
      const b = loaded.momentAt(index)!;
      expect(tableOf(b.table), `processes at ${index}`).toEqual(tableOf(a.table));
      expect(supervisionOf(b.supervision, false), `supervision at ${index}`).toEqual(
        supervisionOf(a.supervision, false),
      );
      expect(loaded.sequenceAt(index, []).items).toEqual(history.sequenceAt(index, []).items);
    }
  });

  it('keeps terms that are not plain data as their printed text', async () => {
    const rt = createRuntime({ clock: 'virtual' });
    const live: HistoryModels = {
      table: createProcessTable(),
      supervision: createSupervisionModel(),
    };
    const history = new RunHistory(() => live);
    rt.trace.subscribe((e) => {
      history.recordEvent(e);
      applyHistoryEvent(live, e);
    });
    await rt.run(async () => {
      const p = spawn(() => receive('never'));
      send(p, ['with', new Map([['k', 1]]), () => 1]);
      send(p, JSON.parse('{"__proto__": "field", "n": 1}'));
      await sleep(1);
    });
    const result = importTrace(exportTrace(history).json);
    if (!result.ok) throw new Error(result.message);
    const messages = (h: RunHistory) =>
      h.sequenceAt(h.end - 1, []).items.flatMap((i) => (i.type === 'message' ? [i.payload] : []));
    expect(messages(result.history)).toEqual(messages(history));
    expect(messages(history).some((p) => p.includes('k'))).toBe(true);
  });

  it('refuses what is not a trace with one clear sentence', () => {
    const refuse = (json: string) => {
      const result = importTrace(json);
      expect(result.ok).toBe(false);
      return result.ok ? '' : result.message;
    };
    expect(refuse('{"oops"')).toMatch(/not an Actorbook trace: it is not JSON/);
    expect(refuse('{"format": "other"}')).toMatch(/not an Actorbook trace/);
    expect(refuse('{"format": "actorbook-trace", "version": 99}')).toMatch(/version 99/);
    const base = {
      format: 'actorbook-trace',
      version: 1,
      first: 0,
      dropped: 0,
      capacity: 10,
      states: [],
    };
    const checkpoint = {
      checkpoint: {
        table: { rows: [], names: [], version: 0 },
        supervision: {
          supervisors: [],
          slots: [],
          slotOfPid: [],
          spawnedAt: [],
          dirty: [],
          version: 0,
        },
      },
    };
    expect(refuse(JSON.stringify({ ...base, entries: [] }))).toMatch(/hold no events/);
    expect(
      refuse(JSON.stringify({ ...base, entries: [{ event: { type: 'exit', seq: 1, time: 0 } }] })),
    ).toMatch(/entries\[0\] comes before the first checkpoint/);
    const badPid = {
      event: { type: 'exit', seq: 1, time: 0, pid: { $pid: -3 }, reason: 'normal' },
    };
    expect(refuse(JSON.stringify({ ...base, entries: [checkpoint, badPid] }))).toMatch(
      /entries\[1\]\.event\.pid\.\$pid should be a whole number/,
    );
    const badType = { event: { type: 'explode', seq: 1, time: 0 } };
    expect(refuse(JSON.stringify({ ...base, entries: [checkpoint, badType] }))).toMatch(
      /is not an event type/,
    );
    const ok = { event: { type: 'exit', seq: 1, time: 0, pid: { $pid: 5 }, reason: 'normal' } };
    const result = importTrace(JSON.stringify({ ...base, entries: [checkpoint, ok] }));
    expect(result.ok).toBe(true);
  });
});
