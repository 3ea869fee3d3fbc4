/**
 * Where each node of the supervision forest goes: a tidy tree (Reingold–Tilford style), pure and
 * framework-free so it is unit-tested in Node and shared by the live panel and the cell output.
 *
 * Every subtree is laid out on its own and keeps its contour (its leftmost and rightmost extent
 * at each depth); a parent's children are packed side by side as close as their contours allow,
 * and the parent is centred over its first and last child. A collapsed node lays out as a leaf:
 * its subtree takes one slot. The forest's roots are packed the same way under a root that is
 * not drawn. O(nodes × depth), iterative, so a long chain of links cannot overflow the stack.
 *
 * A node with many children that have none of their own (a DynamicSupervisor's 500 workers)
 * would make one absurdly long row, so its children wrap into a grid of several lanes (levels)
 * framed as a group, with one edge from the parent to the group instead of 500.
 *
 * Coordinates are in layout units (CSS pixels at zoom 1), top-left origin. "Breadth" is the
 * axis siblings spread along, "depth" the axis levels follow: down (breadth = x) or right
 * (breadth = y). Zoom and pan are plain transforms, with pure helpers here for the view.
 */
import type { TreeNode } from '../model/supervisionTree';

/** Which way the levels of the tree go. */
export type TreeOrientation = 'down' | 'right';

/** Sizes of the layout, in layout units. */
export interface TreeMetrics {
  nodeWidth: number;
  nodeHeight: number;
  /** Space between neighbouring subtrees along the breadth axis. */
  siblingGap: number;
  /** Space between a parent and its children along the depth axis. */
  levelGap: number;
  /** Extra space between two trees of the forest. */
  treeGap: number;
}

/** Sizes for the live panel. */
export const TREE_METRICS: TreeMetrics = {
  nodeWidth: 176,
  nodeHeight: 58,
  siblingGap: 14,
  levelGap: 38,
  treeGap: 40,
};

/** Sizes for a cell output, where space is tighter. */
export const COMPACT_TREE_METRICS: TreeMetrics = {
  nodeWidth: 150,
  nodeHeight: 50,
  siblingGap: 10,
  levelGap: 30,
  treeGap: 28,
};

/** `metrics` grown by `scale` (the page's type scale), for larger text. */
export function scaleTreeMetrics(metrics: TreeMetrics, scale: number): TreeMetrics {
  if (scale === 1) return metrics;
  return {
    nodeWidth: Math.round(metrics.nodeWidth * scale),
    nodeHeight: Math.round(metrics.nodeHeight * scale),
    siblingGap: Math.round(metrics.siblingGap * scale),
    levelGap: Math.round(metrics.levelGap * scale),
    treeGap: Math.round(metrics.treeGap * scale),
  };
}

/** A node with its box. */
export interface PlacedNode {
  readonly node: TreeNode;
  /** Top-left corner and size of the node's box. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly parentKey: string | null;
  /** Keys of the children drawn (none when collapsed). */
  readonly childKeys: readonly string[];
  /** Index among its drawn siblings (roots count as siblings). */
  readonly index: number;
  /** Set when the node's children wrap into a grid: lanes (levels) and children per lane. */
  readonly grid: GridShape | null;
}

/** How a wrapped set of children is arranged. */
export interface GridShape {
  readonly lanes: number;
  readonly perLane: number;
}

