/**
 * The supervision forest drawn as tidy trees: supervisors, workers, children that are not
 * started, registered names, restarts, link trees and cross links. A pure component (props in,
 * callbacks out) shared by the live panel and the `viz.tree(pid)` cell output.
 *
 * The layout comes from `treeLayout.ts`. Zoom (wheel, buttons) and pan (drag) are a transform on
 * one SVG group; until the person zooms or pans, the view keeps the whole forest fitted. Only the
 * nodes and edges in view are drawn, so a supervisor with 500 children stays smooth.
 */
import type {
  KeyboardEvent as ReactKeyboardEvent,
  PointerEvent as ReactPointerEvent,
  RefObject,
} from 'react';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { TreeNode } from '../model/supervisionTree';
import type {
  PlacedEdge,
  PlacedNode,
  TreeLayout,
  TreeOrientation,
  ViewTransform,
} from './treeLayout';
import {
  COMPACT_TREE_METRICS,
  TREE_METRICS,
  autoOrientation,
  fitTransform,
  intersects,
  layoutForest,
  withToggled,
  nodeTexts,
  panToShow,
  scaleTreeMetrics,
  visibleRect,
  zoomAt,
} from './treeLayout';
import { useFontScale } from './useFontScale';
import './views.css';

/** Props of the supervision tree drawing. */
export interface SupervisionTreeViewProps {
  /** The trees to draw: `supervisionForest(...).roots`. */
  nodes: readonly TreeNode[];
  /** The pid number of the selected process, highlighted. */
  selectedPid?: number | null;
  /** Called with a node's pid when the person clicks it or presses Enter on it. */
  onSelect?(pid: number, node: TreeNode): void;
  /**
   * Called with a node's key when the person folds or unfolds it; the owner flips the key in
   * `ForestOptions.toggled` and passes the new forest. Without it, the drawing folds and unfolds
   * nodes by itself (a cell output's snapshot).
   */
  onToggle?(key: string): void;
  /** Smaller boxes and a height that follows the drawing, for cell outputs. */
  compact?: boolean;
  /** Which way the levels go; 'auto' (default) goes down unless a level is too wide. */
  orientation?: TreeOrientation | 'auto';
  /**
   * The runtime clock time the nodes were read at. With it, only restarts within `recentMs`
   * of it flash; without it, a restart flashes when its node first shows it.
   */
  now?: number;
  /** How long a restart counts as recent, in clock milliseconds (default 3000). */
  recentMs?: number;
  /** Live processes in no tree, shown as a note. */
  unlinked?: number;
  /** What the drawing shows, for screen readers. */
  label?: string;
}

/** The tallest a cell output's drawing gets, in pixels. */
const COMPACT_MAX_HEIGHT = 460;

/** Below this zoom, node texts are too small to read and are left out. */
const LEAN_BELOW = 0.3;

/** Above this many nodes, only those in view are drawn. */
const CULL_ABOVE = 120;

