/**
 * The sequence trace drawn as lifelines and arrows: each message from the row it was sent at to
 * the row it was received at, messages still in a mailbox as dashed arrows ending "queued" at
 * the bottom, dropped and lost messages crossed out, spawns, exits and exit signals, labelled
 * CALL/CAST/INFO/REPLY/TIMER/IO/SPAWN/EXIT/DOWN. A pure component (props in, callbacks out)
 * shared by the live panel and the `viz.seqTrace(fn)` cell output.
 *
 * Layout comes from `sequenceLayout.ts`. The scroll box is as tall as every row, but only the
 * rows in view (and the arrows crossing them) are drawn, so the model's whole window of 2000
 * items scrolls smoothly. With `live`, the view follows the newest row while it is scrolled to
 * the bottom, and stays put once the person scrolls up to read.
 */
import type { FocusEvent as ReactFocusEvent, PointerEvent as ReactPointerEvent } from 'react';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { Participant, SequenceItem } from '../model/sequenceModel';
import type { PlacedItem, SequenceLayout } from './sequenceLayout';
import {
  COMPACT_SEQUENCE_METRICS,
  SEQUENCE_METRICS,
  formatTime,
  itemCaption,
  itemDescription,
  itemsInRows,
  layoutSequence,
  pidLabel,
  rowsInView,
  scaleSequenceMetrics,
} from './sequenceLayout';
import { useFontScale } from './useFontScale';
import './views.css';

/** Props of the sequence trace drawing. */
export interface SequenceViewProps {
  /** The items to draw, oldest first: `visibleItems(model, view)`. */
  items: readonly SequenceItem[];
  /**
   * The lifelines, in order, with their titles (`participantsOf(model, items)`). Processes the
   * items touch that are missing get a lifeline of their own, titled from `names` or by pid.
   */
  participants?: readonly Participant[];
  /** Registered names by pid number, for lifelines `participants` does not give. */
  names?: ReadonlyMap<number, string>;
  /** Called with the item under the pointer or keyboard focus, and with null when it leaves. */
  onHoverItem?(item: SequenceItem | null): void;
  /** Called with a lifeline's pid (null: the host) when the person clicks its title. */
  onSelectParticipant?(id: number | null): void;
  /** A pid whose lifeline is highlighted. */
  selectedPid?: number | null;
  /** Smaller rows and columns and a height that follows the drawing, for cell outputs. */
  compact?: boolean;
  /** Follow the newest row while scrolled to the bottom (the live panel). */
  live?: boolean;
  /** What the drawing shows, for screen readers. */
  label?: string;
  /**
   * The trace number of the moment shown (rewind): later items are dimmed, the item with this
   * number is highlighted and scrolled into view. Null or absent: every item drawn alike.
   */
  currentSeq?: number | null;
}

/** Messages that wait more rows than this in a mailbox are drawn with a wait segment. */
const ELBOW_ROWS = 3;

/** Height of the lifeline titles above the rows. */
const HEADER_HEIGHT = 34;