/** The frame around a grid of wrapped children. */
export interface PlacedGroup {
  /** The parent's key. */
  readonly key: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A parent-child edge: a supervisor's child, or a link of a link tree. */
export interface PlacedEdge {
  readonly key: string;
  readonly kind: 'supervision' | 'link';
  /** Where the edge leaves the parent and enters the child. */
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  /** The depth coordinate of the elbow between them. */
  readonly mid: number;
}

/** A link between two drawn processes that is not a tree edge. */
export interface PlacedCrossLink {
  readonly key: string;
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/** The whole drawing. */
export interface TreeLayout {
  readonly orientation: TreeOrientation;
  readonly nodes: readonly PlacedNode[];
  readonly byKey: ReadonlyMap<string, PlacedNode>;
  readonly edges: readonly PlacedEdge[];
  readonly crossLinks: readonly PlacedCrossLink[];
  readonly groups: readonly PlacedGroup[];
  /** Size of the bounding box (it starts at 0, 0). */
  readonly width: number;
  readonly height: number;
  /** Largest number of nodes on one level: how wide the tree is. */
  readonly widestLevel: number;
}

interface Contour {
  /** Leftmost and rightmost breadth extent at each depth below the subtree's root, inclusive. */
  left: number[];
  right: number[];
}

interface Work {
  node: TreeNode;
  parent: Work | null;
  depth: number;
  index: number;
  children: Work[];
  /** Breadth offset of the node's centre from its parent's centre. */
  offset: number;
  contour: Contour | null;
  centre: number;
  grid: GridShape | null;
}

/** Children beyond this many, none with children of their own, wrap into a grid. */
export const WRAP_ABOVE = 12;

/** Whether `node`'s drawn children wrap into a grid. */
export function wrapsChildren(node: TreeNode): boolean {
  const kids = drawnChildren(node);
  return kids.length > WRAP_ABOVE && kids.every((kid) => drawnChildren(kid).length === 0);
}

/**
 * The grid for `n` wrapped children: about as wide as it is tall on screen (a little wider),
 * with lanes along the depth axis and children side by side within a lane.
 */
export function gridShape(
  n: number,
  orientation: TreeOrientation,
  metrics: TreeMetrics,
): GridShape {
  const down = orientation === 'down';
  const across = (down ? metrics.nodeWidth : metrics.nodeHeight) + metrics.siblingGap;
  const along = (down ? metrics.nodeHeight : metrics.nodeWidth) + metrics.levelGap;
  // Screen width : height of the block, about 4 : 3.
  const aspect = down ? 4 / 3 : 3 / 4;
  const perLane = Math.max(1, Math.min(n, Math.round(Math.sqrt((n * along * aspect) / across))));
  return { lanes: Math.ceil(n / perLane), perLane };
}

/**
 * `roots` with `collapsed` flipped on the nodes whose keys are in `toggled`: how the drawing
 * folds by itself when no owner handles `onToggle` (a cell output). Unchanged subtrees are kept.
 */
export function withToggled(
  roots: readonly TreeNode[],
  toggled: ReadonlySet<string>,
): readonly TreeNode[] {
  if (toggled.size === 0) return roots;
  const visit = (node: TreeNode): TreeNode => {
    const children = node.children.map(visit);
    const flip = toggled.has(node.key);
    const same = children.every((child, i) => child === node.children[i]);
    if (!flip && same) return node;
    return {
      ...node,
      children: same ? node.children : children,
      collapsed: flip ? !node.collapsed : node.collapsed,
    };
  };
  const out = roots.map(visit);
  return out.every((node, i) => node === roots[i]) ? roots : out;
}

/** The children a node draws: none when it is collapsed. */
export function drawnChildren(node: TreeNode): readonly TreeNode[] {
  return node.collapsed ? [] : node.children;
}

/**
 * Chooses an orientation: levels go down while the widest level fits comfortably across, and
 * right (siblings stacked) when a level is too wide, since node boxes are wider than tall.
 */
export function autoOrientation(roots: readonly TreeNode[], maxAcross = 6): TreeOrientation {
  return widestLevel(roots) <= maxAcross ? 'down' : 'right';
}

/** The largest number of drawn nodes on one level of the forest, not counting wrapped grids. */
export function widestLevel(roots: readonly TreeNode[]): number {
  let level: readonly TreeNode[] = roots;
  let widest = 0;
  while (level.length > 0) {
    widest = Math.max(widest, level.length);
    const next: TreeNode[] = [];
    for (const node of level) {
      if (!wrapsChildren(node)) for (const child of drawnChildren(node)) next.push(child);
    }
    level = next;
  }
  return widest;
}

/** Links between drawn nodes that are not tree edges, each pair once. */
function crossLinksOf(nodes: readonly PlacedNode[]): PlacedCrossLink[] {
  const crossLinks: PlacedCrossLink[] = [];
  const byPid = new Map<number, PlacedNode>();
  for (const placed of nodes) if (placed.node.pid !== null) byPid.set(placed.node.pid, placed);
  for (const placed of nodes) {
    const a = placed.node.pid;
    if (a === null) continue;
    for (const b of placed.node.crossLinks) {
      const other = byPid.get(b);
      // Each pair once (both ends list the link); ends that are folded away are not drawn.
      if (!other || (b < a && other.node.crossLinks.includes(a))) continue;
      crossLinks.push({
        key: `${Math.min(a, b)}-${Math.max(a, b)}`,
        x1: placed.x + placed.width / 2,
        y1: placed.y + placed.height / 2,
        x2: other.x + other.width / 2,
        y2: other.y + other.height / 2,
      });
    }
  }
  return crossLinks;
}

/**
 * Lays out the forest: every drawn node's box, the edges, and the cross links. The trees go
 * side by side, or with `stack` one after another along the depth axis (one below the other
 * when levels go down), which suits a narrow panel better when there are several.
 */
export function layoutForest(
  roots: readonly TreeNode[],
  orientation: TreeOrientation = 'down',
  metrics: TreeMetrics = TREE_METRICS,
  stack = false,
): TreeLayout {
  if (stack && roots.length > 1) return stackTrees(roots, orientation, metrics);
  const down = orientation === 'down';
  const breadthSize = down ? metrics.nodeWidth : metrics.nodeHeight;
  const depthSize = down ? metrics.nodeHeight : metrics.nodeWidth;
  const depthStep = depthSize + metrics.levelGap;

  // Build the work tree in pre-order (parents before children).
  const top: Work = {
    node: null as unknown as TreeNode,
    parent: null,
    depth: -1,
    index: 0,
    children: [],
    offset: 0,
    contour: null,
    centre: 0,
    grid: null,
  };
  const order: Work[] = [top];
  for (let i = 0; i < order.length; i++) {
    const work = order[i]!;
    const kids = work === top ? roots : drawnChildren(work.node);
    if (work !== top && wrapsChildren(work.node))
      work.grid = gridShape(kids.length, orientation, metrics);
    const perLane = work.grid?.perLane ?? Infinity;
    kids.forEach((node, index) => {
      const child: Work = {
        node,
        parent: work,
        depth: work.depth + 1 + Math.floor(index / perLane),
        index,
        children: [],
        offset: 0,
        contour: null,
        centre: 0,
        grid: null,
      };
      work.children.push(child);
      order.push(child);
    });
  }

  // Post-order: children before parents.
  for (let i = order.length - 1; i >= 0; i--) {
    const work = order[i]!;
    const own = work === top ? 0 : breadthSize / 2;
    if (work.children.length === 0) {
      work.contour = { left: [-own], right: [own] };
      continue;
    }
    if (work.grid) {
      // A block of lanes, each centred under the parent, filled from the left.
      const { lanes, perLane } = work.grid;
      const pitch = breadthSize + metrics.siblingGap;
      const across = Math.min(perLane, work.children.length);
      const half = (across * pitch - metrics.siblingGap) / 2;
      work.children.forEach((child, c) => {
        child.offset = ((c % perLane) - (across - 1) / 2) * pitch;
        child.contour = null;
      });
      work.contour = {
        left: [-own, ...Array.from({ length: lanes }, () => -half)],
        right: [own, ...Array.from({ length: lanes }, () => half)],
      };
      continue;
    }
    const gap = work === top ? metrics.siblingGap + metrics.treeGap : metrics.siblingGap;
    const positions: number[] = [0];
    const first = work.children[0]!.contour!;
    const acc: Contour = { left: first.left.slice(), right: first.right.slice() };
    for (let c = 1; c < work.children.length; c++) {
      const next = work.children[c]!.contour!;
      const shared = Math.min(acc.right.length, next.left.length);
      let shift = -Infinity;
      for (let d = 0; d < shared; d++) shift = Math.max(shift, acc.right[d]! - next.left[d]! + gap);
      positions.push(shift);
      for (let d = 0; d < next.left.length; d++) {
        if (d < acc.right.length) acc.right[d] = next.right[d]! + shift;
        else {
          acc.left.push(next.left[d]! + shift);
          acc.right.push(next.right[d]! + shift);
        }
      }
    }
    const centre = (positions[0]! + positions[positions.length - 1]!) / 2;
    work.children.forEach((child, c) => {
      child.offset = positions[c]! - centre;
      child.contour = null;
    });
    work.contour = {
      left: [-own, ...acc.left.map((v) => v - centre)],
      right: [own, ...acc.right.map((v) => v - centre)],
    };
  }

  // Pre-order: absolute centres; then the bounding box.
  let minBreadth = Infinity;
  let maxBreadth = -Infinity;
  let maxDepth = 0;
  const levelCounts: number[] = [];
  for (const work of order) {
    if (work === top) continue;
    work.centre = work.parent!.centre + work.offset;
    minBreadth = Math.min(minBreadth, work.centre - breadthSize / 2);
    maxBreadth = Math.max(maxBreadth, work.centre + breadthSize / 2);
    maxDepth = Math.max(maxDepth, work.depth);
    levelCounts[work.depth] = (levelCounts[work.depth] ?? 0) + 1;
  }
  if (order.length === 1) {
    minBreadth = 0;
    maxBreadth = 0;
  }

  const nodes: PlacedNode[] = [];
  const byKey = new Map<string, PlacedNode>();
  const box = (work: Work) => {
    const b = work.centre - breadthSize / 2 - minBreadth;
    const d = work.depth * depthStep;
    return down ? { x: b, y: d } : { x: d, y: b };
  };
  for (const work of order) {
    if (work === top) continue;
    const { x, y } = box(work);
    const placed: PlacedNode = {
      node: work.node,
      x,
      y,
      width: metrics.nodeWidth,
      height: metrics.nodeHeight,
      depth: work.depth,
      parentKey: work.parent === top ? null : work.parent!.node.key,
      childKeys: work.children.map((c) => c.node.key),
      index: work.index,
      grid: work.grid,
    };
    nodes.push(placed);
    byKey.set(work.node.key, placed);
  }

  // A grid's frame, and one edge from the parent to it.
  const groups: PlacedGroup[] = [];
  const frames = new Map<string, PlacedGroup>();
  const pad = metrics.siblingGap / 2 + 2;
  for (const placed of nodes) {
    if (!placed.grid) continue;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const key of placed.childKeys) {
      const kid = byKey.get(key)!;
      x0 = Math.min(x0, kid.x);
      y0 = Math.min(y0, kid.y);
      x1 = Math.max(x1, kid.x + kid.width);
      y1 = Math.max(y1, kid.y + kid.height);
    }
    const group = {
      key: placed.node.key,
      x: x0 - pad,
      y: y0 - pad,
      width: x1 - x0 + 2 * pad,
      height: y1 - y0 + 2 * pad,
    };
    groups.push(group);
    frames.set(group.key, group);
  }

