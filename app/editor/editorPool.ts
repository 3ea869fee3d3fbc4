/**
 * Which cells keep a live editor. Monaco editors are costly (DOM, listeners, a model in the type
 * checker), so a chapter keeps at most `capacity` of them: a cell asks for one when it comes near
 * the viewport or gets focus, and admitting it over capacity releases the least useful others
 * first: cells far from the viewport before near ones, then the least recently used; the focused
 * editor is never released. A released cell shows its static code again; its text lives in the
 * store, not in the editor, so nothing is lost.
 */

interface Entry {
  near: boolean;
  focused: boolean;
  used: number;
  readonly release: () => void;
}

export class LiveEditorPool {
  private readonly entries = new Map<string, Entry>();
  private clock = 0;

  constructor(readonly capacity: number) {}

  /** The cells that have a live editor now. */
  liveIds(): string[] {
    return [...this.entries.keys()];
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Gives `id` a live editor slot, releasing others if the pool is over capacity. */
  admit(id: string, release: () => void, options: { near: boolean; focused: boolean }): void {
    const existing = this.entries.get(id);
    if (existing) {
      existing.near ||= options.near;
      existing.focused ||= options.focused;
      existing.used = ++this.clock;
      return;
    }
    this.entries.set(id, { ...options, used: ++this.clock, release });
    this.shrink(id);
  }

  /** Marks a cell as near the viewport or far from it; far cells are released first. */
  setNear(id: string, near: boolean): void {
    const entry = this.entries.get(id);
    if (entry) entry.near = near;
  }

  /** Marks a cell's editor as focused (never released) or not; focusing counts as a use. */
  setFocused(id: string, focused: boolean): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.focused = focused;
    if (focused) entry.used = ++this.clock;
  }

  /** Forgets a cell (its editor was disposed by its owner). */
  remove(id: string): void {
    this.entries.delete(id);
  }

  private shrink(keep: string): void {
    if (this.entries.size <= this.capacity) return;
    const candidates = [...this.entries]
      .filter(([id, entry]) => id !== keep && !entry.focused)
      .sort(([, a], [, b]) => Number(a.near) - Number(b.near) || a.used - b.used);
    for (const [id, entry] of candidates) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(id);
      entry.release();
    }
  }
}
