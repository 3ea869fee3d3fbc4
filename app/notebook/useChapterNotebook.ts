/**
 * The chapter page's notebook: one runtime worker per open chapter, started when the page mounts
 * and terminated when it unmounts, with the cells' view state kept in a reducer
 * (notebookView.ts). The full notebook UI will move this into the app store; for one page at a
 * time, local state is all it needs.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import type { ClientEvent } from '../engine/workerClient';
import { WorkerClient } from '../engine/workerClient';
import type { NotebookView } from './notebookView';
import { applyClientEvent, dismissNotice, editCell, initialNotebookView } from './notebookView';

type Action =
  | { readonly kind: 'client'; readonly event: ClientEvent }
  | { readonly kind: 'edit'; readonly cellId: string; readonly source: string }
  | { readonly kind: 'dismiss'; readonly noticeId: number };

function reduce(view: NotebookView, action: Action): NotebookView {
  switch (action.kind) {
    case 'client':
      return applyClientEvent(view, action.event);
    case 'edit':
      return editCell(view, action.cellId, action.source);
    case 'dismiss':
      return dismissNotice(view, action.noticeId);
  }
}

export interface ChapterNotebook {
  readonly view: NotebookView;
  run(cellId: string, source: string): void;
  stop(cellId: string): void;
  edit(cellId: string, source: string): void;
  restart(): void;
  dismiss(noticeId: number): void;
}

/** The notebook of one chapter's cells; starts no worker when there are no cells. */
export function useChapterNotebook(
  cells: ReadonlyArray<{ id: string; source: string }>,
): ChapterNotebook {
  const [view, dispatch] = useReducer(reduce, cells, initialNotebookView);
  const client = useRef<WorkerClient | null>(null);
  const hasCells = cells.length > 0;

  useEffect(() => {
    if (!hasCells) return;
    const started = new WorkerClient();
    client.current = started;
    const unsubscribe = started.subscribe((event) => dispatch({ kind: 'client', event }));
    return () => {
      unsubscribe();
      started.dispose();
      if (client.current === started) client.current = null;
    };
  }, [hasCells]);

  const run = useCallback((cellId: string, source: string) => {
    void client.current?.run(cellId, source);
  }, []);
  const stop = useCallback((cellId: string) => client.current?.cancel(cellId), []);
  const edit = useCallback(
    (cellId: string, source: string) => dispatch({ kind: 'edit', cellId, source }),
    [],
  );
  const restart = useCallback(() => client.current?.restart(), []);
  const dismiss = useCallback((noticeId: number) => dispatch({ kind: 'dismiss', noticeId }), []);

  return useMemo(
    () => ({ view, run, stop, edit, restart, dismiss }),
    [view, run, stop, edit, restart, dismiss],
  );
}
