/**
 * The sequence trace panel: the live window of messages, spawns and exits, drawn by SequenceView,
 * filtered to chosen processes, with the hovered item's whole payload and a mermaid export.
 */
import { useDeferredValue, useMemo, useState } from 'react';
import type { SequenceItem } from '../model/sequenceModel';
import { participantsOf, toMermaid, visibleItems } from '../model/sequenceModel';
import type { AppState } from '../../store/appStore';
import { useAppStore } from '../../store/appStore';
import {
  selectRewindSeq,
  selectShownSequence,
  selectShownSequenceVersion,
  selectShownTable,
} from '../panelsSlice';
import { SequenceView } from './SequenceView';
import './panels.css';

/**
 * Items the live drawing shows: the newest of the window. Under a heavy load the window fills
 * with hundreds of processes' traffic; drawing all of it would cost the page frames, and the
 * export still writes the whole window.
 */
const SHOWN_ITEMS = 120;
/** Rewound: items shown after the moment (dimmed), the rest of `SHOWN_ITEMS` lead up to it. */
const LATER_ITEMS = 30;

/** The items to draw: the newest when live; when rewound, those around the moment `seq`. */
export function itemsAround(items: readonly SequenceItem[], seq: number | null): SequenceItem[] {
  if (seq === null) return items.slice(Math.max(0, items.length - SHOWN_ITEMS));
  let end = 0;
  while (end < items.length && items[end]!.seq <= seq) end++;
  const start = Math.max(0, end - (SHOWN_ITEMS - LATER_ITEMS));
  return items.slice(start, end + LATER_ITEMS);
}

const selectModel = selectShownSequence;
const selectVersion = selectShownSequenceVersion;
const selectPids = (state: AppState) => state.panelsSequencePids;
const selectSetPids = (state: AppState) => state.setSequencePids;
const selectSelected = (state: AppState) => state.panelsSelectedPid;
const selectSelect = (state: AppState) => state.selectProcess;
const selectTable = selectShownTable;

/** Reads "worker, 83, #PID<0.84.0>" into pid numbers, by registered name or number. */
function parsePids(text: string, names: ReadonlyMap<string, number>): number[] {
  const pids: number[] = [];
  for (const part of text.split(/[\s,]+/)) {
    if (!part) continue;
    const named = names.get(part);
    const number = /^(?:#PID<0\.)?(\d+)(?:\.0>)?$/.exec(part);
    if (named !== undefined) pids.push(named);
    else if (number) pids.push(Number(number[1]));
  }
  return pids;
}

export function SequencePanel() {
  const model = useAppStore(selectModel);
  // Deferred: under load React may draw the trace a little later rather than drop frames.
  const version = useDeferredValue(useAppStore(selectVersion));
  const pids = useAppStore(selectPids);
  const setPids = useAppStore(selectSetPids);
  const selected = useAppStore(selectSelected);
  const select = useAppStore(selectSelect);
  const table = useAppStore(selectTable);
  const currentSeq = useAppStore(selectRewindSeq);
  const [filterText, setFilterText] = useState('');
  const [hovered, setHovered] = useState<SequenceItem | null>(null);
  const [mermaid, setMermaid] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);

  const view = useMemo(() => (pids.length > 0 ? { pids } : {}), [pids]);
  const { items, participants, names } = useMemo(() => {
    void version; // the model is mutated in place; its version says when to recompute
    const items = itemsAround(visibleItems(model, view), currentSeq);
    return { items, participants: participantsOf(model, items), names: new Map(model.names) };
  }, [model, version, view, currentSeq]);

  const applyFilter = (text: string) => {
    setFilterText(text);
    setPids(parsePids(text, table.names));
  };

  const exportMermaid = () => {
    const text = toMermaid(model, view);
    setMermaid(text);
    setCopied(null);
    navigator.clipboard?.writeText(text).then(
      () => setCopied('Copied to the clipboard.'),
      () => setCopied('Select the text and copy it.'),
    );
  };

  return (
    <div className="sequence-panel">
      <div className="sequence-panel__bar">
        <input
          type="search"
          className="panel-input"
          placeholder="Only processes: names or pids"
          aria-label="Show only these processes"
          value={filterText}
          onChange={(event) => applyFilter(event.target.value)}
        />
        <button
          type="button"
          className="panel-button"
          disabled={selected === null}
          onClick={() => applyFilter(selected === null ? '' : String(selected))}
          title="Show only the messages of the selected process"
        >
          Only selected
        </button>
        <button type="button" className="panel-button" onClick={exportMermaid}>
          Export mermaid
        </button>
      </div>
      {items.length === 0 ? (
        <p className="panel-empty">
          {model.items.length === 0 ? 'No messages yet: run a cell.' : 'No message matches.'}
        </p>
      ) : (
        <SequenceView
          items={items}
          participants={participants}
          names={names}
          live={currentSeq === null}
          currentSeq={currentSeq}
          selectedPid={selected}
          onHoverItem={setHovered}
          onSelectParticipant={(id) => id !== null && select(id)}
          label="Sequence trace of the chapter's runtime"
        />
      )}
      <p className="sequence-panel__payload" aria-live="off">
        {hovered ? (
          <>
            <strong>{hovered.label}</strong>{' '}
            <code>{'payload' in hovered ? hovered.payload : hovered.text}</code>
          </>
        ) : (
          <span className="panel-hint">Hover an arrow to see its whole message.</span>
        )}
      </p>
      {mermaid !== null && (
        <div className="sequence-panel__export" role="dialog" aria-label="Mermaid export">
          <div className="sequence-panel__export-bar">
            <span>{copied ?? 'The visible window as a mermaid sequenceDiagram.'}</span>
            <button type="button" className="panel-button" onClick={() => setMermaid(null)}>
              Close
            </button>
          </div>
          <textarea readOnly value={mermaid} aria-label="Mermaid text" rows={8} />
        </div>
      )}
    </div>
  );
}
