import { describe, expect, it } from 'vitest';
import { instrumentAwaits } from '../index';

const compact = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('instrumentAwaits', () => {
  it('wraps each await of an async function and adds the prologue', () => {
    const out = instrumentAwaits('async function f(x) { const y = await x; return y; }');
    expect(compact(out)).toBe(
      'async function f(x) {const __abP = __ab.proc(); const y = __ab.resume(__abP, await __ab.await(__abP, x)); return y; }',
    );
  });

  it('handles expression-bodied and parenthesised async arrows', () => {
    const out = instrumentAwaits('const f = async () => (await g());');
    expect(compact(out)).toBe(
      'const f = async () =>{const __abP = __ab.proc();return ( (__ab.resume(__abP, await __ab.await(__abP, g()))));};',
    );
  });

  it('adds a top-level prologue only when the top level awaits', () => {
    expect(instrumentAwaits('const a = 1;')).toBe('const a = 1;');
    expect(instrumentAwaits('await x;')).toMatch(/^const __abP = __ab\.proc\(\);\n/);
  });

  it('wraps for-await iterables and restores the process at the top of the body', () => {
    const out = instrumentAwaits('for await (const x of xs) use(x);');
    expect(compact(out)).toContain(
      'for await (const x of __ab.iter(__abP, xs)) {__ab.resume(__abP);use(x);}',
    );
  });

  it('keeps nested awaits balanced and leaves sync functions alone', () => {
    const out = instrumentAwaits(
      'async function f() { return await (await a)(b); } function g() { return 1; }',
    );
    expect(() => new Function(`return async function(__ab){ ${out} }`)).not.toThrow();
    expect(out).toContain('function g() { return 1; }');
  });

  it('guards a loop whose body is a lone await without braces', () => {
    for (const loop of [
      'while (true) await receive();',
      'for (;;) await receive();',
      'do await receive(); while (true);',
    ]) {
      const out = instrumentAwaits(loop, { loopGuard: true });
      expect(() => new Function(`return async function(__ab){ ${out} }`)).not.toThrow();
      expect(compact(out)).toContain('{__ab.guard();__ab.resume(');
    }
  });
});
