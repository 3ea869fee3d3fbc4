import { useCallback, useState } from 'react';
import type { CellResult } from '../engine/protocol';
import type { CellView, TextOutputItem } from '../notebook/cellOutputs';
import { useAppStore } from '../store/appStore';
import type { AppState } from '../store/appStore';
import { OutputBoundary } from './outputs/OutputBoundary';
import { RichOutputView } from './outputs/RichOutputView';

const selectClient = (state: AppState) => state.runtimeClient;

/**
 * Under a cell: what it and its processes wrote, in the order it arrived: text (stdout and
 * stderr kept apart, stderr styled) and rich outputs (`viz`: tables, diagrams, trees, frames,
 * widgets), then how the run ended. Output that arrives after the run keeps appending here, and
 * a rich output sent again with the same id is redrawn where it stands.
 */
export function CellOutput({ cell, number }: { cell: CellView; number: number }) {
  const { outputs, result, id: cellId } = cell;
  const client = useAppStore(selectClient);
  const onWidgetEvent = useCallback(
    (widgetId: string, value: string | null) =>
      client?.sendWidgetEvent(cellId, widgetId, widgetId, value),
    [client, cellId],
  );
  if (outputs.length === 0 && !shows(result)) return null;
  return (
    <div className="cell-output" role="log" aria-label={`Output of cell ${number}`}>
      {outputs.map((item, index) =>
        item.kind === 'text' ? (
          <OutputText key={index} item={item} />
        ) : (
          <OutputBoundary key={`rich:${item.output.id}`} kind={item.output.kind}>
            <RichOutputView output={item.output} onWidgetEvent={onWidgetEvent} />
          </OutputBoundary>
        ),
      )}
      {result && <CellResultView result={result} />}
    </div>
  );
}

/**
 * Characters of one text output drawn until the reader asks for all of it. Laying out the
 * 100,000 characters a cell may write holds the page's thread for a good part of a second on a
 * slow machine, on every batch that arrives; the newest part is what a reader looks at.
 */
const SHOWN_TEXT_CHARS = 20_000;

function OutputText({ item }: { item: TextOutputItem }) {
  const [all, setAll] = useState(false);
  const { text, stream } = item;
  // Cut at a line start, so the first line shown is whole.
  const cut = all || text.length <= SHOWN_TEXT_CHARS ? 0 : text.length - SHOWN_TEXT_CHARS;
  const start = cut === 0 ? 0 : text.indexOf('\n', cut) + 1 || cut;
  return (
    <>
      {start > 0 && (
        <button type="button" className="cell-output__more" onClick={() => setAll(true)}>
          Show {start.toLocaleString('en-US')} earlier characters
        </button>
      )}
      <pre className={`cell-output__text cell-output__text--${stream}`}>
        {stream === 'stderr' && <span className="visually-hidden">Error output: </span>}
        {start > 0 ? text.slice(start) : text}
      </pre>
    </>
  );
}

function shows(result: CellResult | null): boolean {
  return result !== null && !(result.status === 'ok' && result.value === null);
}

function CellResultView({ result }: { result: CellResult }) {
  switch (result.status) {
    case 'ok':
      return result.value === null ? null : (
        <Outcome kind="value" label="Value" text={result.value} />
      );
    case 'error':
      return <Outcome kind="error" label="Error" text={result.message} />;
    case 'exit':
      return (
        <Outcome
          kind="error"
          label="Evaluator exited"
          text={result.reason}
          note="The next cell runs in a fresh evaluator: self() will be a new pid."
        />
      );
    case 'compile_error': {
      // esbuild's columns are 0-based; people and editors count from 1.
      const { line, column, message } = result.error;
      return (
        <Outcome kind="error" label={`Compile error at ${line}:${column + 1}`} text={message} />
      );
    }
    case 'cancelled':
      return <Outcome kind="notice" label="Stopped" text="The run was stopped." />;
    case 'timeout':
      return (
        <Outcome kind="notice" label="Stopped" text="The run took too long and was stopped." />
      );
    case 'lost':
      return <Outcome kind="notice" label="Not finished" text={result.message} />;
  }
}

function Outcome(props: {
  kind: 'value' | 'error' | 'notice';
  label: string;
  text: string;
  note?: string;
}) {
  return (
    <div className={`cell-result cell-result--${props.kind}`}>
      <span className="cell-result__label">{props.label}</span>
      <pre className="cell-result__text">{props.text}</pre>
      {props.note && <p className="cell-result__note">{props.note}</p>}
    </div>
  );
}
