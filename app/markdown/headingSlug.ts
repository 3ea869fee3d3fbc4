/**
 * Stable ids for chapter headings, so `/chapters/<slug>#<heading-id>` deep links keep working:
 * the id is the heading's text in lower case with dashes, and a repeated heading gets `-2`,
 * `-3`, ... in the order the headings appear in the chapter. Pure, shared by the chapter splitter
 * (which numbers the headings of the whole chapter) and the Markdown renderer.
 */
import type { Token, Tokens } from 'marked';

/** `Links and trapping exits` -> `links-and-trapping-exits`; never empty. */
export function slugifyHeading(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/[\s-]+/g, '-');
  return slug === '' ? 'section' : slug;
}

/** Hands out unique ids in order: the same text twice gives `x` then `x-2`. */
export function createHeadingSlugger(): (text: string) => string {
  const used = new Set<string>();
  return (text) => {
    const base = slugifyHeading(text);
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return id;
  };
}

/** The text a reader sees in a heading token, without Markdown marks or link targets. */
export function headingText(token: Tokens.Heading): string {
  return plainText(token.tokens);
}

function plainText(tokens: readonly Token[] | undefined): string {
  if (!tokens) return '';
  return tokens
    .map((token) => {
      if ('tokens' in token && token.tokens) return plainText(token.tokens);
      return 'text' in token ? token.text : '';
    })
    .join('');
}

/** The headings among tokens, nested ones included, in document order (as the renderer meets them). */
export function headingsIn(tokens: readonly Token[]): Tokens.Heading[] {
  const found: Tokens.Heading[] = [];
  const visit = (token: Token) => {
    if (token.type === 'heading') found.push(token as Tokens.Heading);
    if ('items' in token && Array.isArray(token.items)) {
      for (const item of token.items as Token[]) visit(item);
    }
    if ('tokens' in token && token.tokens && token.type !== 'heading') {
      for (const child of token.tokens) visit(child);
    }
  };
  for (const token of tokens) visit(token);
  return found;
}
