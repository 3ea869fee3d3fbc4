import { describe, expect, it } from 'vitest';
import { _, matches } from '../index';

describe('receive patterns', () => {
  it('match literals by ===, arrays by position and length, objects by the keys given', () => {
    expect(matches('ping', 'ping')).toBe(true);
    expect(matches(['ok', _], ['ok', 1])).toBe(true);
    expect(matches(['ok', _], ['ok', 1, 2])).toBe(false);
    expect(matches({ type: 'add' }, { type: 'add', n: 1 })).toBe(true);
    expect(matches({ type: 'add', n: _ }, { type: 'add' })).toBe(false);
    expect(matches({ type: 'add' }, ['add'])).toBe(false);
  });

  it('treat a function in any position as a guard on the value there', () => {
    expect(matches(['v', (n: number) => n > 5], ['v', 6])).toBe(true);
    expect(matches(['v', (n: number) => n > 5], ['v', 5])).toBe(false);
    expect(matches((m: unknown) => Array.isArray(m), [1])).toBe(true);
  });

  it('match NaN literally and dates by value', () => {
    expect(matches(NaN, NaN)).toBe(true);
    expect(matches(new Date(5), new Date(5))).toBe(true);
  });
});