  const edges: PlacedEdge[] = [];
  for (const placed of nodes) {
    if (placed.parentKey === null) continue;
    const parent = byKey.get(placed.parentKey)!;
    const kind = placed.node.source === 'links' ? 'link' : 'supervision';
    const frame = frames.get(placed.parentKey);
    if (frame) {
      if (placed.index > 0) continue;
      edges.push(
        down
          ? {
              key: placed.node.key,
              kind,
              x1: parent.x + parent.width / 2,
              y1: parent.y + parent.height,
              x2: parent.x + parent.width / 2,
              y2: frame.y,
              mid: frame.y,
            }
          : {
              key: placed.node.key,
              kind,
              x1: parent.x + parent.width,
              y1: parent.y + parent.height / 2,
              x2: frame.x,
              y2: parent.y + parent.height / 2,
              mid: frame.x,
            },
      );
      continue;
    }
    if (down) {
      const y1 = parent.y + parent.height;
      edges.push({
        key: placed.node.key,
        kind,
        x1: parent.x + parent.width / 2,
        y1,
        x2: placed.x + placed.width / 2,
        y2: placed.y,
        mid: y1 + metrics.levelGap / 2,
      });
    } else {
      const x1 = parent.x + parent.width;
      edges.push({
        key: placed.node.key,
        kind,
        x1,
        y1: parent.y + parent.height / 2,
        x2: placed.x,
        y2: placed.y + placed.height / 2,
        mid: x1 + metrics.levelGap / 2,
      });
    }
  }

