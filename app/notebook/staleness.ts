/**
 * Which cells a change makes stale. A cell is stale when it mentions a name that a changed cell
 * declares, directly or through another stale cell; a later cell that declares the name again
 * hides the change from the cells after it. Cells that do not depend on the change stay fresh.
 */

/** What the staleness rule needs to know about one cell (from its last compilation). */
export interface CellNames {
  readonly id: string;
  readonly declared: Iterable<string>;
  readonly mentioned: ReadonlySet<string>;
}

/** Ids of the cells after `changedId` that depend on it, in notebook order. */
export function staleAfter(cells: readonly CellNames[], changedId: string): string[] {
  const start = cells.findIndex((cell) => cell.id === changedId);
  if (start < 0) return [];
  const changed = new Set(cells[start]!.declared);
  const stale: string[] = [];
  for (const cell of cells.slice(start + 1)) {
    const depends = [...cell.mentioned].some((name) => changed.has(name));
    if (depends) {
      stale.push(cell.id);
      for (const name of cell.declared) changed.add(name);
    } else {
      for (const name of cell.declared) changed.delete(name);
    }
  }
  return stale;
}