export function SupervisionTreeView({
  nodes,
  selectedPid = null,
  onSelect,
  onToggle,
  compact = false,
  orientation = 'auto',
  now,
  recentMs = 3000,
  unlinked,
  label = 'Supervision tree',
}: SupervisionTreeViewProps) {
  const scale = useFontScale();
  const metrics = useMemo(
    () => scaleTreeMetrics(compact ? COMPACT_TREE_METRICS : TREE_METRICS, scale),
    [compact, scale],
  );
  // Folding kept here when no owner handles it.
  const [ownToggles, setOwnToggles] = useState<ReadonlySet<string>>(() => new Set());
  const shown = useMemo(
    () => (onToggle ? nodes : withToggled(nodes, ownToggles)),
    [nodes, onToggle, ownToggles],
  );
  const direction = orientation === 'auto' ? autoOrientation(shown) : orientation;
  const sideBySide = useMemo(
    () => layoutForest(shown, direction, metrics),
    [shown, direction, metrics],
  );
  const stacked = useMemo(
    () => (shown.length > 1 ? layoutForest(shown, direction, metrics, true) : null),
    [shown, direction, metrics],
  );

  const frame = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const size = useElementSize(frame);
  // null: keep the drawing fitted to the view; set once the person zooms or pans.
  const [manual, setManual] = useState<ViewTransform | null>(null);
  // The zoom buttons and the note share a band along the bottom: fit above it.
  const note = unlinked !== undefined && unlinked > 0;
  const insets = useMemo(() => ({ top: 0, bottom: Math.round(34 * scale) }), [scale]);
  const padding = compact ? 8 : 10;
  // Several trees go side by side or one below the other, whichever shows them larger.
  const layout = useMemo(() => {
    if (!stacked || size.width === 0) return sideBySide;
    const view = compact ? { width: size.width, height: COMPACT_MAX_HEIGHT } : size;
    const zoom = (l: TreeLayout) => fitTransform(l.width, l.height, view, padding, 1, insets).k;
    return zoom(stacked) > zoom(sideBySide) * 1.05 ? stacked : sideBySide;
  }, [sideBySide, stacked, size, compact, padding, insets]);
  const fitted = useMemo(
    () => fitTransform(layout.width, layout.height, size, padding, 1, insets),
    [layout.width, layout.height, size, padding, insets],
  );
  const transform = manual ?? fitted;
  const [focusKey, setFocusKey] = useState<string | null>(null);

  // Wheel zoom needs a non-passive listener to keep the page from scrolling. In a cell output
  // the page must still scroll, so there the wheel zooms only with Ctrl or Cmd held.
  const transformRef = useRef(transform);
  useLayoutEffect(() => {
    transformRef.current = transform;
  });
  useEffect(() => {
    const element = svg.current;
    if (!element) return;
    const onWheel = (event: WheelEvent) => {
      if (compact && !event.ctrlKey && !event.metaKey) return;
      event.preventDefault();
      const box = element.getBoundingClientRect();
      const factor = Math.exp(-event.deltaY * (event.deltaMode === 1 ? 0.05 : 0.0015));
      setManual(
        zoomAt(transformRef.current, factor, {
          x: event.clientX - box.left,
          y: event.clientY - box.top,
        }),
      );
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, [compact]);

  // Drag to pan; a press that does not move is a click on whatever is under it.
  const drag = useRef<{ id: number; x: number; y: number; start: ViewTransform; moved: boolean }>(
    null,
  );
  const onPointerDown = (event: ReactPointerEvent<SVGSVGElement>) => {
    if (event.button !== 0) return;
    drag.current = {
      id: event.pointerId,
      x: event.clientX,
      y: event.clientY,
      start: transform,
      moved: false,
    };
  };
  const onPointerMove = (event: ReactPointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d || d.id !== event.pointerId) return;
    const dx = event.clientX - d.x;
    const dy = event.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < 4) return;
    if (!d.moved) {
      d.moved = true;
      // Captured only once it is a drag, so a plain click still reaches the node under it.
      event.currentTarget.setPointerCapture(event.pointerId);
    }
    setManual({ ...d.start, x: d.start.x + dx, y: d.start.y + dy });
  };
  const endDrag = (event: ReactPointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d || d.id !== event.pointerId) return;
    if (d.moved) {
      // Swallow the click that ends a drag.
      const swallow = (e: MouseEvent) => e.stopPropagation();
      window.addEventListener('click', swallow, { capture: true, once: true });
      window.setTimeout(() => window.removeEventListener('click', swallow, { capture: true }), 0);
    }
    drag.current = null;
  };

  const centre = { x: size.width / 2, y: size.height / 2 };
  const zoomBy = (factor: number) => setManual(zoomAt(transform, factor, centre));

  // Keyboard: arrows move between nodes, Enter or Space selects, + and - fold.
  const nodeRefs = useRef(new Map<string, SVGGElement>());
  const registerNode = useCallback((key: string, element: SVGGElement | null) => {
    if (element) nodeRefs.current.set(key, element);
    else nodeRefs.current.delete(key);
  }, []);
  const focusNode = useCallback(
    (key: string) => {
      const placed = layout.byKey.get(key);
      if (!placed) return;
      setFocusKey(key);
      setManual((t) => {
        const current = t ?? fitted;
        const next = panToShow(current, placed, size);
        return next === current ? t : next;
      });
    },
    [layout, fitted, size],
  );
  useEffect(() => {
    if (focusKey === null) return;
    const element = nodeRefs.current.get(focusKey);
    if (
      element &&
      document.activeElement !== element &&
      frame.current?.contains(document.activeElement)
    )
      element.focus({ preventScroll: true });
  }, [focusKey, transform]);

  // Nodes are memoised: they get stable callbacks that call the latest props and handlers, so
  // zooming or panning re-renders none of them.
  const latest = useRef<{
    onSelect?: SupervisionTreeViewProps['onSelect'];
    onToggle?: SupervisionTreeViewProps['onToggle'];
    onNodeKey?: (event: ReactKeyboardEvent, placed: PlacedNode) => void;
  }>({});
  const toggleNode = useCallback((key: string) => {
    const owner = latest.current.onToggle;
    if (owner) owner(key);
    else
      setOwnToggles((set) => {
        const next = new Set(set);
        if (!next.delete(key)) next.add(key);
        return next;
      });
  }, []);

  const onNodeKey = (event: ReactKeyboardEvent, placed: PlacedNode) => {
    const next = neighbour(layout, placed, event.key);
    if (next) {
      event.preventDefault();
      focusNode(next);
      return;
    }
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      if (placed.node.pid !== null) onSelect?.(placed.node.pid, placed.node);
    } else if (event.key === '+' || event.key === '-' || event.key === '*') {
      const folded = placed.node.collapsed;
      if (placed.node.childCount > 0 && (event.key === '*' || folded === (event.key === '+'))) {
        event.preventDefault();
        toggleNode(placed.node.key);
      }
    }
  };

  useLayoutEffect(() => {
    latest.current = { onSelect, onToggle, onNodeKey };
  });
  const selectNode = useCallback(
    (pid: number, node: TreeNode) => latest.current.onSelect?.(pid, node),
    [],
  );
  const keyOnNode = useCallback(
    (event: ReactKeyboardEvent, placed: PlacedNode) => latest.current.onNodeKey?.(event, placed),
    [],
  );

  // What is in view (everything, for small trees).
  const view = visibleRect(transform, size);
  const cull = layout.nodes.length > CULL_ABOVE && size.width > 0;
  const margin = 40 / transform.k;
  const shownNodes = cull
    ? layout.nodes.filter((n) => n.node.key === focusKey || intersects(n, view, margin))
    : layout.nodes;
  const shownEdges = cull
    ? layout.edges.filter((e) => intersects(edgeBox(e), view, margin))
    : layout.edges;
  const tabStop =
    focusKey !== null && layout.byKey.has(focusKey)
      ? focusKey
      : (layout.nodes[0]?.node.key ?? null);

  // A cell output is as tall as the drawing needs at the zoom its width allows.
  const widthZoom = Math.min(1, (size.width - 2 * padding) / Math.max(1, layout.width));
  const compactHeight = compact
    ? Math.round(
        Math.min(
          COMPACT_MAX_HEIGHT,
          Math.max(
            150,
            layout.height * (size.width > 0 ? widthZoom : 1) +
              2 * padding +
              insets.top +
              insets.bottom,
          ),
        ),
      )
    : undefined;

  return (
    <div
      className={`tree-view${compact ? ' tree-view--compact' : ''}`}
      data-orientation={direction}
      style={compactHeight ? { height: compactHeight } : undefined}
    >
      <div className="tree-view__tools" role="toolbar" aria-label="Zoom">
        <button type="button" onClick={() => zoomBy(1.25)} aria-label="Zoom in" title="Zoom in">
          +
        </button>
        <button type="button" onClick={() => zoomBy(0.8)} aria-label="Zoom out" title="Zoom out">
          −
        </button>
        <button
          type="button"
          onClick={() => setManual(null)}
          aria-pressed={manual === null}
          title="Show the whole drawing, and keep it fitted as it changes"
        >
          Fit
        </button>
        <span className="tree-view__zoom" aria-live="off">
          {Math.round(transform.k * 100)}%
        </span>
      </div>
      {note && (
        <p className="tree-view__note">
          {unlinked} {unlinked === 1 ? 'process' : 'processes'} in no tree
        </p>
      )}
      <div className="tree-view__frame" ref={frame}>
        {nodes.length === 0 ? (
          <p className="tree-view__empty">No supervisors or linked processes yet.</p>
        ) : (
          <svg
            ref={svg}
            className="tree-view__svg"
            role="tree"
            aria-label={label}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={endDrag}
            onPointerCancel={endDrag}
          >
            <g transform={`translate(${transform.x} ${transform.y}) scale(${transform.k})`}>
              <g className="tree-view__edges" aria-hidden="true">
                {shownEdges.map((edge) => (
                  <path
                    key={edge.key}
                    className={`tree-view__edge tree-view__edge--${edge.kind}`}
                    d={edgePath(edge, direction)}
                  />
                ))}
                {layout.groups.map((group) => (
                  <rect
                    key={group.key}
                    className="tree-view__group"
                    x={group.x}
                    y={group.y}
                    width={group.width}
                    height={group.height}
                    rx={8 * scale}
                  />
                ))}
                {layout.crossLinks.map((link) => (
                  <path
                    key={link.key}
                    className="tree-view__edge tree-view__edge--cross"
                    d={crossPath(link)}
                  />
                ))}
              </g>
              {shownNodes.map((placed) => (
                <TreeNodeBox
                  key={placed.node.key}
                  placed={placed}
                  selected={placed.node.pid !== null && placed.node.pid === selectedPid}
                  tabbable={placed.node.key === tabStop}
                  recent={isRecent(placed.node, now, recentMs)}
                  orientation={direction}
                  compact={compact}
                  scale={scale}
                  lean={transform.k < LEAN_BELOW}
                  register={registerNode}
                  onSelect={selectNode}
                  onToggle={toggleNode}
                  onKeyDown={keyOnNode}
                  onFocus={setFocusKey}
                />
              ))}
            </g>
          </svg>
        )}
      </div>
    </div>
  );
}

