import { describe, expect, it } from 'vitest';
import { _, GenServer, copyMessage, inspect } from '../index';
import { virtualRuntime } from './helpers';

describe('inspect', () => {
  it('prints pids and refs in BEAM notation inside TypeScript literals', async () => {
    const { rt } = virtualRuntime();
    const printed = await rt.run(async () => {
      const { self, makeRef } = await import('../index');
      return inspect(['ok', self(), makeRef()]);
    });
    expect(printed).toMatch(/^\['ok', #PID<0\.\d+\.0>, #Reference<0\.0\.0\.\d+>\]$/);
  });

  it('prints strings quoted, objects with keys, maps and sets with sizes', () => {
    expect(inspect('hi')).toBe("'hi'");
    expect(inspect({ count: 1, 'odd key': [true, null] })).toBe(
      "{ count: 1, 'odd key': [true, null] }",
    );
    expect(inspect(new Map([['a', 1]]))).toBe("Map(1) { 'a' => 1 }");
    expect(inspect(new Set([1, 2]))).toBe('Set(2) { 1, 2 }');
    expect(inspect(new Error('boom'))).toBe("Error('boom')");
    expect(inspect(_)).toBe('_');
  });

  it('bounds long and cyclic values instead of flooding', () => {
    const long = Array.from({ length: 250 }, (_v, i) => i);
    expect(inspect(long)).toContain('... 150 more');
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(inspect(cyclic)).toBe("{ name: 'loop', self: [Circular] }");
  });
});

describe('modules', () => {
  const Stack = GenServer.define({ name: 'Stack', init: (items: unknown[]) => ['ok', items] });

  it('travel by identity, like functions, so an id still names its module after a reply', () => {
    const [id, spec] = copyMessage([Stack, { id: Stack, n: 1 }]);
    expect(id).toBe(Stack);
    expect(spec.id).toBe(Stack);
  });

  it('print as their name, or their behaviour when unnamed', () => {
    expect(inspect([Stack, 'worker'])).toBe("[Stack, 'worker']");
    expect(inspect(GenServer.define({ init: () => ['ok', 0] }))).toBe('#Module<gen_server>');
  });
});

describe('copyMessage', () => {
  it('copies arrays, plain objects, maps, sets and dates deeply', () => {
    const date = new Date(0);
    const original = {
      list: [1, { n: 2 }],
      map: new Map([['k', { v: 1 }]]),
      set: new Set([[1]]),
      date,
    };
    const copy = copyMessage(original);
    expect(copy).toEqual(original);
    expect(copy.list).not.toBe(original.list);
    expect(copy.list[1]).not.toBe(original.list[1]);
    expect(copy.map.get('k')).not.toBe(original.map.get('k'));
    expect(copy.date).not.toBe(date);
  });

  it('passes functions and primitives through unchanged', () => {
    const fn = () => 1;
    expect(copyMessage(fn)).toBe(fn);
    expect(copyMessage('text')).toBe('text');
  });

  it('does not keep sharing: a subterm referenced twice is copied twice', () => {
    const shared = { big: [1, 2, 3] };
    const copy = copyMessage([shared, shared]);
    expect(copy[0]).not.toBe(copy[1]);
  });

  it('refuses a cyclic message with a clear error', () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(() => copyMessage(cyclic)).toThrow(/nested too deeply/);
  });
});
