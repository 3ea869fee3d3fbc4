import { describe, expect, it } from 'vitest';
import { staleAfter } from '../../notebook/staleness';
import { cellNames } from '../../notebook/cellNames';

const declared = (source: string) => [...cellNames('c', source).declared].sort();
const mentioned = (source: string) => [...cellNames('c', source).mentioned].sort();

describe('cellNames', () => {
  it('finds top-level const, let, var, function, class and enum declarations', () => {
    expect(
      declared(
        [
          'const a = 1;',
          'let b: number = 2, c = [1, 2];',
          'var d',
          'function f(x: number) { const inner = x; return inner }',
          'async function* g() {}',
          'class Counter { count = 0 }',
          'enum Color { Red }',
        ].join('\n'),
      ),
    ).toEqual(['Color', 'Counter', 'a', 'b', 'c', 'd', 'f', 'g']);
  });

  it('reads names bound by destructuring, not keys or defaults', () => {
    expect(declared('const { pid, state: s, nested: { deep }, ...rest } = x;')).toEqual([
      'deep',
      'pid',
      'rest',
      's',
    ]);
    expect(declared('const [first, , third = fallback] = list')).toEqual(['first', 'third']);
  });

  it('ignores declarations inside blocks and loops', () => {
    expect(
      declared('for (const item of items) { const seen = item }\nif (x) { let y = 1 }'),
    ).toEqual([]);
  });

  it('continues a declaration over a line that ends in an operator or starts a method chain', () => {
    expect(
      declared('const total =\n  1 + 2\nconst doubled = [1]\n  .map((n) => n * 2)\nlater()'),
    ).toEqual(['doubled', 'total']);
  });

  it('mentions names but not property names, strings, comments or regular expressions', () => {
    expect(
      mentioned(
        [
          "IO.puts('counter in a string')",
          '// counter in a comment',
          '/* pid */ const r = /counter/g.test(name)',
          'const t = `text ${value.length} more`',
          'obj?.field',
        ].join('\n'),
      ),
    ).toEqual(['IO', 'name', 'obj', 'r', 't', 'value']);
  });

  it('tells division from a regular expression', () => {
    expect(mentioned('const half = total / count / 2')).toEqual(['count', 'half', 'total']);
  });

  it('feeds the staleness rule: a later cell that uses a changed name goes stale', () => {
    const cells = [
      cellNames('a', 'const counter = spawn(loop)'),
      cellNames('b', "send(counter, 'inc')"),
      cellNames('c', 'IO.puts("unrelated")'),
      cellNames('d', 'const n = counter'),
    ];
    expect(staleAfter(cells, 'a')).toEqual(['b', 'd']);
  });
});
