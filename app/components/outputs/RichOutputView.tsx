/**
 * One rich output (`viz`) under a cell, drawn by kind. Static outputs are pure functions of the
 * output; widgets report what the person did through `onWidgetEvent`, which the cell output
 * forwards to the runtime worker, where the widget's process gets it as a message.
 *
 * Trees and sequence traces use the live panels' own drawings (SupervisionTreeView,
 * SequenceView), so a cell and the panels always look alike; mermaid goes through the one lazy
 * MermaidDiagram, Markdown through the same sanitiser as chapter prose.
 */
import type { FormEvent } from 'react';
import { memo, useMemo, useState } from 'react';
import { MermaidDiagram } from '../../diagrams/MermaidDiagram';
import type {
  FrameContent,
  FrameOutput,
  InputOutput,
  RichOutput,
  SelectOutput,
  SequenceOutput,
  TableOutput,
  TreeOutput,
} from '../../engine/protocol';
import { renderMarkdownToSafeHtml } from '../../markdown/renderMarkdown';
import { SequenceView } from '../../panels/ui/SequenceView';
import { SupervisionTreeView } from '../../panels/ui/SupervisionTreeView';
import { ViewOutputView } from './ViewOutputView';
import './outputs.css';

/** What a person did with a widget: its id and the text or option (null for a click). */
export type WidgetEventHandler = (widgetId: string, value: string | null) => void;

interface RichOutputViewProps {
  readonly output: RichOutput;
  readonly onWidgetEvent: WidgetEventHandler;
}

export const RichOutputView = memo(function RichOutputView({
  output,
  onWidgetEvent,
}: RichOutputViewProps) {
  switch (output.kind) {
    case 'frame':
      return <FrameView frame={output} />;
    case 'button':
      return (
        <div className="viz viz-widget" data-viz={output.kind}>
          <button
            type="button"
            className="viz-widget__button"
            onClick={() => onWidgetEvent(output.id, null)}
          >
            {output.label}
          </button>
        </div>
      );
    case 'input':
      return <InputView input={output} onWidgetEvent={onWidgetEvent} />;
    case 'select':
      return <SelectView select={output} onWidgetEvent={onWidgetEvent} />;
    case 'view':
      return <ViewOutputView view={output} onWidgetEvent={onWidgetEvent} />;
    case 'notice':
      return (
        <p className="viz viz-notice" data-viz="notice" role="status">
          {output.text}
        </p>
      );
    default:
      return <ContentView content={output} />;
  }
});

/** The kinds that can also be an animation frame. */
function ContentView({ content }: { content: FrameContent }) {
  switch (content.kind) {
    case 'text':
      return <pre className="viz viz-text">{content.text}</pre>;
    case 'markdown':
      return <MarkdownView markdown={content.markdown} />;
    case 'table':
      return <TableView table={content} />;
    case 'mermaid':
      return (
        <div className="viz viz-mermaid" data-viz="mermaid">
          <MermaidDiagram source={content.source} label="Diagram drawn by the cell" />
        </div>
      );
    case 'tree':
      return <TreeView tree={content} />;
    case 'sequence':
      return <SequenceOutputView trace={content} />;
  }
}

