import { useEffect, useMemo, useRef, useState } from 'react';
import type { Chapter } from '../chapters/chapterCatalog';
import type { ChapterError, ChapterRead } from '../engine/index';
import { readChapter } from '../engine/index';
import type { ChapterCheckReport } from '../engine/protocol';
import { ChapterNotebook } from '../pages/ChapterPage';
import { browserStorage } from '../persistence/chapterStorage';
import { Link } from '../routing/Link';
import { navigate } from '../routing/router';
import { pathnameForRoute } from '../routing/routes';
import { chapterCellCount, chapterExerciseCount } from '../markdown/chapterSegments';
import { appStore } from '../store/appStore';
import type { RunningCheck } from './chapterCheckClient';
import { checkChapterInWorker } from './chapterCheckClient';
import { chapterWithEdits, editedSources } from './chapterExport';
import type { CheckResults } from './checkResults';
import { checkResultsByCell } from './checkResults';
import { CellCheckNote } from './CellCheckNote';
import { ConfirmedButton } from '../components/ConfirmedButton';
import { localChaptersChanged, useLocalChapters } from './localChapterHooks';
import type { LocalChapterEntry } from './localChapters';
import { localChapterSlug, readLocalChapterText, removeLocalChapter } from './localChapters';
import { YourChapters } from './YourChapters';
import './authoring.css';

/** The page of `yours/?id=<id>`: a chapter imported into this browser, or the list of them. */
export function LocalChapterPage({ id }: { id: string | null }) {
  const { entries } = useLocalChapters();
  const entry = id === null ? undefined : entries.find((e) => e.id === id);
  // Read again when the entry changes: an import that replaced this chapter brings new text.
  const text = useMemo(
    () => (id === null ? null : readLocalChapterText(browserStorage(), id)),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `entry` changes when the text does
    [id, entry],
  );
  useEffect(() => {
    document.title = `${entry?.title ?? 'Your chapters'} · Actorbook`;
  }, [entry]);

  if (id === null) {
    return (
      <article className="home">
        <p className="chapter__crumbs">
          <Link to={{ name: 'home' }}>All chapters</Link>
        </p>
        <YourChapters />
      </article>
    );
  }
  if (text === null || !entry) {
    return (
      <article className="chapter">
        <h1>This chapter is not in this browser</h1>
        <p>
          A chapter you import lives in the browser you imported it into. This one has no chapter “
          {id}”: it may have been removed, or imported in another browser. Import its file again to
          open it here.
        </p>
        <YourChapters />
      </article>
    );
  }
  return <LocalChapter key={id} entry={entry} text={text} />;
}

type CheckState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'running'; readonly check: RunningCheck }
  /** The checked text (the chapter with the edits) had problems; their lines are in `text`. */
  | { readonly kind: 'malformed'; readonly errors: readonly ChapterError[]; readonly text: string }
  | { readonly kind: 'done'; readonly results: CheckResults }
  | { readonly kind: 'failed'; readonly message: string };

function LocalChapter({ entry, text }: { entry: LocalChapterEntry; text: string }) {
  const slug = localChapterSlug(entry.id);
  const read = useMemo(() => readChapter(text), [text]);
  const chapter = useMemo(() => localChapter(slug, entry, read), [slug, entry, read]);
  const [check, setCheck] = useState<CheckState>({ kind: 'idle' });
  const running = useRef<RunningCheck | null>(null);
  useEffect(() => () => running.current?.cancel(), []);

  const runCheck = () => {
    const notebook = appStore.getState().notebooks[slug];
    const checked = notebook ? chapterWithEdits(text, editedSources(notebook)) : text;
    const started = checkChapterInWorker(entry.fileName, checked);
    running.current = started;
    setCheck({ kind: 'running', check: started });
    started.report.then(
      (report: ChapterCheckReport) => {
        if (running.current !== started) return;
        running.current = null;
        setCheck(
          report.kind === 'malformed'
            ? { kind: 'malformed', errors: report.errors, text: checked }
            : { kind: 'done', results: checkResultsByCell(checked, report) },
        );
      },
      (error: unknown) => {
        if (running.current !== started) return;
        running.current = null;
        setCheck({
          kind: 'failed',
          message: error instanceof Error ? error.message : String(error),
        });
      },
    );
  };
  const results = check.kind === 'done' ? check.results : null;

  return (
    <article className="chapter">
      <p className="chapter__crumbs">
        <Link to={{ name: 'home' }}>All chapters</Link>
        <span> · Your chapter, imported from {entry.fileName}</span>
      </p>
      <AuthoringBar entry={entry} check={check} onCheck={runCheck} />
      {results && <CheckSummary results={results} />}
      {check.kind === 'malformed' && (
        <FileProblems
          fileName={entry.fileName}
          text={check.text}
          errors={check.errors}
          context="check"
        />
      )}
      {read.errors.length > 0 && (
        <FileProblems fileName={entry.fileName} text={text} errors={read.errors} context="import" />
      )}
      <ChapterNotebook
        key={slug}
        chapter={chapter}
        chapterPage={pathnameForRoute({ name: 'yours', id: entry.id }, '')}
        afterCell={
          results ? (cellId) => <CellCheckNote result={results.cells.get(cellId)} /> : undefined
        }
      />
    </article>
  );
}

