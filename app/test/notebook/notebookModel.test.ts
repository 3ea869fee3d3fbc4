import { describe, expect, it } from 'vitest';
import type { CellMessage, CellResult } from '../../engine/protocol';
import type { NotebookEffect, NotebookOp, NotebookState } from '../../notebook/notebookModel';
import {
  applyNotebookOp,
  idsAbove,
  openNotebook,
  progressCount,
  reopenNotebook,
  savedChapterOf,
} from '../../notebook/notebookModel';
import { fingerprint } from '../../persistence/savedChapter';

const CELLS = [
  { id: 'a', source: 'const counter = 1' },
  { id: 'b', source: 'const doubled = counter * 2' },
  { id: 'c', source: 'IO.puts("unrelated")' },
  { id: 'd', source: 'doubled + 1' },
];

const fresh = () => openNotebook('start', CELLS, null);

/** Applies ops in turn; returns the last state and every effect, in order. */
function play(state: NotebookState, ...ops: NotebookOp[]) {
  const effects: NotebookEffect[] = [];
  let next = state;
  for (const op of ops) {
    const applied = applyNotebookOp(next, op);
    next = applied.state;
    effects.push(...applied.effects);
  }
  return { state: next, effects };
}

let runIds = 1;
/** The worker's messages for one complete run of `cellId` ending with `result`. */
function ranWith(cellId: string, result: CellResult = { status: 'ok', value: null }): NotebookOp[] {
  const runId = runIds++;
  return [
    { type: 'cell/started', runId, cellId },
    { type: 'cell/done', runId, cellId, result, ms: 3 },
  ];
}
/** A run requested by the page (which queues the cell) and carried out by the worker. */
const runCell = (cellId: string, result?: CellResult): NotebookOp[] => [
  { type: 'run', cellIds: [cellId] },
  ...ranWith(cellId, result),
];

