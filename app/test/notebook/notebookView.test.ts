import { describe, expect, it } from 'vitest';
import type { ClientEvent } from '../../engine/workerClient';
import type { NotebookView } from '../../notebook/notebookView';
import {
  applyClientEvent,
  dismissNotice,
  editCell,
  initialNotebookView,
} from '../../notebook/notebookView';

const apply = (view: NotebookView, ...events: ClientEvent[]) =>
  events.reduce(applyClientEvent, view);

const start = () =>
  initialNotebookView([
    { id: 'a', source: 'IO.puts("hi")' },
    { id: 'b', source: '1' },
  ]);

describe('the notebook view', () => {
  it('starts every cell idle with no output', () => {
    expect(start().cells['a']).toEqual({
      id: 'a',
      source: 'IO.puts("hi")',
      phase: 'idle',
      outputs: [],
      result: null,
      ms: null,
    });
    expect(start().status).toBe('starting');
  });

  it('follows a run from queued to done, merging output of the same stream', () => {
    const view = apply(
      start(),
      { type: 'run/queued', runId: 1, cellId: 'a' },
      { type: 'run/started', runId: 1, cellId: 'a' },
      {
        type: 'output',
        chunks: [
          { cellId: 'a', stream: 'stdout', text: 'one\n' },
          { cellId: 'b', stream: 'stdout', text: 'for b\n' },
        ],
      },
      { type: 'output', chunks: [{ cellId: 'a', stream: 'stdout', text: 'two\n' }] },
      { type: 'output', chunks: [{ cellId: 'a', stream: 'stderr', text: 'bad\n' }] },
      { type: 'run/done', runId: 1, cellId: 'a', result: { status: 'ok', value: "'x'" }, ms: 5 },
    );
    expect(view.cells['a']).toMatchObject({
      phase: 'idle',
      outputs: [
        { stream: 'stdout', text: 'one\ntwo\n' },
        { stream: 'stderr', text: 'bad\n' },
      ],
      result: { status: 'ok', value: "'x'" },
      ms: 5,
    });
    expect(view.cells['b']?.outputs).toEqual([{ stream: 'stdout', text: 'for b\n' }]);
  });

  it('keeps appending output that arrives after the run finished, until the cell runs again', () => {
    let view = apply(
      start(),
      { type: 'run/queued', runId: 1, cellId: 'a' },
      { type: 'run/done', runId: 1, cellId: 'a', result: { status: 'ok', value: null }, ms: 1 },
      { type: 'output', chunks: [{ cellId: 'a', stream: 'stdout', text: 'late\n' }] },
    );
    expect(view.cells['a']?.outputs).toEqual([{ stream: 'stdout', text: 'late\n' }]);
    view = apply(view, { type: 'run/queued', runId: 2, cellId: 'a' });
    expect(view.cells['a']).toMatchObject({ phase: 'queued', outputs: [], result: null });
  });

  it('ignores events about cells it does not have', () => {
    const before = start();
    const after = apply(before, { type: 'run/started', runId: 9, cellId: 'zzz' });
    expect(after).toBe(before);
  });

  it('keeps edits, the runtime status and the last three notices', () => {
    let view = editCell(start(), 'b', '2 + 2');
    expect(view.cells['b']?.source).toBe('2 + 2');
    view = apply(view, { type: 'status', status: 'ready' });
    for (const text of ['one', 'two', 'three', 'four']) {
      view = apply(view, { type: 'notice', tone: 'info', text });
    }
    expect(view.status).toBe('ready');
    expect(view.notices.map((n) => n.text)).toEqual(['two', 'three', 'four']);
    view = dismissNotice(view, view.notices[0]!.id);
    expect(view.notices.map((n) => n.text)).toEqual(['three', 'four']);
  });

  it('drops the oldest output beyond 200,000 characters', () => {
    const big = 'x'.repeat(150_000);
    const view = apply(
      start(),
      { type: 'output', chunks: [{ cellId: 'a', stream: 'stdout', text: big }] },
      { type: 'output', chunks: [{ cellId: 'a', stream: 'stderr', text: `${big}!` }] },
    );
    const outputs = view.cells['a']!.outputs;
    expect(outputs.reduce((sum, run) => sum + run.text.length, 0)).toBe(200_000);
    expect(outputs.at(-1)?.text.endsWith('!')).toBe(true);
  });
});
