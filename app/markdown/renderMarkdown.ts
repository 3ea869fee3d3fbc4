/**
 * Chapter Markdown to HTML: the only place Markdown becomes HTML. Chapters are our own files, but
 * they will also arrive through share links, so the HTML is always sanitised (DOMPurify) before
 * it reaches the page: no script, event handler, `javascript:` URL, frame, form or inline style
 * from a chapter survives.
 *
 * On top of plain Markdown it gives headings stable ids with an anchor link, turns links to other
 * chapter files (`02-processes.md#monitors`) into in-app URLs, and makes external links open in
 * a new tab without access to this page. Every URL it writes is relative to the site root, which
 * is what `<base href>` points at on every page of the static build.
 */
import DOMPurify from 'dompurify';
import type { Tokens } from 'marked';
import { Marked } from 'marked';
import { chapterSlugFromFile } from '../chapters/chapterSlug';
import { createHeadingSlugger, headingText } from './headingSlug';

export interface RenderMarkdownOptions {
  /** Ids for the headings, in order (from `chapterSegments`); missing ones are slugged here. */
  headingIds?: readonly string[];
  /** The chapter being rendered: `#section` links and heading anchors point into its page. */
  chapterSlug?: string;
  /**
   * The page's URL relative to the site root, for a chapter that is not at `chapters/<slug>`
   * (one imported into the browser, `yours/?id=<id>`); it wins over `chapterSlug`.
   */
  chapterPage?: string;
}

/** Only these heading ids are set after sanitising: the characters the slugger produces. */
const HEADING_ID = /^[\p{L}\p{N}_-]+$/u;
/** A link to a chapter file: `03-genserver.md`, `./03-genserver.md#calls`, `chapters/x.md`. */
const CHAPTER_FILE_LINK = /^(?:\.\/)?(?:chapters\/)?([^/?#:]+\.md)(#.*)?$/i;

let hooksInstalled = false;

/** Renders Markdown to HTML that is safe to put into the page. */
export function renderMarkdownToSafeHtml(
  source: string,
  options: RenderMarkdownOptions = {},
): string {
  const givenIds = options.headingIds ?? [];
  const slugger = createHeadingSlugger();
  let headingIndex = 0;
  const chapterPage =
    options.chapterPage ??
    (options.chapterSlug ? `chapters/${encodeURIComponent(options.chapterSlug)}` : null);

  const markdown = new Marked({
    gfm: true,
    walkTokens(token) {
      if (token.type === 'link') {
        const link = token as Tokens.Link;
        link.href = inAppHref(link.href, chapterPage);
      }
    },
    renderer: {
      heading(token) {
        // The slugger runs for every heading so fallback ids never repeat a given one.
        const slugged = slugger(headingText(token));
        const id = givenIds[headingIndex++] ?? slugged;
        const inner = this.parser.parseInline(token.tokens);
        const anchor =
          token.depth > 1 && chapterPage
            ? `<a class="heading-anchor" href="${chapterPage}#${id}" aria-hidden="true" tabindex="-1"></a>`
            : '';
        return `<h${token.depth} data-heading-id="${id}">${inner}${anchor}</h${token.depth}>\n`;
      },
    },
  });

  installHooks();
  return DOMPurify.sanitize(markdown.parse(source, { async: false }), {
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'frame'],
    FORBID_ATTR: ['style'],
  });
}

/** Chapter file links become `chapters/<slug>#hash`; `#hash` alone points into this chapter. */
function inAppHref(href: string, chapterPage: string | null): string {
  if (href.startsWith('#')) return chapterPage ? `${chapterPage}${href}` : href;
  const chapterLink = CHAPTER_FILE_LINK.exec(href);
  if (!chapterLink) return href;
  const slug = chapterSlugFromFile(chapterLink[1]!);
  if (slug === null) return href;
  return `chapters/${encodeURIComponent(slug)}${chapterLink[2] ?? ''}`;
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (!(node instanceof Element)) return;
    // Heading ids go on after sanitising: DOMPurify drops ids that match document properties
    // ("title", "forms"), and a slugged heading may well be called that.
    const headingId = node.getAttribute('data-heading-id');
    if (headingId !== null) {
      node.removeAttribute('data-heading-id');
      if (/^H[1-6]$/.test(node.tagName) && HEADING_ID.test(headingId)) node.id = headingId;
    }
    if (node.tagName === 'A' && isExternal(node.getAttribute('href'))) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
  });
}

function isExternal(href: string | null): boolean {
  return href !== null && /^(?:https?:)?\/\//i.test(href);
}
