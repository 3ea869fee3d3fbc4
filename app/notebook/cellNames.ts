/**
 * The names a cell declares at its top level and the names it mentions, read from its TypeScript
 * source on the page, for the staleness rule (staleness.ts).
 *
 * Why a small scanner here instead of the compiler's own names: the compiler runs in the worker
 * (esbuild-wasm, then acorn), and the page needs the names before and between runs, for every
 * cell, without a round trip. A token scan is enough: it skips comments, strings, template text
 * and regular expressions, treats `a.b` as a mention of `a` only, and finds `const`/`let`/`var`
 * (with destructuring), `function`, `class` and `enum` at brace depth zero. Like the compiler's
 * own `mentioned`, it over-approximates (a shadowed local counts as a mention), which at worst
 * marks a cell stale that did not need to be.
 */
import type { CellNames } from './staleness';

type Token =
  | { readonly kind: 'name'; readonly text: string; readonly afterDot: boolean }
  | { readonly kind: 'punct'; readonly text: string }
  | { readonly kind: 'literal' }
  | { readonly kind: 'newline' };

const KEYWORDS = new Set(
  (
    'await break case catch class const continue debugger default delete do else enum export ' +
    'extends false finally for function if import in instanceof let new null of return super ' +
    'switch this throw true try typeof var void while with yield async as type interface ' +
    'readonly declare keyof infer is satisfies undefined'
  ).split(' '),
);

/** After these tokens a `/` starts a regular expression rather than a division. */
const VALUE_END = /^[)\]}]$/;

/** Splits TypeScript into the tokens the name rules need. */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  /** For each open `${` of a template: the brace depth inside it when it opened. */
  const templates: number[] = [];
  let braces = 0;
  let i = 0;
  const n = source.length;

  const previous = (): Token | undefined => {
    for (let k = tokens.length - 1; k >= 0; k -= 1) {
      if (tokens[k]!.kind !== 'newline') return tokens[k];
    }
    return undefined;
  };

  /** Reads template text from `i` (just after a backtick or a closing `}`) to its end or `${`. */
  const templateText = () => {
    while (i < n) {
      const c = source[i]!;
      if (c === '\\') i += 2;
      else if (c === '`') {
        i += 1;
        tokens.push({ kind: 'literal' });
        return;
      } else if (c === '$' && source[i + 1] === '{') {
        i += 2;
        templates.push(braces);
        return;
      } else i += 1;
    }
  };

  while (i < n) {
    const c = source[i]!;
    if (c === '\n') {
      tokens.push({ kind: 'newline' });
      i += 1;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i += 1;
    } else if (c === '/' && source[i + 1] === '/') {
      while (i < n && source[i] !== '\n') i += 1;
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === '"' || c === "'") {
      i += 1;
      while (i < n && source[i] !== c && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1;
      i += 1;
      tokens.push({ kind: 'literal' });
    } else if (c === '`') {
      i += 1;
      templateText();
    } else if (/[A-Za-z_$]/.test(c)) {
      const start = i;
      while (i < n && /[\w$]/.test(source[i]!)) i += 1;
      const before = previous();
      tokens.push({
        kind: 'name',
        text: source.slice(start, i),
        afterDot: before?.kind === 'punct' && (before.text === '.' || before.text === '?.'),
      });
    } else if (/[0-9]/.test(c)) {
      while (i < n && /[\w.]/.test(source[i]!)) i += 1;
      tokens.push({ kind: 'literal' });
    } else if (c === '/' && startsRegex(previous())) {
      i += 1;
      let inClass = false;
      while (i < n && source[i] !== '\n') {
        const r = source[i]!;
        if (r === '\\') i += 1;
        else if (r === '[') inClass = true;
        else if (r === ']') inClass = false;
        else if (r === '/' && !inClass) break;
        i += 1;
      }
      i += 1;
      while (i < n && /\w/.test(source[i]!)) i += 1;
      tokens.push({ kind: 'literal' });
    } else if (c === '.' && source.startsWith('...', i)) {
      tokens.push({ kind: 'punct', text: '...' });
      i += 3;
    } else if (c === '?' && source[i + 1] === '.' && !/[0-9]/.test(source[i + 2] ?? '')) {
      tokens.push({ kind: 'punct', text: '?.' });
      i += 2;
    } else if (c === '=' && source[i + 1] === '>') {
      tokens.push({ kind: 'punct', text: '=>' });
      i += 2;
    } else if (c === '}' && templates.length > 0 && templates.at(-1) === braces) {
      templates.pop();
      i += 1;
      templateText();
    } else {
      if (c === '{') braces += 1;
      if (c === '}') braces -= 1;
      tokens.push({ kind: 'punct', text: c });
      i += 1;
    }
  }
  return tokens;
}