export function SequenceView({
  items,
  participants,
  names,
  onHoverItem,
  onSelectParticipant,
  selectedPid = null,
  compact = false,
  live = false,
  label = 'Sequence trace',
  currentSeq = null,
}: SequenceViewProps) {
  const scale = useFontScale();
  const metrics = useMemo(
    () => scaleSequenceMetrics(compact ? COMPACT_SEQUENCE_METRICS : SEQUENCE_METRICS, scale),
    [compact, scale],
  );
  const headerHeight = Math.round(HEADER_HEIGHT * scale);
  // Average character widths of the arrow labels and of the (bold) lifeline titles.
  const charWidth = (compact ? 6 : 6.6) * scale;
  const titleEm = (compact ? 0.66 : 0.78) * 17 * scale;
  const [scroll, setScroll] = useState({ top: 0, height: 600, width: 0 });
  const layout = useMemo(
    () => layoutSequence(items, participants, metrics, names, scroll.width || undefined),
    [items, participants, metrics, names, scroll.width],
  );
  const scroller = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<{ entry: PlacedItem; x: number; y: number } | null>(null);
  // Whether the view sits at the bottom: live views follow new rows only then.
  const atBottom = useRef(true);

  const readScroll = () => {
    const element = scroller.current;
    if (!element) return;
    const top = element.scrollTop;
    const height = element.clientHeight;
    const width = element.clientWidth;
    atBottom.current = top + height >= element.scrollHeight - metrics.rowHeight * 1.5;
    setScroll((s) =>
      s.top === top && s.height === height && s.width === width ? s : { top, height, width },
    );
  };

  // Following the newest row reads the scroller's geometry, which forces a layout of the whole
  // page. Doing it once per frame (not once per update: a busy runtime sends many) keeps a live
  // trace beside a long chapter cheap.
  const followFrame = useRef<number | null>(null);
  useEffect(() => {
    if (followFrame.current !== null) return;
    followFrame.current = requestAnimationFrame(() => {
      followFrame.current = null;
      const element = scroller.current;
      if (!element) return;
      if (live && atBottom.current) element.scrollTop = element.scrollHeight;
      readScroll();
    });
    // readScroll only reads the element and sets state: it needs no dependency of its own.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layout, live]);
  useEffect(
    () => () => {
      if (followFrame.current !== null) cancelAnimationFrame(followFrame.current);
    },
    [],
  );

  // Rewound: bring the moment's row (or the last one before it) into the middle of the view.
  useEffect(() => {
    const element = scroller.current;
    if (currentSeq === null || !element) return;
    let row = -1;
    layout.rows.forEach((r, i) => {
      if (r.seq <= currentSeq) row = i;
    });
    if (row < 0) return;
    const y = rowY(layout, row) + headerHeight;
    if (y < element.scrollTop + headerHeight || y > element.scrollTop + element.clientHeight - 20)
      element.scrollTop = Math.max(0, y - element.clientHeight / 2);
    readScroll();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [currentSeq, layout, headerHeight]);

  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => readScroll());
    observer.observe(element);
    return () => observer.disconnect();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const [first, last] = rowsInView(layout, Math.max(0, scroll.top - headerHeight), scroll.height);
  const shown = useMemo(() => itemsInRows(layout, first, last), [layout, first, last]);

  const showHover = (entry: PlacedItem | null, x = 0, y = 0) => {
    setHover(entry ? { entry, x, y } : null);
    onHoverItem?.(entry ? entry.item : null);
  };
  const onItemPointer = (entry: PlacedItem, event: ReactPointerEvent) => {
    const box = scroller.current?.getBoundingClientRect();
    if (!box) return;
    showHover(entry, event.clientX - box.left, event.clientY - box.top);
  };
  const onItemFocus = (entry: PlacedItem, event: ReactFocusEvent<SVGGElement>) => {
    const box = scroller.current?.getBoundingClientRect();
    const own = event.currentTarget.getBoundingClientRect();
    if (!box) return;
    showHover(entry, own.left - box.left + 8, own.bottom - box.top);
  };

  const titleChars = (layout.metrics.columnWidth - 20) / (titleEm * 0.62);
  const compactHeight = compact
    ? Math.round(Math.min(460, Math.max(120, layout.height + headerHeight + 18)))
    : undefined;

  if (items.length === 0) {
    return (
      <div className={`seq-view${compact ? ' seq-view--compact' : ''}`}>
        <p className="seq-view__empty">No messages yet.</p>
      </div>
    );
  }

  return (
    <div
      className={`seq-view${compact ? ' seq-view--compact' : ''}`}
      style={compactHeight ? { height: compactHeight } : undefined}
    >
      <div
        className="seq-view__scroll"
        ref={scroller}
        onScroll={readScroll}
        role="figure"
        aria-label={`${label}: ${items.length} events between ${layout.columns.length} processes`}
      >
        <div className="seq-view__header" style={{ width: layout.width, height: headerHeight }}>
          {layout.columns.map((column) => (
            <button
              type="button"
              key={column.id ?? 'host'}
              className={`seq-view__participant${column.id === null ? ' seq-view__participant--host' : ''}${
                column.id !== null && column.id === selectedPid ? ' is-selected' : ''
              }`}
              style={{
                left: column.x - layout.metrics.columnWidth / 2 + 4,
                width: layout.metrics.columnWidth - 8,
              }}
              title={
                column.id === null
                  ? 'The runtime (code outside any process)'
                  : `${column.title} (${pidLabel(column.id)})`
              }
              onClick={() => onSelectParticipant?.(column.id)}
              disabled={!onSelectParticipant}
            >
              {shortTitle(column.title, titleChars)}
            </button>
          ))}
        </div>
        <svg
          className="seq-view__svg"
          width={layout.width}
          height={layout.height}
          aria-hidden={false}
          role="list"
        >
          <defs>
            <marker
              id="seq-arrow"
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path d="M0 0L10 5L0 10z" className="seq-view__arrowhead" />
            </marker>
          </defs>
          <Gutter layout={layout} first={first} last={last} />
          {layout.columns.map((column) => (
            <line
              key={column.id ?? 'host'}
              className={`seq-view__lifeline${column.id !== null && column.id === selectedPid ? ' is-selected' : ''}`}
              x1={column.x}
              x2={column.x}
              y1={column.spawned ? rowY(layout, column.firstRow) : 0}
              y2={column.exited ? rowY(layout, column.lastRow) : layout.height}
            />
          ))}
          <line
            className="seq-view__now"
            x1={metrics.gutter}
            x2={layout.width}
            y1={rowY(layout, layout.nowRow)}
            y2={rowY(layout, layout.nowRow)}
          />
          {shown.map((entry) => (
            <SequenceItemShape
              key={entry.item.seq}
              entry={entry}
              layout={layout}
              hovered={hover?.entry.item.seq === entry.item.seq}
              moment={
                currentSeq === null
                  ? null
                  : entry.item.seq === currentSeq
                    ? 'current'
                    : entry.item.seq > currentSeq
                      ? 'later'
                      : null
              }
              onPointer={onItemPointer}
              onFocus={onItemFocus}
              onLeave={() => showHover(null)}
              charWidth={charWidth}
              clipTop={rowY(layout, first) - 2 * metrics.rowHeight}
              clipBottom={rowY(layout, last) + 2 * metrics.rowHeight}
            />
          ))}
        </svg>
      </div>
      {hover && <HoverCard entry={hover.entry} x={hover.x} y={hover.y} width={scroll.width} />}
    </div>
  );
}

/** A lifeline title that fits `chars` characters: a pid loses its `#PID` when it must. */
function shortTitle(title: string, chars: number): string {
  return title.length > chars - 2 ? title.replace(/^#PID(<[\d.]+>)$/, '$1') : title;
}

function rowY(layout: SequenceLayout, row: number): number {
  return layout.top + row * layout.metrics.rowHeight + layout.metrics.rowHeight / 2;
}

/** Clock times down the left, on rows where the time moved on. */
function Gutter({ layout, first, last }: { layout: SequenceLayout; first: number; last: number }) {
  const labels = [];
  for (let row = first; row <= Math.min(last, layout.rows.length - 1); row++) {
    const time = layout.rows[row]!.time;
    if (row > 0 && layout.rows[row - 1]!.time === time && row !== first) continue;
    labels.push(
      <text
        key={row}
        className="seq-view__time"
        x={layout.metrics.gutter - 8}
        y={rowY(layout, row) + 4}
      >
        {formatTime(time)}
      </text>,
    );
  }
  return <g aria-hidden="true">{labels}</g>;
}

interface ItemShapeProps {
  entry: PlacedItem;
  layout: SequenceLayout;
  hovered: boolean;
  /** Rewound: the item is the moment shown, or after it (dimmed). */
  moment: 'current' | 'later' | null;
  onPointer(entry: PlacedItem, event: ReactPointerEvent): void;
  onFocus(entry: PlacedItem, event: ReactFocusEvent<SVGGElement>): void;
  onLeave(): void;
  /** Average width of a character of the labels, in pixels. */
  charWidth: number;
  /** The band of y the view shows (with a margin): long lines are cut to it. */
  clipTop: number;
  clipBottom: number;
}

/** One item: its line, its ends, its label. */
const SequenceItemShape = memo(function SequenceItemShape({
  entry,
  layout,
  hovered,
  moment,
  onPointer,
  onFocus,
  onLeave,
  charWidth,
  clipTop,
  clipBottom,
}: ItemShapeProps) {
  const { item, shape, x1, y1, x2, y2 } = entry;
  const state = item.type === 'message' ? item.state : item.type;
  const width = layout.metrics.columnWidth;
  const caption = itemCaption(item);
  const className = `seq-item seq-item--${shape} seq-item--${state} seq-item--${item.label.toLowerCase()}${
    hovered ? ' is-hovered' : ''
  }${moment ? ` is-${moment}` : ''}`;
  const common = {
    className,
    role: 'listitem',
    tabIndex: 0,
    'aria-label': itemDescription(item),
    onPointerEnter: (event: ReactPointerEvent) => onPointer(entry, event),
    onPointerMove: (event: ReactPointerEvent) => onPointer(entry, event),
    onPointerLeave: onLeave,
    onFocus: (event: ReactFocusEvent<SVGGElement>) => onFocus(entry, event),
    onBlur: onLeave,
  };

  if (shape === 'exit') {
    return (
      <g {...common}>
        <Cross x={x1} y={y1} size={6} />
        <text className="seq-item__label" x={x1 + 10} y={y1 - 5}>
          <Caption tag={item.label} caption={caption} max={Math.floor(width / charWidth)} />
        </text>
        <rect className="seq-item__hit" x={x1 - 8} y={y1 - 14} width={width * 0.9} height={22} />
      </g>
    );
  }
  if (shape === 'dropped') {
    return (
      <g {...common}>
        <circle className="seq-item__send" cx={x1} cy={y1} r={3} />
        <line className="seq-item__line" x1={x1} y1={y1} x2={x2} y2={y2} />
        <Cross x={x2} y={y2} size={5} />
        <text className="seq-item__label" x={x2 + 10} y={y1 + 4}>
          <Caption
            tag={item.label}
            caption={`${caption} (dropped)`}
            max={Math.floor((width * 1.4) / charWidth)}
          />
        </text>
        <rect className="seq-item__hit" x={x1} y={y1 - 10} width={width * 1.2} height={20} />
      </g>
    );
  }
  if (shape === 'self') {
    const loop = 26;
    // Only the part in view of a long loop is drawn (a dashed line 100,000 pixels long is slow).
    const end = Math.max(y2, y1 + 10);
    const d = `${y1 >= clipTop ? `M${x1} ${y1}H${x1 + loop}` : `M${x1 + loop} ${clipTop}`}V${Math.min(
      end,
      clipBottom,
    )}${end <= clipBottom ? `H${x1 + 2}` : ''}`;
    return (
      <g {...common}>
        <circle className="seq-item__send" cx={x1} cy={y1} r={3} />
        <path
          className="seq-item__line"
          d={d}
          markerEnd={state === 'pending' || end > clipBottom ? undefined : 'url(#seq-arrow)'}
        />
        <path className="seq-item__hit" d={d} />
        <text className="seq-item__label" x={x1 + loop + 5} y={y1 + 4}>
          <Caption tag={item.label} caption={caption} max={Math.floor(width / charWidth) - 4} />
        </text>
        {state === 'pending' && <Queued x={x1 + loop} y={y2} anchor="start" />}
        {state === 'lost' && <Cross x={x1 + 2} y={Math.max(y2, y1 + 10)} size={5} />}
      </g>
    );
  }
  // An arrow between two lifelines: its label sits over the start, along the arrow's way.
  const right = x2 >= x1;
  const span = Math.abs(x2 - x1);
  // A label may run half a column past the arrow head: each row starts one item only.
  const chars = Math.max(6, Math.floor((span + width * 0.5 - 16) / charWidth));
  const lost = state === 'lost';
  const pending = state === 'pending';
  // A message that waits long in a mailbox would cut diagonally across every row in between:
  // it travels to the receiver's lifeline within a row, then waits beside it (dashed) until
  // the row it is received at, or the now row while still queued.
  const waits = entry.endRow - entry.startRow > ELBOW_ROWS;
  const side = x2 + (right ? -1 : 1) * 9;
  const arrive = y1 + layout.metrics.rowHeight * 0.8;
  const travel = waits ? `M${x1} ${y1}L${side} ${arrive}` : `M${x1} ${y1}L${x2} ${y2}`;
  // Only the part in view of a long wait is drawn (a dashed line 100,000 pixels long is slow).
  const shown = y2 <= clipBottom;
  const wait = `M${side} ${Math.max(arrive, clipTop)}V${Math.min(y2, clipBottom)}${
    shown ? `L${x2} ${y2}` : ''
  }`;
  return (
    <g {...common}>
      <circle className="seq-item__send" cx={x1} cy={y1} r={3} />
      <path
        className="seq-item__line"
        d={travel}
        markerEnd={lost || waits ? undefined : 'url(#seq-arrow)'}
      />
      {waits && (
        <path
          className="seq-item__line seq-item__wait"
          d={wait}
          markerEnd={lost || !shown ? undefined : 'url(#seq-arrow)'}
        />
      )}
      <path className="seq-item__hit" d={waits ? `${travel}${wait}` : travel} />
      <text
        className="seq-item__label"
        x={x1 + (right ? 8 : -8)}
        y={y1 - 6}
        textAnchor={right ? 'start' : 'end'}
      >
        <Caption tag={item.label} caption={caption} max={chars} />
      </text>
      {pending && <Queued x={x2} y={y2} anchor={right ? 'end' : 'start'} />}
      {lost && <Cross x={x2} y={y2} size={5} />}
    </g>
  );
});

/** A caption: its label in bold (CALL, SPAWN, ...), then its text, cut to `max` characters. */
function Caption({ tag, caption, max }: { tag: string; caption: string; max: number }) {
  return (
    <>
      <tspan className="seq-item__tag">{tag}</tspan>
      {` ${clip(caption.slice(tag.length + 1), Math.max(4, max - tag.length))}`}
    </>
  );
}

function Cross({ x, y, size }: { x: number; y: number; size: number }) {
  return (
    <path
      className="seq-item__cross"
      d={`M${x - size} ${y - size}L${x + size} ${y + size}M${x - size} ${y + size}L${x + size} ${y - size}`}
    />
  );
}

/** The marker at the end of a message still in a mailbox. */
function Queued({ x, y, anchor }: { x: number; y: number; anchor: 'start' | 'end' }) {
  return (
    <g className="seq-item__queued">
      <rect x={x - 4} y={y - 4} width={8} height={8} rx={1.5} />
      <text x={anchor === 'end' ? x - 9 : x + 9} y={y + 4} textAnchor={anchor}>
        queued
      </text>
    </g>
  );
}

/** The card that follows the pointer: the whole payload and where the item stands. */
function HoverCard({
  entry,
  x,
  y,
  width,
}: {
  entry: PlacedItem;
  x: number;
  y: number;
  width: number;
}) {
  const item = entry.item;
  const payload = 'payload' in item ? item.payload : item.text;
  const description = itemDescription(item);
  const sentence = description.startsWith(`${item.label} `)
    ? description.slice(item.label.length + 1)
    : description;
  const when =
    item.type === 'message' && item.receivedTime !== null
      ? `sent at ${formatTime(item.time)}, received at ${formatTime(item.receivedTime)}`
      : `at ${formatTime(item.time)}`;
  // Kept inside the view: to the left of the pointer when there is no room on its right.
  const left = x + 14 + CARD_WIDTH > width ? Math.max(4, x - 14 - CARD_WIDTH) : x + 14;
  return (
    <div className="seq-view__card" style={{ left, top: y + 14, width: CARD_WIDTH }} role="tooltip">
      <p className="seq-view__card-title">
        <span className={`seq-view__card-tag seq-view__card-tag--${item.label.toLowerCase()}`}>
          {item.label}
        </span>{' '}
        {sentence}
        <span className="seq-view__card-when"> ({when})</span>
      </p>
      <pre className="seq-view__card-payload">{payload}</pre>
    </div>
  );
}

/** Width of the hover card, in pixels. */
const CARD_WIDTH = 340;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}