interface TreeNodeBoxProps {
  placed: PlacedNode;
  selected: boolean;
  tabbable: boolean;
  recent: boolean;
  orientation: TreeOrientation;
  compact: boolean;
  /** The page's type scale. */
  scale: number;
  /** Zoomed out too far to read: shapes and status only. */
  lean: boolean;
  register(key: string, element: SVGGElement | null): void;
  onSelect?(pid: number, node: TreeNode): void;
  onToggle?(key: string): void;
  onKeyDown(event: ReactKeyboardEvent, placed: PlacedNode): void;
  onFocus(key: string): void;
}

/** One node: its shape by kind, its texts, its status, its restart mark and its fold button. */
const TreeNodeBox = memo(function TreeNodeBox({
  placed,
  selected,
  tabbable,
  recent,
  orientation,
  compact,
  scale,
  lean,
  register,
  onSelect,
  onToggle,
  onKeyDown,
  onFocus,
}: TreeNodeBoxProps) {
  const { node, x, y, width: w, height: h } = placed;
  const texts = nodeTexts(node);
  const pad = (compact ? 8 : 10) * scale;
  const lineH = (compact ? 14 : 16) * scale;
  const top = (h - lineH * 3) / 2 + lineH * 0.78;
  const indent = pad + (node.kind === 'worker' ? 6 * scale : 0);
  // Characters of the node's type that fit on a line (about 0.6 em each, the status dot aside).
  const em = (compact ? 11.5 : 13) * scale;
  const room = w - indent - pad - 14 * scale;
  const maxChars = Math.floor(room / (em * 0.57));
  const pidChars = Math.floor(room / (em * 0.92 * 0.6));
  // A restart shows as a badge on the corner; the line below the pid says what it replaced.
  const badge = node.restarts > 0 && texts.detailTone === 'restart' ? `↻${node.restarts}` : null;
  const detail = badge ? texts.detail.slice(badge.length + 1) : texts.detail;
  const t = 9 * scale;
  const hasChildren = node.childCount > 0;
  const toggle = orientation === 'down' ? { cx: w / 2, cy: h } : { cx: w, cy: h / 2 };
  return (
    <g
      ref={(element) => register(node.key, element)}
      className={`tree-node tree-node--${node.kind} tree-node--${node.status}${
        node.source === 'links' ? ' tree-node--linked' : ''
      }${selected ? ' is-selected' : ''}`}
      transform={`translate(${x} ${y})`}
      role="treeitem"
      aria-level={placed.depth + 1}
      aria-selected={selected}
      aria-expanded={hasChildren ? !node.collapsed : undefined}
      aria-label={texts.description}
      tabIndex={tabbable ? 0 : -1}
      data-key={node.key}
      data-pid={node.pid ?? undefined}
      onClick={() => {
        if (node.pid !== null) onSelect?.(node.pid, node);
      }}
      onKeyDown={(event) => onKeyDown(event, placed)}
      onFocus={() => onFocus(node.key)}
    >
      <title>{texts.description}</title>
      {recent && node.restartedAt !== null && (
        <rect
          key={`flash-${node.restartedAt}`}
          className="tree-node__flash"
          x={-5}
          y={-5}
          width={w + 10}
          height={h + 10}
          rx={node.kind === 'worker' ? h / 2 + 5 : 8}
        />
      )}
      <NodeShape kind={node.kind} w={w} h={h} />
      {badge && !lean && (
        <g
          className="tree-node__badge"
          transform={`translate(${w - (node.kind === 'worker' ? h / 2 : 12 * scale)} 0)`}
        >
          <rect
            x={-15 * scale}
            y={-9 * scale}
            width={30 * scale}
            height={18 * scale}
            rx={9 * scale}
          />
          <text y={4.5 * scale} textAnchor="middle">
            {badge}
          </text>
        </g>
      )}
      <circle
        className="tree-node__status"
        cx={lean ? w / 2 : w - pad - 2 * scale - (node.kind === 'worker' ? 6 * scale : 0)}
        cy={lean ? h / 2 : h / 2 - lineH}
        r={lean ? h * 0.35 : (compact ? 3.5 : 4.5) * scale}
      />
      {!lean && (
        <>
          <text className="tree-node__title" x={indent} y={top}>
            {clipText(texts.title, maxChars - 1)}
          </text>
          <text className="tree-node__pid" x={indent} y={top + lineH}>
            {clipText(texts.pid, pidChars)}
          </text>
          <text
            className={`tree-node__detail${texts.detailTone ? ` tree-node__detail--${texts.detailTone}` : ''}`}
            x={indent}
            y={top + lineH * 2}
          >
            {clipText(detail, maxChars)}
          </text>
        </>
      )}
      {hasChildren && (
        <g
          className="tree-node__toggle"
          transform={`translate(${toggle.cx} ${toggle.cy})`}
          onClick={(event) => {
            event.stopPropagation();
            onToggle?.(node.key);
          }}
          aria-hidden="true"
        >
          <title>{node.collapsed ? `Show ${node.childCount} children` : 'Fold the children'}</title>
          <rect
            x={node.collapsed ? -2.2 * t : -t}
            y={-t}
            width={node.collapsed ? 4.4 * t : 2 * t}
            height={2 * t}
            rx={t}
          />
          <text y={t / 2} textAnchor="middle">
            {node.collapsed ? `+${compactCount(node.descendantCount)}` : '−'}
          </text>
        </g>
      )}
    </g>
  );
});

