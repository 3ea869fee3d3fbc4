/**
 * Colours the code samples in chapter prose that are not cells (```sh, ```json, a ```js
 * aside...). highlight.js's core and the handful of languages chapters use are loaded on first
 * need, as one lazy chunk, so pages without such samples never download it. Unknown languages
 * and plain text stay as they are; a failed load leaves the code readable, just uncoloured.
 */
import type { HLJSApi } from 'highlight.js';

let highlighter: Promise<HLJSApi> | undefined;

function loadHighlighter(): Promise<HLJSApi> {
  highlighter ??= (async () => {
    const [core, typescript, javascript, bash, json, elixir] = await Promise.all([
      import('highlight.js/lib/core'),
      import('highlight.js/lib/languages/typescript'),
      import('highlight.js/lib/languages/javascript'),
      import('highlight.js/lib/languages/bash'),
      import('highlight.js/lib/languages/json'),
      import('highlight.js/lib/languages/elixir'),
    ]);
    const hljs = core.default;
    hljs.registerLanguage('typescript', typescript.default);
    hljs.registerLanguage('javascript', javascript.default);
    hljs.registerLanguage('bash', bash.default);
    hljs.registerLanguage('json', json.default);
    hljs.registerLanguage('elixir', elixir.default);
    hljs.registerAliases(['sh', 'shell', 'console'], { languageName: 'bash' });
    hljs.registerAliases(['tsx', 'mts'], { languageName: 'typescript' });
    hljs.registerAliases(['ex', 'exs'], { languageName: 'elixir' });
    return hljs;
  })();
  highlighter.catch(() => {
    highlighter = undefined;
  });
  return highlighter;
}

const LANGUAGE_CLASS = /(?:^|\s)language-([\w-]+)/;
/** Languages left as plain text on purpose. */
const PLAIN = new Set(['text', 'txt', 'plain', 'plaintext', 'output']);

/** The language a `<code>` element was fenced with, if it should be coloured. */
function languageOf(code: Element): string | null {
  const language = LANGUAGE_CLASS.exec(code.className)?.[1]?.toLowerCase();
  return language && !PLAIN.has(language) ? language : null;
}

/** Colours every fenced code block inside `container` whose language is known. */
export async function highlightCodeBlocks(container: HTMLElement): Promise<void> {
  const blocks = [...container.querySelectorAll('pre > code')].filter(
    (code) => languageOf(code) !== null && !code.classList.contains('hljs'),
  );
  if (blocks.length === 0) return;
  let hljs: HLJSApi;
  try {
    hljs = await loadHighlighter();
  } catch {
    return;
  }
  for (const code of blocks) {
    const language = languageOf(code)!;
    if (!code.isConnected || !hljs.getLanguage(language)) continue;
    // highlight() escapes the text it is given; the markup it adds is only its own spans.
    const { value } = hljs.highlight(code.textContent ?? '', { language, ignoreIllegals: true });
    code.innerHTML = value;
    code.classList.add('hljs');
  }
}
