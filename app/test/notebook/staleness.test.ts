import { describe, expect, it } from 'vitest';
import type { CellNames } from '../../notebook/staleness';
import { staleAfter } from '../../notebook/staleness';

const cell = (id: string, declared: string[], mentioned: string[]): CellNames => ({
  id,
  declared,
  mentioned: new Set(mentioned),
});

describe('staleAfter', () => {
  const cells = [
    cell('a', ['counter'], []),
    cell('b', ['double'], ['counter']),
    cell('c', ['unrelated'], []),
    cell('d', [], ['double']),
    cell('e', ['counter'], []),
    cell('f', [], ['counter']),
  ];

  it('marks only the later cells that use what the changed cell declares, transitively', () => {
    expect(staleAfter(cells, 'a')).toEqual(['b', 'd']);
  });

  it('stops at a later cell that declares the same name again', () => {
    expect(staleAfter(cells, 'a')).not.toContain('f');
    expect(staleAfter(cells, 'e')).toEqual(['f']);
  });

  it('marks nothing for a cell nobody depends on, or an unknown cell', () => {
    expect(staleAfter(cells, 'c')).toEqual([]);
    expect(staleAfter(cells, 'zz')).toEqual([]);
  });
});