/** A supervisor is a square box with a band, a worker a pill, a linked process a rounded box. */
function NodeShape({ kind, w, h }: { kind: TreeNode['kind']; w: number; h: number }) {
  if (kind === 'supervisor') {
    return (
      <>
        <rect className="tree-node__shape" width={w} height={h} rx={2} />
        <rect className="tree-node__band" width={4} height={h} x={0} y={0} />
      </>
    );
  }
  return (
    <rect className="tree-node__shape" width={w} height={h} rx={kind === 'worker' ? h / 2 : 10} />
  );
}

function compactCount(n: number): string {
  return n < 1000 ? String(n) : `${Math.round(n / 100) / 10}k`;
}

function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

function isRecent(node: TreeNode, now: number | undefined, recentMs: number): boolean {
  if (node.restartedAt === null) return false;
  return now === undefined || now - node.restartedAt <= recentMs;
}

function edgeBox(edge: PlacedEdge) {
  const x = Math.min(edge.x1, edge.x2);
  const y = Math.min(edge.y1, edge.y2);
  return { x, y, width: Math.abs(edge.x2 - edge.x1), height: Math.abs(edge.y2 - edge.y1) };
}

/** An elbow from parent to child. */
function edgePath(edge: PlacedEdge, orientation: TreeOrientation): string {
  return orientation === 'down'
    ? `M${edge.x1} ${edge.y1}V${edge.mid}H${edge.x2}V${edge.y2}`
    : `M${edge.x1} ${edge.y1}H${edge.mid}V${edge.y2}H${edge.x2}`;
}

