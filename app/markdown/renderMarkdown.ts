/**
 * Chapter Markdown to HTML. Chapters are our own files, but they will also arrive through share
 * links, so the HTML is always sanitised before it reaches the page.
 */
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const markdown = new Marked({ gfm: true });

/** Renders Markdown to HTML that is safe to put into the page. */
export function renderMarkdownToSafeHtml(source: string): string {
  return DOMPurify.sanitize(markdown.parse(source, { async: false }));
}