describe('the notebook model', () => {
  it('runs a cell with its current source and follows it from queued to done', () => {
    const edited = play(fresh(), { type: 'edit', cellId: 'a', source: 'const counter = 5' });
    const requested = play(edited.state, { type: 'run', cellIds: ['a'] });
    expect(requested.effects).toEqual([{ type: 'run', cellId: 'a', source: 'const counter = 5' }]);

    expect(requested.state.cells['a']?.phase).toBe('queued');
    const started = play(requested.state, { type: 'cell/started', runId: 1, cellId: 'a' });
    expect(started.state.cells['a']?.phase).toBe('running');
    const done = play(started.state, {
      type: 'cell/done',
      runId: 1,
      cellId: 'a',
      result: { status: 'ok', value: '5' },
      ms: 7,
    });
    expect(done.state.cells['a']).toMatchObject({
      phase: 'idle',
      result: { status: 'ok', value: '5' },
      ms: 7,
      ranSource: 'const counter = 5',
    });
  });

  it('queues run all in chapter order and skips cells already queued or running', () => {
    const busy = play(fresh(), { type: 'run', cellIds: ['b'] });
    expect(busy.state.cells['b']?.phase).toBe('queued');
    const { effects } = play(busy.state, { type: 'run', cellIds: busy.state.order });
    expect(effects.map((effect) => effect.type === 'run' && effect.cellId)).toEqual([
      'a',
      'c',
      'd',
    ]);
  });

  it('lists the cells above a cell for run all above', () => {
    expect(idsAbove(fresh(), 'c')).toEqual(['a', 'b']);
    expect(idsAbove(fresh(), 'a')).toEqual([]);
    expect(idsAbove(fresh(), 'nope')).toEqual([]);
  });

  it('marks later cells that use a re-run cell’s names as stale, and clears that when they run', () => {
    const all = play(fresh(), ...runCell('a'), ...runCell('b'), ...runCell('c'), ...runCell('d'));
    expect(Object.values(all.state.cells).map((cell) => cell.stale)).toEqual([
      null,
      null,
      null,
      null,
    ]);

    const rerun = play(all.state, ...runCell('a'));
    expect(rerun.state.cells['b']?.stale).toEqual({ kind: 'upstream', cellId: 'a' });
    // d uses `doubled`, which b declares: stale through b.
    expect(rerun.state.cells['d']?.stale).toEqual({ kind: 'upstream', cellId: 'a' });
    expect(rerun.state.cells['c']?.stale).toBeNull();

    const again = play(rerun.state, ...runCell('b'));
    expect(again.state.cells['b']?.stale).toBeNull();
    expect(again.state.cells['d']?.stale).toEqual({ kind: 'upstream', cellId: 'a' });
  });

  it('does not mark stale a later cell that never ran or is about to run', () => {
    const ranA = play(fresh(), ...runCell('a'));
    const queuedB = play(
      ranA.state,
      { type: 'run', cellIds: ['a', 'b'] },
      {
        type: 'cell/done',
        runId: 50,
        cellId: 'a',
        result: { status: 'ok', value: null },
        ms: 1,
      },
    );
    expect(queuedB.state.cells['b']?.stale).toBeNull();
    expect(queuedB.state.cells['d']?.stale).toBeNull();
  });

  it('marks an edited cell stale and its dependents too; undoing the edit clears the cell', () => {
    const all = play(fresh(), ...runCell('a'), ...runCell('b'), ...runCell('c'));
    const edited = play(all.state, { type: 'edit', cellId: 'a', source: 'const counter = 2' });
    expect(edited.state.cells['a']?.stale).toEqual({ kind: 'edited' });
    expect(edited.state.cells['b']?.stale).toEqual({ kind: 'upstream', cellId: 'a' });
    expect(edited.state.cells['c']?.stale).toBeNull();
    expect(edited.effects).toEqual([{ type: 'save' }]);

    const undone = play(edited.state, { type: 'edit', cellId: 'a', source: 'const counter = 1' });
    expect(undone.state.cells['a']?.stale).toBeNull();
  });

  it('does not mark dependents after a failed run: its bindings never landed', () => {
    const all = play(fresh(), ...runCell('a'), ...runCell('b'));
    const failed = play(all.state, ...runCell('a', { status: 'error', message: 'boom' }));
    expect(failed.state.cells['b']?.stale).toBeNull();
  });

  it('clears a cell’s output when it is queued again and appends late output after it ended', () => {
    const first = play(fresh(), ...runCell('a'), {
      type: 'cell/output',
      chunks: [{ cellId: 'a', stream: 'stdout', text: 'late\n' }],
    });
    expect(first.state.cells['a']?.outputs).toEqual([
      { kind: 'text', stream: 'stdout', text: 'late\n' },
    ]);
    const again = play(first.state, { type: 'run', cellIds: ['a'] });
    expect(again.state.cells['a']?.outputs).toEqual([]);
  });

  it('replaces a rich output by id where it stands', () => {
    const rich = (markdown: string): CellMessage => ({
      type: 'cell/rich',
      cellId: 'a',
      output: { kind: 'markdown', id: 'frame', markdown },
    });
    const { state } = play(
      fresh(),
      rich('one'),
      { type: 'cell/output', chunks: [{ cellId: 'a', stream: 'stdout', text: 'x' }] },
      rich('two'),
    );
    expect(state.cells['a']?.outputs).toEqual([
      { kind: 'rich', output: { kind: 'markdown', id: 'frame', markdown: 'two' } },
      { kind: 'text', stream: 'stdout', text: 'x' },
    ]);
  });

  it('leaves other cells untouched (same object) when one cell gets output', () => {
    const before = fresh();
    const { state } = play(before, {
      type: 'cell/output',
      chunks: [{ cellId: 'a', stream: 'stdout', text: 'x' }],
    });
    expect(state.cells['b']).toBe(before.cells['b']);
    expect(state.order).toBe(before.order);
  });

  it('resets one cell to the chapter’s code and saves', () => {
    const edited = play(fresh(), { type: 'edit', cellId: 'b', source: 'mine' });
    const reset = play(edited.state, { type: 'reset', cellId: 'b' });
    expect(reset.state.cells['b']?.source).toBe(CELLS[1]!.source);
    expect(reset.effects).toEqual([{ type: 'save' }]);
    expect(play(reset.state, { type: 'reset', cellId: 'b' }).effects).toEqual([]);
  });

  it('resets the whole chapter: original code, no outputs, a fresh runtime, progress kept', () => {
    const worked = play(
      fresh(),
      { type: 'edit', cellId: 'a', source: 'const counter = 3' },
      ...runCell('a'),
      { type: 'edit', cellId: 'c', source: 'mine' },
    );
    const reset = play(worked.state, { type: 'resetAll' });
    expect(reset.effects).toEqual([{ type: 'restart' }, { type: 'save' }]);
    expect(Object.values(reset.state.cells).map((cell) => cell.source)).toEqual(
      CELLS.map((cell) => cell.source),
    );
    expect(reset.state.cells['a']?.result).toBeNull();
    expect(reset.state.ran).toEqual(['a']);
  });

  it('marks shown results as from a previous runtime after a restart, until the cell runs again', () => {
    const ran = play(fresh(), ...runCell('a'), ...runCell('b'));
    const restarted = play(ran.state, { type: 'runtimeReplaced' });
    expect(restarted.state.cells['a']?.previousRuntime).toBe(true);
    expect(restarted.state.cells['b']?.previousRuntime).toBe(true);
    expect(restarted.state.cells['c']?.previousRuntime).toBe(false);
    const again = play(restarted.state, ...runCell('a'));
    expect(again.state.cells['a']?.previousRuntime).toBe(false);
    expect(again.state.cells['b']?.previousRuntime).toBe(true);
  });

  it('records progress once per cell that ran ok, and saves when it grows', () => {
    const once = play(fresh(), ...runCell('a'));
    expect(once.effects).toContainEqual({ type: 'save' });
    const twice = play(
      once.state,
      ...runCell('a'),
      ...runCell('b', { status: 'error', message: 'x' }),
    );
    expect(twice.state.ran).toEqual(['a']);
    expect(twice.effects).not.toContainEqual({ type: 'save' });
    expect(progressCount(twice.state)).toBe(1);
  });

  it('stops only a busy cell', () => {
    expect(play(fresh(), { type: 'stop', cellId: 'a' }).effects).toEqual([]);
    const queued = play(fresh(), { type: 'run', cellIds: ['a'] });
    expect(play(queued.state, { type: 'stop', cellId: 'a' }).effects).toEqual([
      { type: 'cancel', cellId: 'a' },
    ]);
  });

  it('puts a cell back to idle when its run could not be queued, so it can run again', () => {
    const queued = play(fresh(), { type: 'run', cellIds: ['a'] });
    const refused = play(queued.state, { type: 'runRefused', cellId: 'a' });
    expect(refused.state.cells['a']?.phase).toBe('idle');
    expect(play(refused.state, { type: 'run', cellIds: ['a'] }).effects).toEqual([
      { type: 'run', cellId: 'a', source: CELLS[0]!.source },
    ]);
  });

  it('ignores a start for a cell that is not queued', () => {
    const started = play(fresh(), { type: 'cell/started', runId: 3, cellId: 'a' });
    expect(started.state.cells['a']?.phase).toBe('idle');
  });
});

