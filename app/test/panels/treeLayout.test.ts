import { beforeAll, describe, expect, it } from 'vitest';
import type { TreeNode } from '../../panels/model/supervisionTree';
import type { PlacedNode, TreeLayout, TreeOrientation } from '../../panels/ui/treeLayout';
import {
  COMPACT_TREE_METRICS,
  TREE_METRICS,
  autoOrientation,
  fitTransform,
  gridShape,
  layoutForest,
  nodeTexts,
  panToShow,
  visibleRect,
  widestLevel,
  withToggled,
  zoomAt,
} from '../../panels/ui/treeLayout';
import { allNodes } from './harness';
import type { TreeFixture } from './viewScenarios';
import { manyChildren, mixedForest, threeChildren } from './viewScenarios';

let three: TreeFixture;
let mixed: TreeFixture;
let folded: TreeFixture;
let unfolded: TreeFixture;

beforeAll(async () => {
  // One runtime at a time: each run owns the current-process context while it runs.
  three = await threeChildren();
  mixed = await mixedForest();
  folded = await manyChildren(500, false);
  unfolded = await manyChildren(500, true);
});

const ORIENTATIONS: TreeOrientation[] = ['down', 'right'];

function overlaps(a: PlacedNode, b: PlacedNode): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Pairs of boxes that overlap, found with a sweep along x. */
function overlapping(layout: TreeLayout): [string, string][] {
  const sorted = [...layout.nodes].sort((a, b) => a.x - b.x);
  const out: [string, string][] = [];
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j]!.x < sorted[i]!.x + sorted[i]!.width; j++) {
      if (overlaps(sorted[i]!, sorted[j]!)) out.push([sorted[i]!.node.key, sorted[j]!.node.key]);
    }
  }
  return out;
}

const centreOf = (n: PlacedNode, o: TreeOrientation) =>
  o === 'down' ? n.x + n.width / 2 : n.y + n.height / 2;

