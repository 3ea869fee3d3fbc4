/**
 * A small TypeScript tokenizer for two jobs that must not wait for Monaco: colouring the static
 * code block a cell shows before its editor mounts, and finding the top-level names a cell
 * declares (for the type checker's view of the bindings cells share). It is forgiving: any input
 * gives tokens whose texts concatenate back to the input, so half-typed code never breaks a page.
 */

export type TokenKind =
  | 'keyword'
  | 'identifier'
  | 'string'
  | 'number'
  | 'comment'
  | 'regex'
  | 'punctuation'
  | 'whitespace';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Nesting of (), [] and {} before the token. */
  readonly depth: number;
  /** True when a line break separates the token from the previous non-blank, non-comment one. */
  readonly newlineBefore: boolean;
}

const KEYWORDS = new Set(
  (
    'abstract as async await break case catch class const continue debugger declare default ' +
    'delete do else enum export extends false finally for from function get if implements import ' +
    'in instanceof interface keyof let new null of private protected public readonly return ' +
    'satisfies set static super switch this throw true try type typeof undefined var void while ' +
    'with yield any asserts bigint boolean constructor global infer is module namespace never ' +
    'number object override string symbol unique unknown'
  ).split(' '),
);

/** Words that can never name a binding; every other keyword above is contextual (`from`, `type`). */
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends ' +
    'false finally for function if import in instanceof new null return super switch this throw ' +
    'true try typeof var void while with let static yield await'
  ).split(' '),
);

/** True when a token can be the name of a binding. */
function isBindingName(token: Token | undefined): boolean {
  return (
    token !== undefined &&
    (token.kind === 'identifier' || (token.kind === 'keyword' && !RESERVED.has(token.text)))
  );
}

/** Keywords after which a `/` starts a regular expression rather than a division. */
const BEFORE_REGEX = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

const IDENT_START = /[A-Za-z_$\u00c0-\uffff]/;
const IDENT_PART = /[\w$\u00c0-\uffff]/;

/** Splits source text into tokens; concatenating their texts gives the source back. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let depth = 0;
  let lastSignificant: Token | null = null;
  let sawNewline = false;
  const push = (kind: TokenKind, end: number): void => {
    const text = source.slice(i, end);
    const token: Token = { kind, text, depth, newlineBefore: sawNewline };
    tokens.push(token);
    if (kind !== 'whitespace' && kind !== 'comment') {
      lastSignificant = token;
      sawNewline = false;
    } else if (text.includes('\n')) sawNewline = true;
    i = end;
  };
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (/\s/.test(c)) {
      let end = i + 1;
      while (end < source.length && /\s/.test(source[end]!)) end++;
      push('whitespace', end);
    } else if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      push('comment', end === -1 ? source.length : end);
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      push('comment', end === -1 ? source.length : end + 2);
    } else if (c === '"' || c === "'") {
      push('string', quotedEnd(source, i, c));
    } else if (c === '`') {
      push('string', templateEnd(source, i));
    } else if (/[0-9]/.test(c) || (c === '.' && next !== undefined && /[0-9]/.test(next))) {
      let end = i + 1;
      while (end < source.length && /[\w.]/.test(source[end]!)) end++;
      push('number', end);
    } else if (IDENT_START.test(c)) {
      let end = i + 1;
      while (end < source.length && IDENT_PART.test(source[end]!)) end++;
      const word = source.slice(i, end);
      push(KEYWORDS.has(word) ? 'keyword' : 'identifier', end);
    } else if (c === '/' && regexAllowed(lastSignificant)) {
      push('regex', regexEnd(source, i));
    } else {
      if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
      push('punctuation', i + 1);
      if (c === '(' || c === '[' || c === '{') depth++;
    }
  }
  return tokens;
}

function regexAllowed(previous: Token | null): boolean {
  if (previous === null) return true;
  if (previous.kind === 'punctuation') return !/[)\]}]/.test(previous.text);
  if (previous.kind === 'keyword') return BEFORE_REGEX.has(previous.text);
  return false;
}

function quotedEnd(source: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') i += 2;
    else if (c === quote || c === '\n') return i + 1;
    else i++;
  }
  return source.length;
}

/** The end of a template literal, skipping nested `${ ... }` (with their own strings). */
function templateEnd(source: string, start: number): number {
  let i = start + 1;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') i += 2;
    else if (c === '`') return i + 1;
    else if (c === '$' && source[i + 1] === '{') {
      let braces = 1;
      i += 2;
      while (i < source.length && braces > 0) {
        const d = source[i]!;
        if (d === '{') braces++;
        else if (d === '}') braces--;
        if (d === '"' || d === "'") i = quotedEnd(source, i, d);
        else if (d === '`') i = templateEnd(source, i);
        else i++;
      }
    } else i++;
  }
  return source.length;
}

function regexEnd(source: string, start: number): number {
  let i = start + 1;
  let inClass = false;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\n') return i;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) {
      i++;
      while (i < source.length && /[a-z]/i.test(source[i]!)) i++;
      return i;
    }
    i++;
  }
  return source.length;
}

