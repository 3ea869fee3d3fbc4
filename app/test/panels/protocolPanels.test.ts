import { describe, expect, it } from 'vitest';
import type { FromWorker, ToWorker } from '../../engine/protocol';
import { parseFromWorker, parseToWorker } from '../../engine/protocol';
import { createProcessTable, takeProcessChanges } from '../../panels/model/processTable';
import { createSequenceModel, takeSequenceChanges } from '../../panels/model/sequenceModel';
import { watchedRuntime } from './harness';
import { GenServer, Supervisor } from '../../../runtime/index';

describe('panel messages, page -> worker', () => {
  it('accepts every well-formed panel and control message', () => {
    const messages: ToWorker[] = [
      {
        type: 'panels/watch',
        open: { tree: true, processes: false, sequence: true },
        treeToggled: ['81/a'],
      },
      { type: 'process/inspect', pid: 83 },
      { type: 'process/inspect', pid: null },
      { type: 'process/kill', pid: 83, reason: 'kill' },
      { type: 'scheduler/pause' },
      { type: 'scheduler/resume' },
      { type: 'scheduler/step' },
      { type: 'scheduler/speed', rate: 0.25 },
      { type: 'trace/clear' },
      { type: 'rewind/seek', index: 1234 },
      { type: 'rewind/live' },
      { type: 'rewind/export' },
      { type: 'rewind/import', json: '{}' },
      { type: 'rewind/capacity', capacity: 100_000 },
    ];
    for (const message of messages) {
      expect(parseToWorker(message)).toEqual({ ok: true, message });
    }
  });

  it('rejects a watch without all three panels, or with toggles that are not strings', () => {
    expect(
      parseToWorker({ type: 'panels/watch', open: { tree: true }, treeToggled: [] }),
    ).toMatchObject({ ok: false, error: /panels\/watch: "open" "processes" should be a boolean/ });
    expect(
      parseToWorker({
        type: 'panels/watch',
        open: { tree: true, processes: true, sequence: true },
        treeToggled: ['a', 3],
      }),
    ).toMatchObject({ ok: false, error: /"treeToggled" \[1\] should be a string/ });
  });

  it('rejects a rewind position that is not a whole number and a history size out of range', () => {
    for (const index of [-1, 2.5, '3', null]) {
      expect(parseToWorker({ type: 'rewind/seek', index })).toMatchObject({
        ok: false,
        error: /"index" should be a position/,
      });
    }
    for (const capacity of [0, 9_999, 2_000_001, 1e9, 50_000.5]) {
      expect(parseToWorker({ type: 'rewind/capacity', capacity })).toMatchObject({
        ok: false,
        error: /"capacity" should be a whole number of events from 10000 to 2000000/,
      });
    }
  });

  it('rejects a pid that is not a whole number and a speed outside (0, 16]', () => {
    expect(parseToWorker({ type: 'process/kill', pid: 1.5, reason: 'kill' })).toMatchObject({
      ok: false,
      error: /"pid" should be a pid number/,
    });
    expect(parseToWorker({ type: 'process/kill', pid: 3 })).toMatchObject({
      ok: false,
      error: /"reason" should be a string/,
    });
    for (const rate of [0, -1, 100, Number.NaN, '0.5']) {
      expect(parseToWorker({ type: 'scheduler/speed', rate })).toMatchObject({
        ok: false,
        error: /"rate" should be a speed/,
      });
    }
  });
});

describe('panel messages, worker -> page', () => {
  it('accepts a real update built from the models of a running supervisor', async () => {
    const { rt, table, sequence, refresh, forest } = watchedRuntime();
    const Worker = GenServer.define({ init: (n: number) => ['ok', n] });
    await rt.run(async () => {
      await Supervisor.startLink([{ id: 'a', start: [Worker, 'startLink', [1]] }], {
        strategy: 'one_for_one',
      });
    });
    refresh();
    const update: FromWorker = {
      type: 'panels/update',
      reset: ['tree', 'processes', 'sequence'],
      processes: takeProcessChanges(table),
      sequence: takeSequenceChanges(sequence),
      tree: { ...forest(), roots: [...forest().roots] },
      since: 1000.5,
      sentAt: 1001,
      skipped: 0,
      backlog: 0,
    };
    expect(update.processes!.upserts.length).toBeGreaterThan(0);
    expect(update.sequence!.added.length).toBeGreaterThan(0);
    expect(parseFromWorker(structuredClone(update))).toMatchObject({ ok: true });
  });

  it('accepts an update with nothing in it, details of a gone process and scheduler state', () => {
    const messages: FromWorker[] = [
      {
        type: 'panels/update',
        reset: [],
        processes: takeProcessChanges(createProcessTable()),
        sequence: takeSequenceChanges(createSequenceModel()),
        tree: null,
        since: null,
        sentAt: 5,
        skipped: 0,
        backlog: 0,
      },
      { type: 'process/details', pid: 90, detail: null },
      { type: 'scheduler/state', paused: true, rate: 0.1 },
    ];
    for (const message of messages) expect(parseFromWorker(message)).toMatchObject({ ok: true });
  });

  it('names the broken part of a malformed update', () => {
    const base = {
      type: 'panels/update',
      reset: [],
      processes: null,
      sequence: null,
      tree: null,
      since: null,
      sentAt: 1,
      skipped: 0,
      backlog: 0,
    };
    expect(parseFromWorker({ ...base, reset: ['tree', 'all'] })).toMatchObject({
      ok: false,
      error: /"reset" \[1\] should be a panel name, got "all"/,
    });
    expect(
      parseFromWorker({
        ...base,
        processes: { version: 1, upserts: [{ id: 'x' }], removed: [] },
      }),
    ).toMatchObject({ ok: false, error: /"processes" "upserts" \[0\]\."id" should be a pid/ });
    expect(
      parseFromWorker({ ...base, processes: { version: 1, upserts: [], removed: ['a'] } }),
    ).toMatchObject({ ok: false, error: /"removed" \[0\] should be a number/ });
    expect(
      parseFromWorker({
        ...base,
        sequence: { version: 1, added: [{ seq: 1 }], updated: [], firstSeq: 1, names: [] },
      }),
    ).toMatchObject({ ok: false, error: /"added" \[0\]\."type" should be a string/ });
    expect(
      parseFromWorker({ ...base, tree: { roots: 'x', unlinked: 0, version: 1 } }),
    ).toMatchObject({ ok: false, error: /"tree" "roots" should be an array/ });
    expect(parseFromWorker({ ...base, sentAt: undefined })).toMatchObject({ ok: false });
    expect(
      parseFromWorker({ type: 'process/details', pid: 3, detail: { id: 3, pid: '#PID<0.3.0>' } }),
    ).toMatchObject({ ok: false, error: /"detail" "status" should be a string/ });
    expect(parseFromWorker({ type: 'scheduler/state', paused: 'yes', rate: 1 })).toMatchObject({
      ok: false,
      error: /"paused" should be a boolean/,
    });
  });
});
