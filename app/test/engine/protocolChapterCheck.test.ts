import { describe, expect, it } from 'vitest';
import type { FromWorker, ToWorker } from '../../engine/protocol';
import { parseFromWorker, parseToWorker } from '../../engine/protocol';

describe('the chapter check messages', () => {
  it('accepts a check request and both kinds of report', () => {
    const request: ToWorker = { type: 'chapter/check', checkId: 1, fileName: 'a.md', text: '# A' };
    expect(parseToWorker(request)).toEqual({ ok: true, message: request });
    const reports: FromWorker[] = [
      {
        type: 'chapter/checked',
        checkId: 1,
        report: { kind: 'malformed', errors: [{ line: 3, column: 1, message: 'bad part' }] },
      },
      {
        type: 'chapter/checked',
        checkId: 1,
        report: {
          kind: 'checked',
          failures: [{ cellLine: 7, line: 12, key: 'value', expected: '"3"', actual: '"2"' }],
        },
      },
    ];
    for (const message of reports) expect(parseFromWorker(message)).toEqual({ ok: true, message });
  });

  it('rejects a report of an unknown kind or with a failure missing its line, saying where', () => {
    expect(
      parseFromWorker({ type: 'chapter/checked', checkId: 1, report: { kind: 'passed' } }),
    ).toEqual({
      ok: false,
      error:
        'Rejected a malformed worker -> page message: chapter/checked: "report" has an unknown kind "passed".',
    });
    const missingLine = parseFromWorker({
      type: 'chapter/checked',
      checkId: 1,
      report: { kind: 'checked', failures: [{ cellLine: 7, key: 'v', expected: '', actual: '' }] },
    });
    expect(missingLine.ok).toBe(false);
    expect(!missingLine.ok && missingLine.error).toMatch(/failures.*\[0\].*line/);
  });
});
