import { describe, expect, it } from 'vitest';
import { cellContextFiles } from '../../editor/cellContext';

describe('cellContextFiles', () => {
  it('makes one module per cell that exports its top-level names', () => {
    const files = cellContextFiles(['const a = 1;\nfunction f() {}', 'a + 1']);
    expect(files.map((f) => f.path)).toEqual(['cell-0.ts', 'cell-1.ts', 'globals.d.ts']);
    expect(files[0]?.text).toBe('const a = 1;\nfunction f() {}\n;export { a, f };\n');
    expect(files[1]?.text).toBe('a + 1\n;export {  };\n');
  });

  it('declares each shared name as a global typed from the first cell that declares it', () => {
    const globals = cellContextFiles([
      'let count = 0;',
      'class Stack {}\ntype Msg = string;',
      'const count = 5;',
    ]).at(-1)!.text;
    expect(globals).toContain("let count: typeof import('./cell-0').count;");
    expect(globals).not.toContain("import('./cell-2')");
    expect(globals).toContain("const Stack: typeof import('./cell-1').Stack;");
    expect(globals).toContain("type Stack = import('./cell-1').Stack;");
    expect(globals).toContain("type Msg = import('./cell-1').Msg;");
    expect(globals.trimEnd().endsWith('export {};')).toBe(true);
  });
});
