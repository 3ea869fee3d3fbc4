import type { CellCheckResult } from './checkResults';

/** The chapter check's result for one cell, drawn right under it. */
export function CellCheckNote({ result }: { result: CellCheckResult | undefined }) {
  if (!result) return null;
  if (result.failures.length === 0) {
    return (
      <p className="cell-check cell-check--passed">
        <span aria-hidden="true">✓</span> Chapter check:{' '}
        {result.kind === 'exercise'
          ? 'passes (the solution passes its check, the starter fails it)'
          : 'passes'}
      </p>
    );
  }
  return (
    <div className="cell-check cell-check--failed">
      <p>
        <span aria-hidden="true">✗</span> Chapter check:{' '}
        {result.failures.length === 1
          ? 'one expectation fails'
          : `${result.failures.length} expectations fail`}
      </p>
      <ul className="cell-check__failures">
        {result.failures.map((failure, i) => (
          <li key={i}>
            <span className="cell-check__where">
              line {failure.line}, {failure.key}
            </span>
            <br />
            expected: <code>{failure.expected}</code>
            <br />
            actual: <code>{failure.actual}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}