  const crossLinks = crossLinksOf(nodes);
  const breadthExtent = maxBreadth - minBreadth;
  const depthExtent = nodes.length === 0 ? 0 : maxDepth * depthStep + depthSize;
  return {
    orientation,
    nodes,
    byKey,
    edges,
    crossLinks,
    groups,
    width: down ? breadthExtent : depthExtent,
    height: down ? depthExtent : breadthExtent,
    widestLevel: Math.max(0, ...levelCounts.map((n) => n ?? 0)),
  };
}

/** Each tree laid out alone, then placed one after another along the depth axis, centred. */
function stackTrees(
  roots: readonly TreeNode[],
  orientation: TreeOrientation,
  metrics: TreeMetrics,
): TreeLayout {
  const down = orientation === 'down';
  const trees = roots.map((root) => layoutForest([root], orientation, metrics));
  const across = Math.max(...trees.map((t) => (down ? t.width : t.height)));
  const nodes: PlacedNode[] = [];
  const edges: PlacedEdge[] = [];
  const groups: PlacedGroup[] = [];
  let along = 0;
  trees.forEach((tree, index) => {
    const shift = (across - (down ? tree.width : tree.height)) / 2;
    const dx = down ? shift : along;
    const dy = down ? along : shift;
    for (const n of tree.nodes) {
      // A root's index is its place among the trees; other nodes keep theirs.
      nodes.push({ ...n, x: n.x + dx, y: n.y + dy, index: n.parentKey === null ? index : n.index });
    }
    for (const e of tree.edges) {
      const mid = e.mid + (down ? dy : dx);
      edges.push({ ...e, x1: e.x1 + dx, x2: e.x2 + dx, y1: e.y1 + dy, y2: e.y2 + dy, mid });
    }
    for (const g of tree.groups) groups.push({ ...g, x: g.x + dx, y: g.y + dy });
    along += (down ? tree.height : tree.width) + metrics.treeGap + metrics.levelGap;
  });
  const byKey = new Map(nodes.map((n) => [n.node.key, n]));
  const length = along - metrics.treeGap - metrics.levelGap;
  return {
    orientation,
    nodes,
    byKey,
    edges,
    crossLinks: crossLinksOf(nodes),
    groups,
    width: down ? across : length,
    height: down ? length : across,
    widestLevel: Math.max(...trees.map((t) => t.widestLevel)),
  };
}

// ------------------------------------------------------------------ texts

/** The three lines of a node and the sentence read out for it. */
export function nodeTexts(node: TreeNode): {
  title: string;
  pid: string;
  detail: string;
  detailTone: 'error' | 'pending' | 'restart' | null;
  description: string;
} {
  const id =
    node.childId && node.childId !== 'undefined' ? node.childId.replace(/^'(.*)'$/, '$1') : null;
  const title =
    node.name ?? id ?? (node.label || (node.kind === 'supervisor' ? 'supervisor' : 'process'));
  const pid = node.pidText || (node.status === 'not_started' ? 'no pid' : '');
  let detail: string;
  let detailTone: 'error' | 'pending' | 'restart' | null = null;
  if (node.collapsed && node.childCount > 0) {
    const c = node.counts;
    const parts = [`${node.childCount} children`];
    if (c.exited > 0) parts.push(`${c.exited} exited`);
    if (c.restarting > 0) parts.push(`${c.restarting} restarting`);
    if (c.notStarted > 0) parts.push(`${c.notStarted} not started`);
    detail = parts.join(', ');
  } else if (node.status === 'exited') {
    detail = `exited: ${node.exitReason ?? '?'}`;
    detailTone = 'error';
  } else if (node.status === 'restarting') {
    detail = 'restarting';
    detailTone = 'pending';
  } else if (node.status === 'not_started') {
    detail = 'not started';
  } else if (node.restarts > 0) {
    detail = `↻${node.restarts}${node.previousPid !== null ? ` was ${pidLabel(node.previousPid)}` : ''}`;
    detailTone = 'restart';
  } else if (node.supervisor) {
    detail = `${node.supervisor.strategy}${node.supervisor.restarts > 0 ? ` · ↻${node.supervisor.restarts}` : ''}`;
  } else if (node.source === 'links') {
    detail = 'linked';
  } else {
    detail = node.label && node.label !== title ? node.label : (node.restartType ?? '');
  }
  const kind = node.kind === 'process' ? 'linked process' : node.kind;
  const bits = [
    `${kind} ${title}`,
    node.pidText || null,
    node.status === 'running' ? 'running' : node.status.replace('_', ' '),
    node.status === 'exited' && node.exitReason ? `reason ${node.exitReason}` : null,
    node.restarts > 0
      ? `restarted ${node.restarts} ${node.restarts === 1 ? 'time' : 'times'}${
          node.previousPid !== null ? `, was ${pidLabel(node.previousPid)}` : ''
        }`
      : null,
    node.supervisor
      ? `${node.supervisor.strategy}, ${node.supervisor.restarts} restarts (at most ${node.supervisor.maxRestarts} in ${node.supervisor.maxSeconds} s)`
      : null,
    node.childCount > 0 ? `${node.childCount} children${node.collapsed ? ', folded' : ''}` : null,
    node.crossLinks.length > 0
      ? `also linked to ${node.crossLinks.map(pidLabel).join(', ')}`
      : null,
  ];
  return {
    title,
    pid,
    detail,
    detailTone,
    description: bits.filter((b) => b !== null).join('; '),
  };
}

/** A pid's printed form, as the runtime prints it. */
export function pidLabel(id: number): string {
  return `#PID<0.${id}.0>`;
}

// ------------------------------------------------------------------ zoom and pan

/** A view transform: screen = layout × k + (x, y). */
export interface ViewTransform {
  readonly x: number;
  readonly y: number;
  readonly k: number;
}

/** Smallest and largest zoom the view allows. */
export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 2.5;

/**
 * The transform that shows the whole `width` × `height` drawing in the viewport, centred in what
 * the insets leave.
 */
export function fitTransform(
  width: number,
  height: number,
  viewport: { width: number; height: number },
  padding = 16,
  maxZoom = 1,
  /** Bands kept clear at the top and bottom (a toolbar, a note). */
  insets: { top: number; bottom: number } = { top: 0, bottom: 0 },
): ViewTransform {
  const availW = Math.max(1, viewport.width - 2 * padding);
  const availH = Math.max(1, viewport.height - 2 * padding - insets.top - insets.bottom);
  const k = clampZoom(Math.min(maxZoom, availW / Math.max(1, width), availH / Math.max(1, height)));
  return {
    k,
    x: (viewport.width - width * k) / 2,
    y: insets.top + (viewport.height - insets.top - insets.bottom - height * k) / 2,
  };
}

/** Keeps a zoom factor within the allowed range. */
export function clampZoom(k: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k));
}

