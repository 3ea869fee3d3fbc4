/**
 * A page of cells for the editor's browser test: the chapter's cells (or 30 of them with
 * `?cells=30`), each a CodeEditor, with run counts written to the page so the test can see that
 * Shift+Enter runs a cell even when the type checker underlines it.
 */
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { CodeEditor } from '../../../editor/CodeEditor';
import { readChapter } from '../../../engine/index';
import '../../../styles.css';
import startChapter from '../../../../chapters/00-start.md?raw';

/** The chapter's cell sources, read by the one chapter parser (as the page reads them). */
function chapterCells(markdown: string): string[] {
  return readChapter(markdown).blocks.flatMap((block) =>
    block.kind === 'cell' ? [block.source] : [],
  );
}

const params = new URLSearchParams(location.search);
const wanted = Number(params.get('cells') ?? '0');
const chapter = chapterCells(startChapter);
const sources =
  wanted > 0
    ? Array.from({ length: wanted }, (_, i) => chapter[i % chapter.length] ?? `const n${i} = ${i};`)
    : chapter;
if (params.get('theme') === 'dark') document.documentElement.dataset.theme = 'dark';

function Cell({ id, initial }: { id: string; initial: string }) {
  const [value, setValue] = useState(initial);
  const [runs, setRuns] = useState<string[]>([]);
  return (
    <section className="cell" id={id} aria-label={`Cell ${id}`}>
      <CodeEditor
        cellId={id}
        value={value}
        onChange={setValue}
        onRun={() => setRuns((r) => [...r, 'run'])}
        onRunAndAdvance={() => setRuns((r) => [...r, 'runAndAdvance'])}
        ariaLabel={`Code of ${id}`}
      />
      <output className="harness-runs" data-runs={runs.length}>
        {runs.join(' ')}
      </output>
    </section>
  );
}

function Harness() {
  return (
    <main className="chapter" style={{ maxWidth: '48rem', margin: '0 auto', padding: '1rem' }}>
      {sources.map((source, i) => (
        <div key={i} style={{ marginBottom: '1.5rem' }}>
          <p>Cell number {i + 1}.</p>
          <Cell id={`cell-${i + 1}`} initial={source} />
        </div>
      ))}
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Harness />
  </StrictMode>,
);