function startsRegex(before: Token | undefined): boolean {
  if (!before) return true;
  if (before.kind === 'literal') return false;
  if (before.kind === 'name') return KEYWORDS.has(before.text) && before.text !== 'this';
  if (before.kind === 'punct') return !VALUE_END.test(before.text);
  return true;
}

/** The names `source` declares at its top level and the names it mentions. */
export function cellNames(id: string, source: string): CellNames {
  const tokens = tokenize(source);
  const declared = new Set<string>();
  const mentioned = new Set<string>();
  for (const token of tokens) {
    if (token.kind === 'name' && !token.afterDot && !KEYWORDS.has(token.text)) {
      mentioned.add(token.text);
    }
  }

  let depth = 0;
  let i = 0;
  const at = (k: number) => tokens[k];
  const isPunct = (token: Token | undefined, text: string) =>
    token?.kind === 'punct' && token.text === text;
  const nextSignificant = (k: number) => {
    let j = k;
    while (tokens[j]?.kind === 'newline') j += 1;
    return j;
  };

  /** Reads one binding (a name or a pattern) starting at `k`; returns the index after it. */
  const readBinding = (k: number): number => {
    const first = at(k);
    if (first?.kind === 'name') {
      declared.add(first.text);
      return k + 1;
    }
    if (!isPunct(first, '{') && !isPunct(first, '[')) return k;
    let nested = 0;
    let j = k;
    for (; j < tokens.length; j += 1) {
      const token = tokens[j]!;
      if (token.kind === 'punct' && '{[('.includes(token.text)) nested += 1;
      else if (token.kind === 'punct' && '}])'.includes(token.text)) {
        nested -= 1;
        if (nested === 0) return j + 1;
      } else if (token.kind === 'name' && !KEYWORDS.has(token.text)) {
        const before = at(j - 1);
        const after = at(nextSignificant(j + 1));
        const isKey = isPunct(after, ':');
        const isBinding =
          isPunct(before, '...') ||
          (!isKey &&
            (isPunct(after, ',') ||
              isPunct(after, '}') ||
              isPunct(after, ']') ||
              isPunct(after, '=')));
        // In `{ a = 1 }` and `[a = 1]` the default's names are mentions, not bindings: only the
        // name right after `{`, `[`, `,`, `:` or `...` binds.
        const bindsHere =
          isPunct(before, '{') ||
          isPunct(before, '[') ||
          isPunct(before, ',') ||
          isPunct(before, ':') ||
          isPunct(before, '...') ||
          before?.kind === 'newline';
        if (isBinding && bindsHere) declared.add(token.text);
      }
    }
    return j;
  };

  /** Skips an initializer to the `,` that starts the next declarator, or the statement's end. */
  const skipInitializer = (k: number): { index: number; more: boolean } => {
    let nested = 0;
    let j = k;
    for (; j < tokens.length; j += 1) {
      const token = tokens[j]!;
      if (token.kind === 'punct' && '{[('.includes(token.text)) nested += 1;
      else if (token.kind === 'punct' && '}])'.includes(token.text)) nested -= 1;
      else if (nested === 0 && isPunct(token, ',')) return { index: j + 1, more: true };
      else if (nested === 0 && isPunct(token, ';')) return { index: j + 1, more: false };
      else if (nested === 0 && token.kind === 'newline') {
        const before = at(j - 1);
        const continues =
          before?.kind === 'punct' && !VALUE_END.test(before.text) && before.text !== ';';
        const after = at(nextSignificant(j));
        const leads = after?.kind === 'punct' && /^[.?=+\-*/%&|^<>,:]/.test(after.text);
        if (!continues && !leads) return { index: j + 1, more: false };
      }
    }
    return { index: j, more: false };
  };

  while (i < tokens.length) {
    const token = tokens[i]!;
    if (token.kind === 'punct') {
      if ('{[('.includes(token.text)) depth += 1;
      else if ('}])'.includes(token.text)) depth -= 1;
      i += 1;
      continue;
    }
    if (depth !== 0 || token.kind !== 'name' || token.afterDot) {
      i += 1;
      continue;
    }
    const word = token.text;
    if (word === 'const' || word === 'let' || word === 'var') {
      let k = nextSignificant(i + 1);
      if (
        word === 'const' &&
        at(k)?.kind === 'name' &&
        (at(k) as { text: string }).text === 'enum'
      ) {
        i = k;
        continue;
      }
      for (;;) {
        k = readBinding(nextSignificant(k));
        const { index, more } = skipInitializer(k);
        k = index;
        if (!more) break;
      }
      i = k;
      continue;
    }
    if (word === 'function' || word === 'class' || word === 'enum') {
      let k = nextSignificant(i + 1);
      if (isPunct(at(k), '*')) k = nextSignificant(k + 1);
      const name = at(k);
      if (name?.kind === 'name' && !KEYWORDS.has(name.text)) declared.add(name.text);
      i = k + 1;
      continue;
    }
    i += 1;
  }
  return { id, declared, mentioned };
}
