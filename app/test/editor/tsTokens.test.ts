import { describe, expect, it } from 'vitest';
import { tokenize, topLevelDeclarations } from '../../editor/tsTokens';

const names = (source: string) => topLevelDeclarations(source).map((d) => `${d.kind} ${d.name}`);

describe('tokenize', () => {
  it('gives back the source when the token texts are joined, even for unfinished code', () => {
    for (const source of [
      "const s = `a ${b + '}'} c`; // note\nlet r = /x[/]y/g.test(s) / 2;",
      "const broken = 'no end\nconst next = `open ${",
      '/* never closed',
    ]) {
      expect(
        tokenize(source)
          .map((t) => t.text)
          .join(''),
      ).toBe(source);
    }
  });

  it('tells keywords, strings, numbers, comments and regular expressions apart', () => {
    const kinds = tokenize("const n = 42; // hi\nconst r = /a+/g; 'x'")
      .filter((t) => t.kind !== 'whitespace')
      .map((t) => `${t.kind}:${t.text}`);
    expect(kinds).toEqual([
      'keyword:const',
      'identifier:n',
      'punctuation:=',
      'number:42',
      'punctuation:;',
      'comment:// hi',
      'keyword:const',
      'identifier:r',
      'punctuation:=',
      'regex:/a+/g',
      'punctuation:;',
      "string:'x'",
    ]);
  });

  it('reads a slash after a value as division', () => {
    expect(tokenize('a / b / c').some((t) => t.kind === 'regex')).toBe(false);
  });
});

describe('topLevelDeclarations', () => {
  it('finds const, let, var, function, class, type, interface and enum at the top level', () => {
    const source = [
      'const a = 1, b = [1, 2];',
      'let c',
      'var d = { e: 1 }',
      'async function f() { const inner = 1; }',
      'function* g() {}',
      'class H {}',
      'type I = string;',
      'interface J { k: number }',
      'enum K { L }',
    ].join('\n');
    expect(names(source)).toEqual([
      'const a',
      'const b',
      'let c',
      'var d',
      'function f',
      'function g',
      'class H',
      'type I',
      'type J',
      'enum K',
    ]);
  });

  it('reads names out of destructuring patterns', () => {
    expect(
      names('const [from, , n] = await receive();\nconst { a, b: renamed, c = 1, ...rest } = x;'),
    ).toEqual(['const from', 'const n', 'const a', 'const renamed', 'const c', 'const rest']);
  });

  it('skips names inside blocks, callbacks and initializers', () => {
    const source = [
      'const pid = spawn(async () => {',
      '  const [from, name] = await receive();',
      '  let inner = 2;',
      '});',
      'if (ok) { const hidden = 1; }',
      'for (let i = 0; i < 3; i++) {}',
    ].join('\n');
    expect(names(source)).toEqual(['const pid']);
  });

  it('does not take a generic type argument list for a second declarator', () => {
    expect(names('const m: Map<string, number> = new Map();\nconst after = 1;')).toEqual([
      'const m',
      'const after',
    ]);
  });

  it('ends a declaration at a line break unless the next line continues it', () => {
    expect(names('const a = foo\n  .bar()\nconst b = 1\nb')).toEqual(['const a', 'const b']);
  });
});