/** How a cell declares a top-level name. */
export type DeclarationKind = 'const' | 'let' | 'var' | 'function' | 'class' | 'type' | 'enum';

/** A top-level name a cell declares. */
export interface TopLevelDeclaration {
  readonly name: string;
  readonly kind: DeclarationKind;
}

/**
 * The names a cell's top level declares: `const`/`let`/`var` (destructuring included),
 * `function`, `class`, `type`, `interface` and `enum`, in source order. Names inside blocks,
 * functions and initializers are not top-level and are skipped.
 */
export function topLevelDeclarations(source: string): TopLevelDeclaration[] {
  const tokens = tokenize(source).filter((t) => t.kind !== 'whitespace' && t.kind !== 'comment');
  const found: TopLevelDeclaration[] = [];
  const add = (name: string, kind: DeclarationKind): void => {
    if (!found.some((d) => d.name === name)) found.push({ name, kind });
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.depth !== 0 || token.kind !== 'keyword') continue;
    const previous = tokens[i - 1];
    const atStatementStart =
      previous === undefined ||
      (previous.depth === 0 && previous.kind === 'punctuation' && /[;}]/.test(previous.text)) ||
      token.newlineBefore;
    if (!atStatementStart) continue;
    const next = tokens[i + 1];
    const word = token.text === 'declare' || token.text === 'async' ? next?.text : token.text;
    const at = token.text === 'declare' || token.text === 'async' ? i + 1 : i;
    if (word === 'function' || word === 'class' || word === 'enum') {
      let j = at + 1;
      if (tokens[j]?.text === '*') j++;
      const name = tokens[j];
      if (isBindingName(name)) add(name!.text, word === 'enum' ? 'enum' : word);
    } else if (word === 'type' || word === 'interface') {
      const name = tokens[at + 1];
      if (isBindingName(name)) add(name!.text, 'type');
    } else if (word === 'const' || word === 'let' || word === 'var') {
      if (tokens[at + 1]?.text === 'enum') {
        const name = tokens[at + 2];
        if (isBindingName(name)) add(name!.text, 'enum');
        continue;
      }
      i = declarators(tokens, at + 1, word, add);
    }
  }
  return found;
}

/** Reads `a = 1, { b, c: d } = x, [e] = y` from `start`; returns the index of the last token used. */
function declarators(
  tokens: readonly Token[],
  start: number,
  kind: 'const' | 'let' | 'var',
  add: (name: string, kind: DeclarationKind) => void,
): number {
  let i = start;
  for (;;) {
    const first = tokens[i];
    if (first === undefined) return i;
    if (isBindingName(first)) {
      add(first.text, kind);
      i++;
    } else if (first.text === '{' || first.text === '[') {
      i = bindingPattern(tokens, i, kind, add);
    } else return i;
    // Skip a type annotation and the initializer, up to `,` or the end of the statement.
    let angles = 0;
    while (i < tokens.length) {
      const t = tokens[i]!;
      if (t.depth === 0 && t.text === '<') angles++;
      else if (t.depth === 0 && t.text === '>') angles = Math.max(0, angles - 1);
      else if (t.depth === 0 && t.text === ';') break;
      else if (t.depth === 0 && t.text === ',' && angles === 0) break;
      if (t.depth === 0 && t.newlineBefore && !continuesExpression(tokens, i)) return i - 1;
      i++;
    }
    if (tokens[i]?.text !== ',') return i;
    i++;
  }
}

/** Whether a token that starts a line continues the expression of the line before. */
function continuesExpression(tokens: readonly Token[], i: number): boolean {
  const t = tokens[i]!;
  const previous = tokens[i - 1];
  if (t.kind === 'punctuation' && /^[.?:+\-*/%&|^=<>,)\]}]$/.test(t.text)) return true;
  if (previous && previous.kind === 'punctuation' && /^[=(,[{+\-*/%&|^<>?:.]$/.test(previous.text))
    return true;
  return false;
}

/** Collects the names bound by an object or array pattern starting at `start`. */
function bindingPattern(
  tokens: readonly Token[],
  start: number,
  kind: DeclarationKind,
  add: (name: string, kind: DeclarationKind) => void,
): number {
  const depth = tokens[start]!.depth;
  let i = start + 1;
  let expectName = true;
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t.depth === depth && (t.text === '}' || t.text === ']')) return i + 1;
    if (t.depth === depth + 1) {
      if (t.text === ',') expectName = true;
      else if (t.text === '=') expectName = false;
      else if (t.text === ':') expectName = true;
      else if (expectName && isBindingName(t)) {
        const following = tokens[i + 1];
        if (following?.text !== ':') add(t.text, kind);
        expectName = false;
      } else if (expectName && (t.text === '{' || t.text === '[')) {
        i = bindingPattern(tokens, i, kind, add);
        expectName = false;
        continue;
      }
    }
    i++;
  }
  return i;
}
