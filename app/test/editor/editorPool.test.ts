import { describe, expect, it } from 'vitest';
import { LiveEditorPool } from '../../editor/editorPool';

function poolWith(capacity: number) {
  const pool = new LiveEditorPool(capacity);
  const released: string[] = [];
  const admit = (id: string, options = { near: true, focused: false }) =>
    pool.admit(id, () => released.push(id), options);
  return { pool, released, admit };
}

describe('LiveEditorPool', () => {
  it('keeps at most its capacity of live editors', () => {
    const { pool, released, admit } = poolWith(3);
    for (const id of ['a', 'b', 'c', 'd', 'e']) admit(id);
    expect(pool.liveIds()).toHaveLength(3);
    expect(released).toEqual(['a', 'b']);
  });

  it('releases editors far from the viewport before near ones', () => {
    const { pool, released, admit } = poolWith(2);
    admit('a');
    admit('b');
    pool.setNear('b', false);
    admit('c');
    expect(released).toEqual(['b']);
    expect(pool.liveIds().sort()).toEqual(['a', 'c']);
  });

  it('never releases the focused editor', () => {
    const { pool, released, admit } = poolWith(1);
    admit('a', { near: false, focused: true });
    admit('b');
    expect(released).toEqual([]);
    pool.setFocused('a', false);
    admit('c');
    expect(released).toEqual(['a', 'b']);
    expect(pool.liveIds()).toEqual(['c']);
  });

  it('counts a focus as a use, so the focused cell outlives older ones', () => {
    const { pool, released, admit } = poolWith(2);
    admit('a');
    admit('b');
    pool.setFocused('a', true);
    pool.setFocused('a', false);
    admit('c');
    expect(released).toEqual(['b']);
  });

  it('admits a cell that is already live without releasing anything', () => {
    const { released, admit } = poolWith(1);
    admit('a');
    admit('a');
    expect(released).toEqual([]);
  });
});