describe('tree layout', () => {
  for (const orientation of ORIENTATIONS) {
    it(`places no two nodes on top of each other (${orientation})`, () => {
      for (const fixture of [three, mixed, folded, unfolded]) {
        const layout = layoutForest(fixture.roots, orientation);
        expect(layout.nodes.length).toBeGreaterThan(0);
        expect(overlapping(layout)).toEqual([]);
      }
    });

    it(`centres every parent over its first and last child (${orientation})`, () => {
      for (const fixture of [three, mixed, unfolded]) {
        const layout = layoutForest(fixture.roots, orientation);
        for (const placed of layout.nodes) {
          if (placed.childKeys.length === 0) continue;
          // A grid of wrapped children is centred by its first (full) lane.
          const across = placed.grid ? placed.grid.perLane : placed.childKeys.length;
          const first = layout.byKey.get(placed.childKeys[0]!)!;
          const last = layout.byKey.get(placed.childKeys[across - 1]!)!;
          expect(centreOf(placed, orientation)).toBeCloseTo(
            (centreOf(first, orientation) + centreOf(last, orientation)) / 2,
            6,
          );
        }
      }
    });
  }

  it('keeps children in their supervisor order and one level below their parent', () => {
    const layout = layoutForest(mixed.roots, 'down');
    const step = TREE_METRICS.nodeHeight + TREE_METRICS.levelGap;
    for (const placed of layout.nodes) {
      const kids = placed.childKeys.map((k) => layout.byKey.get(k)!);
      for (const kid of kids) expect(kid.y - placed.y).toBe(step);
      const xs = kids.map((k) => k.x);
      expect(xs).toEqual([...xs].sort((a, b) => a - b));
    }
    expect(layout.nodes).toHaveLength(allNodes(mixed.roots).length);
  });

  it('packs neighbouring leaves exactly one sibling gap apart', () => {
    const layout = layoutForest(three.roots, 'down');
    const sup = layout.nodes.find((n) => n.node.name === 'app_sup')!;
    const kids = sup.childKeys.map((k) => layout.byKey.get(k)!);
    expect(kids).toHaveLength(3);
    for (let i = 1; i < kids.length; i++) {
      expect(kids[i]!.x - (kids[i - 1]!.x + kids[i - 1]!.width)).toBe(TREE_METRICS.siblingGap);
    }
  });

  it('tucks a shallow subtree under the overhang of a deep one (tidy, not one slot per leaf)', () => {
    // a has one child with five children; b is a leaf. b fits beside a's child's row, so it sits
    // closer to a than a's widest level would allow with naive leaf slots.
    const leaf = (key: string, children: TreeNode[] = []): TreeNode =>
      ({
        ...three.roots[0]!,
        key,
        children,
        childCount: children.length,
        collapsed: false,
      }) as TreeNode;
    const deep = leaf('a', [
      leaf(
        'a1',
        [1, 2, 3, 4, 5].map((i) => leaf(`a1.${i}`)),
      ),
    ]);
    const layout = layoutForest([leaf('root', [deep, leaf('b')])], 'down');
    const a = layout.byKey.get('a')!;
    const b = layout.byKey.get('b')!;
    const widest = Math.max(...layout.nodes.filter((n) => n.depth === 3).map((n) => n.x + n.width));
    expect(b.x).toBe(a.x + a.width + TREE_METRICS.siblingGap);
    expect(b.x).toBeLessThan(widest);
    expect(overlapping(layout)).toEqual([]);
  });

  it('lays a folded supervisor out as one node, however many children it has', () => {
    const root = folded.roots.find((r) => r.name === 'jobs')!;
    expect(root.collapsed).toBe(true);
    expect(root.childCount).toBe(500);
    const layout = layoutForest([root], 'down');
    expect(layout.nodes).toHaveLength(1);
    expect(layout.edges).toHaveLength(0);
    expect(layout.width).toBe(TREE_METRICS.nodeWidth);
    expect(nodeTexts(root).detail).toBe('500 children');
  });

  it('wraps 500 unfolded workers into a grid about as wide as it is tall, with one edge to it', () => {
    const jobs = unfolded.roots.filter((r) => r.name === 'jobs');
    for (const orientation of ORIENTATIONS) {
      const open = layoutForest(jobs, orientation);
      expect(open.nodes).toHaveLength(501);
      const root = open.nodes[0]!;
      expect(root.grid).toEqual(gridShape(500, orientation, TREE_METRICS));
      const { lanes, perLane } = root.grid!;
      expect(lanes * perLane).toBeGreaterThanOrEqual(500);
      expect((lanes - 1) * perLane).toBeLessThan(500);
      expect(open.width / open.height).toBeGreaterThan(0.6);
      expect(open.width / open.height).toBeLessThan(2);
      expect(open.groups).toHaveLength(1);
      expect(open.edges).toHaveLength(1);
      const group = open.groups[0]!;
      for (const placed of open.nodes.slice(1)) {
        expect(placed.x).toBeGreaterThan(group.x);
        expect(placed.x + placed.width).toBeLessThan(group.x + group.width);
        expect(placed.y + placed.height).toBeLessThan(group.y + group.height);
      }
    }
    // A few children do not wrap.
    expect(layoutForest(three.roots).nodes.every((n) => n.grid === null)).toBe(true);
  });

  it('goes down unless many subtrees share a level, then right', () => {
    expect(autoOrientation(three.roots)).toBe('down');
    expect(autoOrientation(folded.roots)).toBe('down');
    // The grid keeps 500 leaves from widening a level.
    expect(widestLevel(unfolded.roots)).toBeLessThan(10);
    expect(autoOrientation(unfolded.roots)).toBe('down');
    const sup = three.roots.find((r) => r.name === 'app_sup')!;
    const eight = Array.from({ length: 8 }, (_, i) => ({ ...sup, key: `s${i}` }));
    const wide = { ...sup, key: 'wide', children: eight };
    expect(widestLevel([wide])).toBe(24);
    expect(autoOrientation([wide])).toBe('right');
  });

  it('draws link-tree edges apart from supervision edges, and each cross link once', () => {
    const layout = layoutForest(mixed.roots, 'down');
    const kinds = new Map(layout.edges.map((e) => [e.key, e.kind]));
    for (const placed of layout.nodes) {
      if (placed.parentKey === null) continue;
      expect(kinds.get(placed.node.key)).toBe(
        placed.node.source === 'links' ? 'link' : 'supervision',
      );
    }
    expect([...kinds.values()]).toContain('link');
    expect([...kinds.values()]).toContain('supervision');
    const keys = layout.crossLinks.map((c) => c.key);
    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('folds and unfolds the nodes it is told to, keeping the subtrees that do not change', () => {
    const jobs = folded.roots.find((r) => r.name === 'jobs')!;
    expect(withToggled(folded.roots, new Set())).toBe(folded.roots);
    const opened = withToggled(folded.roots, new Set([jobs.key]));
    const openJobs = opened.find((r) => r.name === 'jobs')!;
    expect(openJobs.collapsed).toBe(false);
    expect(openJobs.children).toBe(jobs.children);
    for (const root of opened) if (root !== openJobs) expect(folded.roots).toContain(root);
    expect(layoutForest([openJobs]).nodes).toHaveLength(501);
    // Folding a nested node copies the path down to it only.
    const pool = mixed.roots[0]!.children.find((c) => c.childId === "'pool'")!;
    const closed = withToggled(mixed.roots, new Set([pool.key]));
    expect(closed[0]!.children.find((c) => c.key === pool.key)!.collapsed).toBe(true);
    expect(closed[0]!.children[0]).toBe(mixed.roots[0]!.children[0]);
    expect(closed[1]).toBe(mixed.roots[1]);
  });

  it('stacks several trees one below the other, centred, with their cross links', () => {
    expect(mixed.roots.length).toBeGreaterThan(1);
    for (const orientation of ORIENTATIONS) {
      const side = layoutForest(mixed.roots, orientation);
      const stacked = layoutForest(mixed.roots, orientation, TREE_METRICS, true);
      expect(overlapping(stacked)).toEqual([]);
      expect(stacked.nodes).toHaveLength(side.nodes.length);
      expect(stacked.crossLinks.map((c) => c.key)).toEqual(side.crossLinks.map((c) => c.key));
      const roots = stacked.nodes.filter((n) => n.parentKey === null);
      const along = (n: PlacedNode) => (orientation === 'down' ? n.y : n.x);
      // The second tree starts after every node of the first.
      const second = roots[1]!;
      const treeOf = (n: PlacedNode) => {
        let k = n;
        while (k.parentKey !== null) k = stacked.byKey.get(k.parentKey)!;
        return k;
      };
      const firstTree = stacked.nodes.filter((n) => treeOf(n) === roots[0]);
      expect(firstTree.length).toBeGreaterThan(1);
      for (const n of firstTree) expect(along(n)).toBeLessThan(along(second));
      expect(orientation === 'down' ? stacked.width : stacked.height).toBeLessThan(
        orientation === 'down' ? side.width : side.height,
      );
    }
  });

  it('uses smaller boxes when compact', () => {
    const layout = layoutForest(three.roots, 'down', COMPACT_TREE_METRICS);
    expect(layout.nodes[0]!.width).toBe(COMPACT_TREE_METRICS.nodeWidth);
    expect(layout.width).toBeLessThan(layoutForest(three.roots, 'down').width);
  });
});

describe('node texts', () => {
  it('marks a restarted child with its restart count and the pid it replaced', () => {
    const sup = three.roots.find((r) => r.name === 'app_sup')!;
    const cache = sup.children.find((c) => c.childId === "'cache'")!;
    expect(cache.previousPid).not.toBeNull();
    const texts = nodeTexts(cache);
    expect(texts.title).toBe('cache');
    expect(texts.detail).toBe(`↻1 was #PID<0.${cache.previousPid}.0>`);
    expect(texts.detailTone).toBe('restart');
    expect(texts.description).toContain('restarted 1 time');
  });

  it('names a registered child by its name, and shows exited and not-started children', () => {
    const sup = three.roots.find((r) => r.name === 'app_sup')!;
    expect(nodeTexts(sup.children[0]!).title).toBe('counter');
    expect(nodeTexts(sup).detail).toBe('one_for_one · ↻1');
    const pool = allNodes(mixed.roots).find((n) => n.childId === "'pool'")!;
    const [connA, connB, optional] = pool.children;
    expect(nodeTexts(connA!).detail).not.toMatch(/exited/);
    expect(nodeTexts(connB!)).toMatchObject({ detail: "exited: 'boom'", detailTone: 'error' });
    expect(nodeTexts(optional!)).toMatchObject({ pid: 'no pid', detail: 'not started' });
  });
});

describe('zoom and pan', () => {
  const viewport = { width: 800, height: 500 };

  it('fits the whole drawing in the viewport, centred, never above 100%', () => {
    const wide = fitTransform(4000, 300, viewport, 16);
    expect(4000 * wide.k).toBeLessThanOrEqual(viewport.width - 32 + 1e-9);
    expect(wide.x + (4000 * wide.k) / 2).toBeCloseTo(400);
    expect(fitTransform(100, 50, viewport).k).toBe(1);
  });

  it('zooms around the pointer, keeping the point under it still', () => {
    const t = { x: 30, y: -20, k: 0.8 };
    const at = { x: 250, y: 140 };
    const before = { x: (at.x - t.x) / t.k, y: (at.y - t.y) / t.k };
    const z = zoomAt(t, 1.5, at);
    expect(z.k).toBeCloseTo(1.2);
    expect((at.x - z.x) / z.k).toBeCloseTo(before.x);
    expect((at.y - z.y) / z.k).toBeCloseTo(before.y);
    expect(zoomAt(t, 1e6, at).k).toBeLessThanOrEqual(2.5);
  });

  it('pans just enough to bring a node into view', () => {
    const node = { x: 2000, y: 100, width: 176, height: 62 };
    const t = panToShow({ x: 0, y: 0, k: 1 }, node, viewport);
    const rect = visibleRect(t, viewport);
    expect(node.x).toBeGreaterThanOrEqual(rect.x);
    expect(node.x + node.width).toBeLessThanOrEqual(rect.x + rect.width);
    expect(t.y).toBe(0);
    expect(panToShow(t, node, viewport)).toBe(t);
  });
});
