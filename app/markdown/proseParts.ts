/**
 * Cuts a piece of chapter prose around its ```mermaid blocks, which the page draws as diagrams
 * instead of showing as code. Pure: the React side renders the parts.
 */
import type { Tokens } from 'marked';
import { Lexer } from 'marked';
import { headingsIn } from './headingSlug';

export type ProsePart =
  | { readonly kind: 'markdown'; readonly markdown: string; readonly headingIds: readonly string[] }
  | { readonly kind: 'mermaid'; readonly source: string };

/**
 * Markdown between diagrams stays Markdown; each part gets its share of `headingIds` (in order)
 * and a copy of the link reference definitions, so `[text][ref]` links resolve in every part.
 */
export function splitProse(markdown: string, headingIds: readonly string[] = []): ProsePart[] {
  const tokens = new Lexer({ gfm: true }).lex(markdown);
  if (!tokens.some(isMermaid)) return [{ kind: 'markdown', markdown, headingIds }];

  const definitions = tokens
    .filter((token) => token.type === 'def')
    .map((token) => token.raw.trim())
    .join('\n');
  const parts: ProsePart[] = [];
  let text = '';
  let ids: string[] = [];
  let nextId = 0;
  const flush = () => {
    const trimmed = text.trim();
    if (trimmed !== '') {
      const withDefinitions = definitions ? `${trimmed}\n\n${definitions}\n` : trimmed;
      parts.push({ kind: 'markdown', markdown: withDefinitions, headingIds: ids });
    }
    text = '';
    ids = [];
  };
  for (const token of tokens) {
    if (token.type === 'def') continue;
    if (isMermaid(token)) {
      flush();
      parts.push({ kind: 'mermaid', source: (token as Tokens.Code).text });
      continue;
    }
    text += token.raw;
    for (let n = headingsIn([token]).length; n > 0; n--) {
      const id = headingIds[nextId++];
      if (id !== undefined) ids.push(id);
    }
  }
  flush();
  return parts;
}

function isMermaid(token: { type: string; lang?: string }): boolean {
  return token.type === 'code' && (token.lang ?? '').trim().split(/\s+/)[0] === 'mermaid';
}