describe('saving and reopening a notebook', () => {
  it('saves only edited sources and progress, and opens them again', () => {
    const worked = play(
      fresh(),
      { type: 'edit', cellId: 'b', source: 'const doubled = counter * 3' },
      ...runCell('a'),
    );
    const saved = savedChapterOf(worked.state);
    expect(saved).toEqual({
      version: 1,
      edits: { b: { source: 'const doubled = counter * 3', base: fingerprint(CELLS[1]!.source) } },
      ran: ['a'],
    });
    const reopened = openNotebook('start', CELLS, saved);
    expect(reopened.cells['b']?.source).toBe('const doubled = counter * 3');
    expect(reopened.cells['b']?.originalChanged).toBe(false);
    expect(reopened.cells['a']?.source).toBe(CELLS[0]!.source);
    expect(progressCount(reopened)).toBe(1);
  });

  it('keeps an edit whose original changed since, and marks it until the cell is reset', () => {
    const saved = savedChapterOf(
      play(fresh(), { type: 'edit', cellId: 'b', source: 'my version' }).state,
    );
    const newChapter = CELLS.map((cell) =>
      cell.id === 'b' ? { ...cell, source: 'const doubled = counter + counter' } : cell,
    );
    const opened = openNotebook('start', newChapter, saved);
    expect(opened.cells['b']).toMatchObject({ source: 'my version', originalChanged: true });
    // Saving again keeps the mark.
    const again = openNotebook('start', newChapter, savedChapterOf(opened));
    expect(again.cells['b']?.originalChanged).toBe(true);
    const reset = play(again, { type: 'reset', cellId: 'b' }).state;
    expect(reset.cells['b']).toMatchObject({
      source: 'const doubled = counter + counter',
      originalChanged: false,
    });
  });

  it('carries along saved edits of cells the chapter no longer has', () => {
    const saved = {
      version: 1 as const,
      edits: { gone: { source: 'old work', base: 'x' } },
      ran: ['gone', 'a'],
    };
    const opened = openNotebook('start', CELLS, saved);
    expect(progressCount(opened)).toBe(1);
    const edited = play(opened, { type: 'edit', cellId: 'a', source: 'new' }).state;
    expect(savedChapterOf(edited).edits['gone']).toEqual({ source: 'old work', base: 'x' });
  });

  it('reopens a chapter keeping edits and outputs of its cells', () => {
    const worked = play(
      fresh(),
      { type: 'edit', cellId: 'c', source: 'mine' },
      ...runCell('c'),
    ).state;
    const reopened = reopenNotebook(worked, CELLS);
    expect(reopened.cells['c']).toBe(worked.cells['c']);
  });
});