/** A shallow arc between two linked nodes, bowed so it does not hide under tree edges. */
function crossPath(link: { x1: number; y1: number; x2: number; y2: number }): string {
  const mx = (link.x1 + link.x2) / 2;
  const my = (link.y1 + link.y2) / 2;
  const dx = link.x2 - link.x1;
  const dy = link.y2 - link.y1;
  const bend = 0.25;
  return `M${link.x1} ${link.y1}Q${mx - dy * bend} ${my + dx * bend} ${link.x2} ${link.y2}`;
}

/** The node an arrow key moves to: parent, first child, or a sibling, by orientation. */
function neighbour(layout: TreeLayout, placed: PlacedNode, key: string): string | null {
  const down = layout.orientation === 'down';
  const toParent = down ? 'ArrowUp' : 'ArrowLeft';
  const toChild = down ? 'ArrowDown' : 'ArrowRight';
  const prev = down ? 'ArrowLeft' : 'ArrowUp';
  const next = down ? 'ArrowRight' : 'ArrowDown';
  if (key === toParent) return placed.parentKey;
  if (key === toChild) return placed.childKeys[0] ?? null;
  if (key !== prev && key !== next) return null;
  const siblings =
    placed.parentKey === null
      ? layout.nodes.filter((n) => n.parentKey === null).map((n) => n.node.key)
      : layout.byKey.get(placed.parentKey)!.childKeys;
  const i = placed.index + (key === next ? 1 : -1);
  return siblings[i] ?? null;
}

/** The element's content size, kept up to date. */
function useElementSize(ref: RefObject<HTMLElement | null>) {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const update = () => {
      const width = element.clientWidth;
      const height = element.clientHeight;
      setSize((s) => (s.width === width && s.height === height ? s : { width, height }));
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}