/** Zooms by `factor` keeping the screen point `at` fixed (the pointer, or the view's centre). */
export function zoomAt(
  t: ViewTransform,
  factor: number,
  at: { x: number; y: number },
): ViewTransform {
  const k = clampZoom(t.k * factor);
  const ratio = k / t.k;
  return { k, x: at.x - (at.x - t.x) * ratio, y: at.y - (at.y - t.y) * ratio };
}

/** The part of the layout the viewport shows, in layout units. */
export function visibleRect(t: ViewTransform, viewport: { width: number; height: number }) {
  return {
    x: -t.x / t.k,
    y: -t.y / t.k,
    width: viewport.width / t.k,
    height: viewport.height / t.k,
  };
}

/** Whether the box `b` meets the rectangle `r`, grown by `margin` on every side. */
export function intersects(
  b: { x: number; y: number; width: number; height: number },
  r: { x: number; y: number; width: number; height: number },
  margin = 0,
): boolean {
  return (
    b.x + b.width >= r.x - margin &&
    b.x <= r.x + r.width + margin &&
    b.y + b.height >= r.y - margin &&
    b.y <= r.y + r.height + margin
  );
}

/** The transform that pans just enough to bring `node` into the viewport, at the same zoom. */
export function panToShow(
  t: ViewTransform,
  node: { x: number; y: number; width: number; height: number },
  viewport: { width: number; height: number },
  margin = 24,
): ViewTransform {
  let { x, y } = t;
  const left = node.x * t.k + x;
  const right = (node.x + node.width) * t.k + x;
  const top = node.y * t.k + y;
  const bottom = (node.y + node.height) * t.k + y;
  if (left < margin) x += margin - left;
  else if (right > viewport.width - margin) x -= right - (viewport.width - margin);
  if (top < margin) y += margin - top;
  else if (bottom > viewport.height - margin) y -= bottom - (viewport.height - margin);
  return x === t.x && y === t.y ? t : { ...t, x, y };
}