/** A local chapter as the chapter page takes it. */
function localChapter(slug: string, entry: LocalChapterEntry, read: ChapterRead): Chapter {
  return {
    slug,
    fileName: entry.fileName,
    meta: read.front.ok ? read.front.meta : null,
    // The page lists the file's problems itself, each with its line (FileProblems).
    problems: [],
    body: read.front.body,
    blocks: read.blocks,
    duplicateOf: null,
    cells: chapterCellCount(read.blocks),
    exercises: chapterExerciseCount(read.blocks),
  };
}

function AuthoringBar({
  entry,
  check,
  onCheck,
}: {
  entry: LocalChapterEntry;
  check: CheckState;
  onCheck: () => void;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <div className="authoring-bar" role="toolbar" aria-label="Your chapter">
      {check.kind === 'running' ? (
        <>
          <span className="authoring-bar__status" role="status">
            Checking every cell and exercise on a fresh runtime…
          </span>
          <button
            type="button"
            className="cell__button cell__button--quiet"
            onClick={() => check.check.cancel()}
          >
            Stop the check
          </button>
        </>
      ) : (
        <button
          type="button"
          className="cell__button"
          onClick={onCheck}
          title="Run the chapter check (npm run chapters:check) on this chapter, your edits included: every cell against its expect block, every exercise's solution and starter"
        >
          Check chapter
        </button>
      )}
      {check.kind === 'failed' && (
        <span className="authoring-inline-error" role="alert">
          {check.message}
        </span>
      )}
      <ConfirmedButton
        groupLabel="Confirm removal"
        label="Remove chapter…"
        question="Remove this chapter and your edits to it from this browser?"
        confirmLabel="Remove"
        onConfirm={() => {
          const failed = removeLocalChapter(browserStorage(), entry.id);
          setProblem(failed);
          if (failed === null) {
            localChaptersChanged();
            navigate({ name: 'home' });
          }
        }}
      />
      {problem && (
        <span className="authoring-inline-error" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}

function CheckSummary({ results }: { results: CheckResults }) {
  return (
    <div
      className={
        results.passed
          ? 'check-summary check-summary--passed'
          : 'check-summary check-summary--failed'
      }
      role="status"
      aria-label="Chapter check"
    >
      <strong>{results.summary}</strong>
      {results.unplaced.map((failure, i) => (
        <p key={i}>
          line {failure.line}: {failure.key}: expected {failure.expected}, got {failure.actual}
        </p>
      ))}
    </div>
  );
}

/** A malformed file's problems, each with its line and column; the rest of the file still shows. */
function FileProblems({
  fileName,
  text,
  errors,
  context,
}: {
  fileName: string;
  /** The file, to quote each problem's line (the check's problems are of the text with edits). */
  text: string;
  errors: readonly ChapterError[];
  context: 'import' | 'check';
}) {
  const lines = useMemo(() => text.replace(/\r\n?/g, '\n').split('\n'), [text]);
  const count = `${errors.length} ${errors.length === 1 ? 'problem' : 'problems'}`;
  return (
    <section className="file-problems" role="alert" aria-label={`Problems in ${fileName}`}>
      <h2 className="file-problems__heading">
        {context === 'import'
          ? `${fileName} has ${count}; what could be read is shown below`
          : `The check did not run: the chapter has ${count}`}
      </h2>
      <ol className="file-problems__list">
        {errors.map((error, i) => (
          <li key={i}>
            <span className="file-problems__where">
              line {error.line}, column {error.column}
            </span>{' '}
            {error.message}
            {lines[error.line - 1]?.trim() && (
              <code className="file-problems__line">{lines[error.line - 1]}</code>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
