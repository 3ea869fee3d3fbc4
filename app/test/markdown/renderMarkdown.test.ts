// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { renderMarkdownToSafeHtml } from '../../markdown/renderMarkdown';

function render(markdown: string, chapterSlug?: string): HTMLElement {
  const box = document.createElement('div');
  box.innerHTML = renderMarkdownToSafeHtml(markdown, { chapterSlug });
  return box;
}

describe('renderMarkdownToSafeHtml', () => {
  it('drops script elements, event handlers, javascript: links and frames from a chapter', () => {
    const box = render(
      [
        'Before.',
        '',
        '<script>window.ran = true</script>',
        '',
        '<img src="x" onerror="window.ran = true">',
        '',
        '[click me](javascript:window.ran=true)',
        '',
        '<a href="javascript:window.ran=true">raw link</a>',
        '',
        '<iframe src="https://example.org/"></iframe>',
        '',
        '<svg><script>window.ran = true</script><a xlink:href="javascript:alert(1)">x</a></svg>',
        '',
        '<form action="https://example.org/"><input name="q"></form>',
        '',
        '<p style="position:fixed;inset:0">cover</p>',
        '',
        'After.',
      ].join('\n'),
    );
    expect(box.querySelector('script, iframe, form, input, [style]')).toBeNull();
    expect(box.querySelector('[onerror], [onclick], [onload]')).toBeNull();
    for (const element of box.querySelectorAll('[href], [src], [xlink\\:href]')) {
      for (const attribute of element.attributes) {
        expect(attribute.value).not.toMatch(/^\s*javascript:/i);
      }
    }
    expect(box.textContent).toContain('Before.');
    expect(box.textContent).toContain('After.');
    expect(box.textContent).toContain('click me');
    expect(box.querySelector('img')?.getAttribute('src')).toBe('x');
  });

  it('turns links to chapter files into in-app chapter URLs, keeping the section', () => {
    const box = render(
      'See [links](02-links.md), [monitors](./03-monitors.md#down-messages) and [here](#try-it).',
      'processes',
    );
    expect([...box.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual([
      'chapters/links',
      'chapters/monitors#down-messages',
      'chapters/processes#try-it',
    ]);
  });

  it('opens external links in a new tab without access to the page', () => {
    const link = render('[Erlang](https://www.erlang.org/)').querySelector('a')!;
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    const local = render('[next](01-next.md)').querySelector('a')!;
    expect(local.hasAttribute('target')).toBe(false);
  });

  it('gives headings stable ids, even ids DOMPurify would drop, and an anchor link', () => {
    const box = render('# Title\n\n## Forms\n\n## Forms', 'start');
    expect([...box.querySelectorAll('h1, h2')].map((h) => h.id)).toEqual([
      'title',
      'forms',
      'forms-2',
    ]);
    const anchor = box.querySelector('h2 a.heading-anchor');
    expect(anchor?.getAttribute('href')).toBe('chapters/start#forms');
    // The h1 is the chapter title: it gets an id but no anchor.
    expect(box.querySelector('h1 a')).toBeNull();
  });

  it('uses the heading ids it is given, in order', () => {
    const box = document.createElement('div');
    box.innerHTML = renderMarkdownToSafeHtml('## Try it\n\n## Again', {
      headingIds: ['try-it-2', 'again'],
    });
    expect([...box.querySelectorAll('h2')].map((h) => h.id)).toEqual(['try-it-2', 'again']);
  });

  it('keeps code samples as code, with their language', () => {
    const code = render('```sh\nnpm run build <dist>\n```').querySelector('pre > code')!;
    expect(code.className).toBe('language-sh');
    expect(code.textContent).toBe('npm run build <dist>\n');
  });

  it('points #section links and heading anchors at the page given, for a chapter off chapters/', () => {
    const box = document.createElement('div');
    box.innerHTML = renderMarkdownToSafeHtml('## Try it\n\n[again](#try-it)', {
      chapterSlug: 'yours/greeter',
      chapterPage: 'yours/?id=greeter',
    });
    expect(box.querySelector('p a')?.getAttribute('href')).toBe('yours/?id=greeter#try-it');
    expect(box.querySelector('.heading-anchor')?.getAttribute('href')).toBe(
      'yours/?id=greeter#try-it',
    );
  });
});