function MarkdownView({ markdown }: { markdown: string }) {
  const html = useMemo(() => renderMarkdownToSafeHtml(markdown), [markdown]);
  return (
    <div
      className="viz viz-markdown"
      data-viz="markdown"
      // Sanitised by renderMarkdownToSafeHtml (DOMPurify), like chapter prose.
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}

function TableView({ table }: { table: TableOutput }) {
  const hidden = table.totalRows - table.rows.length;
  return (
    <div className="viz viz-table" data-viz="table">
      <div className="viz-table__scroll">
        <table>
          <thead>
            <tr>
              {table.columns.map((column, index) => (
                <th key={index} scope="col">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row, index) => (
              <tr key={index}>
                {row.map((cell, column) => (
                  <td key={column}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {table.rows.length === 0 && <p className="viz-note">The table has no rows.</p>}
      {hidden > 0 && (
        <p className="viz-note">
          {hidden} more row{hidden === 1 ? '' : 's'} not shown ({table.totalRows} in all).
        </p>
      )}
    </div>
  );
}

function TreeView({ tree }: { tree: TreeOutput }) {
  const nodes = useMemo(() => (tree.root ? [tree.root] : []), [tree.root]);
  return (
    <figure className="viz viz-tree" data-viz="tree" data-live={tree.live || undefined}>
      <figcaption className="viz-caption">
        Supervision tree of {tree.pidText}
        {tree.live && <span className="viz-badge">live</span>}
      </figcaption>
      {nodes.length > 0 && (
        <SupervisionTreeView
          nodes={nodes}
          compact
          now={tree.time}
          label={`Supervision tree of ${tree.pidText}`}
        />
      )}
      {tree.note && <p className="viz-note">{tree.note}</p>}
    </figure>
  );
}

function SequenceOutputView({ trace }: { trace: SequenceOutput }) {
  const [as, setAs] = useState<'trace' | 'mermaid'>('trace');
  return (
    <figure className="viz viz-sequence" data-viz="sequence">
      <figcaption className="viz-caption">
        Messages while the function ran
        <span className="viz-switch" role="group" aria-label="Show the trace as">
          <button type="button" aria-pressed={as === 'trace'} onClick={() => setAs('trace')}>
            Trace
          </button>
          <button type="button" aria-pressed={as === 'mermaid'} onClick={() => setAs('mermaid')}>
            Mermaid
          </button>
        </span>
      </figcaption>
      {trace.items.length === 0 ? (
        <p className="viz-note">No messages were sent while the function ran.</p>
      ) : as === 'trace' ? (
        <SequenceView
          items={trace.items}
          participants={trace.participants}
          compact
          label="Sequence of messages while the function ran"
        />
      ) : (
        <>
          <MermaidDiagram source={trace.mermaid} label="Sequence diagram of the traced messages" />
          <details className="viz-source">
            <summary>Mermaid source</summary>
            <pre>{trace.mermaid}</pre>
          </details>
        </>
      )}
      {trace.omitted > 0 && (
        <p className="viz-note">
          {trace.omitted} later item{trace.omitted === 1 ? '' : 's'} not shown.
        </p>
      )}
    </figure>
  );
}

function FrameView({ frame }: { frame: FrameOutput }) {
  return (
    <div className="viz viz-frame" data-viz="frame" data-state={frame.state}>
      <ContentView content={frame.content} />
      <p className="viz-note viz-frame__status">
        {frame.state === 'running' ? `Frame ${frame.index}` : frame.note}
      </p>
    </div>
  );
}

function InputView({
  input,
  onWidgetEvent,
}: {
  input: InputOutput;
  onWidgetEvent: WidgetEventHandler;
}) {
  const [value, setValue] = useState(input.initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onWidgetEvent(input.id, value);
  };
  return (
    <form className="viz viz-widget" data-viz="input" onSubmit={submit}>
      <label className="viz-widget__label">
        {input.label}
        <input
          className="viz-widget__field"
          value={value}
          onChange={(event) => setValue(event.target.value)}
          maxLength={10_000}
        />
      </label>
      <button type="submit" className="viz-widget__button">
        Send
      </button>
    </form>
  );
}

function SelectView({
  select,
  onWidgetEvent,
}: {
  select: SelectOutput;
  onWidgetEvent: WidgetEventHandler;
}) {
  const [value, setValue] = useState(select.initial);
  return (
    <div className="viz viz-widget" data-viz="select">
      <label className="viz-widget__label">
        {select.label}
        <select
          className="viz-widget__field"
          value={value}
          onChange={(event) => {
            setValue(event.target.value);
            onWidgetEvent(select.id, event.target.value);
          }}
        >
          {select.options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
