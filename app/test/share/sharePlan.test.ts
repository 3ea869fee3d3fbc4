import { describe, expect, it } from 'vitest';
import type { NotebookState } from '../../notebook/notebookModel';
import { applyNotebookOp, openNotebook } from '../../notebook/notebookModel';
import { fingerprint } from '../../persistence/savedChapter';
import { cellList, editsToShare, hasConflicts, planSharedEdits } from '../../share/sharePlan';

const CELLS = [
  { id: 'greet', source: 'const greeting = "hi";' },
  { id: 'cell-2', source: 'greeting.length' },
  { id: 'counter', source: 'let count = 0;' },
];

function notebookWith(edits: Record<string, string> = {}): NotebookState {
  let notebook = openNotebook('start', CELLS, null);
  for (const [cellId, source] of Object.entries(edits)) {
    notebook = applyNotebookOp(notebook, { type: 'edit', cellId, source }).state;
  }
  return notebook;
}

const base = (cellId: string) => fingerprint(CELLS.find((cell) => cell.id === cellId)!.source);

describe('which edits a link carries', () => {
  it('carries every edited cell in chapter order, with the fingerprint of its chapter code', () => {
    const notebook = notebookWith({ counter: 'let count = 10;', greet: 'const greeting = "hey";' });
    expect(editsToShare(notebook)).toEqual([
      { cellId: 'greet', base: base('greet'), source: 'const greeting = "hey";' },
      { cellId: 'counter', base: base('counter'), source: 'let count = 10;' },
    ]);
  });

  it('carries nothing for a chapter nobody changed', () => {
    expect(editsToShare(notebookWith())).toEqual([]);
  });

  it('carries the learner’s own attempt at an exercise that shows its solution', () => {
    const notebook = notebookWith({ counter: 'let count = 42; // the solution' });
    expect(editsToShare(notebook, { counter: 'let count = 1; // my try' })).toEqual([
      { cellId: 'counter', base: base('counter'), source: 'let count = 1; // my try' },
    ]);
    // An attempt still at the starter code is no edit.
    expect(editsToShare(notebook, { counter: 'let count = 0;' })).toEqual([]);
  });
});

describe('what a link’s edits mean for the reader’s chapter', () => {
  it('fits edits made from the chapter’s current code, without a conflict on untouched cells', () => {
    const plan = planSharedEdits(notebookWith(), [
      { cellId: 'counter', base: base('counter'), source: 'let count = 5;' },
      { cellId: 'greet', base: base('greet'), source: 'const greeting = "yo";' },
    ]);
    expect(plan.fitting).toEqual([
      { cellId: 'greet', number: 1, source: 'const greeting = "yo";', conflict: false },
      { cellId: 'counter', number: 3, source: 'let count = 5;', conflict: false },
    ]);
    expect(plan.changed).toEqual([]);
    expect(plan.missing).toEqual([]);
    expect(hasConflicts(plan)).toBe(false);
  });

  it('calls a cell the reader edited to other code a conflict, and the same code none', () => {
    const notebook = notebookWith({ greet: 'const greeting = "mine";', counter: 'let count = 5;' });
    const plan = planSharedEdits(notebook, [
      { cellId: 'greet', base: base('greet'), source: 'const greeting = "theirs";' },
      { cellId: 'counter', base: base('counter'), source: 'let count = 5;' },
    ]);
    expect(plan.fitting.map((edit) => [edit.cellId, edit.conflict])).toEqual([
      ['greet', true],
      ['counter', false],
    ]);
    expect(hasConflicts(plan)).toBe(true);
  });

  it('names cells whose chapter code changed since the link was made instead of applying them', () => {
    const plan = planSharedEdits(notebookWith(), [
      { cellId: 'cell-2', base: fingerprint('greeting.size'), source: 'greeting.size * 2' },
      { cellId: 'gone', base: 'x', source: 'const old = 1;' },
    ]);
    expect(plan.fitting).toEqual([]);
    expect(plan.changed).toEqual([{ cellId: 'cell-2', number: 2, source: 'greeting.size * 2' }]);
    expect(plan.missing).toEqual([{ cellId: 'gone', number: null, source: 'const old = 1;' }]);
  });

  it('names cell positions the way a reader says them', () => {
    expect(cellList([2])).toBe('cell 2');
    expect(cellList([2, 5])).toBe('cells 2 and 5');
    expect(cellList([2, 5, 7])).toBe('cells 2, 5 and 7');
  });
});
