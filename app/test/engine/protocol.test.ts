import { describe, expect, it } from 'vitest';
import type { FromWorker, ToWorker } from '../../engine/protocol';
import { parseFromWorker, parseToWorker } from '../../engine/protocol';

describe('parseToWorker', () => {
  it('accepts every well-formed message the page sends', () => {
    const messages: ToWorker[] = [
      { type: 'cell/run', runId: 1, cellId: 'cell-1', source: '1 + 1' },
      { type: 'cell/cancel', runId: 1 },
      { type: 'runtime/restart' },
      { type: 'ping', seq: 7 },
    ];
    for (const message of messages) {
      expect(parseToWorker(message)).toEqual({ ok: true, message });
    }
  });

  it('rejects what is not an object, or has no known type, with a clear error', () => {
    expect(parseToWorker(null)).toEqual({
      ok: false,
      error: 'Rejected a malformed page -> worker message: expected an object, got null.',
    });
    expect(parseToWorker('ping')).toMatchObject({ ok: false, error: /got "ping"/ });
    expect(parseToWorker([1, 2])).toMatchObject({ ok: false, error: /got an array/ });
    expect(parseToWorker({ seq: 1 })).toMatchObject({ ok: false, error: /no string "type"/ });
    expect(parseToWorker({ type: 'cell/explode' })).toMatchObject({
      ok: false,
      error: /unknown type "cell\/explode"/,
    });
  });

  it('does not take inherited property names for message types', () => {
    expect(parseToWorker({ type: 'toString' })).toMatchObject({ ok: false, error: /unknown type/ });
    expect(parseToWorker({ type: '__proto__' })).toMatchObject({ ok: false });
  });

  it('names the field that is missing or has the wrong type', () => {
    expect(parseToWorker({ type: 'cell/run', runId: 1, cellId: 'a' })).toEqual({
      ok: false,
      error:
        'Rejected a malformed page -> worker message: cell/run: "source" should be a string, got nothing.',
    });
    expect(parseToWorker({ type: 'cell/cancel', runId: '1' })).toMatchObject({
      ok: false,
      error: /"runId" should be a finite number, got "1"/,
    });
    expect(parseToWorker({ type: 'ping', seq: Number.NaN })).toMatchObject({
      ok: false,
      error: /"seq" should be a finite number/,
    });
  });
});

describe('parseFromWorker', () => {
  it('accepts every well-formed message the worker sends', () => {
    const messages: FromWorker[] = [
      { type: 'ready' },
      { type: 'compiler/status', ok: true, ms: 120, message: null },
      { type: 'compiler/status', ok: false, ms: 3, message: 'no wasm' },
      { type: 'cell/started', runId: 2, cellId: 'cell-1' },
      {
        type: 'cell/output',
        chunks: [
          { cellId: 'cell-1', stream: 'stdout', text: 'hi\n' },
          { cellId: 'cell-2', stream: 'stderr', text: 'oops\n' },
        ],
      },
      {
        type: 'cell/done',
        runId: 2,
        cellId: 'cell-1',
        result: { status: 'ok', value: '42' },
        ms: 4,
      },
      { type: 'cell/done', runId: 2, cellId: 'c', result: { status: 'ok', value: null }, ms: 4 },
      {
        type: 'cell/done',
        runId: 2,
        cellId: 'c',
        result: { status: 'error', message: 'x' },
        ms: 1,
      },
      {
        type: 'cell/done',
        runId: 2,
        cellId: 'c',
        result: { status: 'exit', reason: "'boom'" },
        ms: 1,
      },
      {
        type: 'cell/done',
        runId: 3,
        cellId: 'c',
        result: {
          status: 'compile_error',
          error: { message: 'Unexpected ";"', line: 2, column: 15 },
        },
        ms: 1,
      },
      { type: 'cell/done', runId: 4, cellId: 'c', result: { status: 'cancelled' }, ms: 0 },
      {
        type: 'cell/done',
        runId: 5,
        cellId: 'c',
        result: { status: 'lost', message: 'gone' },
        ms: 0,
      },
      { type: 'runtime/restarted' },
      { type: 'pong', seq: 7 },
      { type: 'worker/error', message: 'bad' },
    ];
    for (const message of messages) {
      expect(parseFromWorker(message)).toEqual({ ok: true, message });
    }
  });

  it('rejects output chunks with a bad stream or missing text, saying which chunk', () => {
    expect(
      parseFromWorker({
        type: 'cell/output',
        chunks: [
          { cellId: 'a', stream: 'stdout', text: 'ok' },
          { cellId: 'a', stream: 'stdio', text: 'no' },
        ],
      }),
    ).toEqual({
      ok: false,
      error:
        'Rejected a malformed worker -> page message: cell/output: "chunks" [1]."stream" should be "stdout" or "stderr", got "stdio".',
    });
    expect(parseFromWorker({ type: 'cell/output', chunks: {} })).toMatchObject({
      ok: false,
      error: /"chunks" should be an array/,
    });
    expect(
      parseFromWorker({ type: 'cell/output', chunks: [{ cellId: 'a', stream: 'stdout' }] }),
    ).toMatchObject({ ok: false, error: /\[0\]."text" should be a string/ });
  });

  it('rejects a result with an unknown status or a wrongly shaped compile error', () => {
    const done = (result: unknown) => ({ type: 'cell/done', runId: 1, cellId: 'a', result, ms: 1 });
    expect(parseFromWorker(done({ status: 'weird' }))).toMatchObject({
      ok: false,
      error: /"result" has an unknown status "weird"/,
    });
    expect(parseFromWorker(done({ status: 'ok' }))).toMatchObject({
      ok: false,
      error: /\(ok\) "value" should be a string or null, got nothing/,
    });
    expect(
      parseFromWorker(
        done({ status: 'compile_error', error: { message: 'x', line: '2', column: 0 } }),
      ),
    ).toMatchObject({ ok: false, error: /"error" "line" should be a finite number/ });
    expect(parseFromWorker(done('ok'))).toMatchObject({
      ok: false,
      error: /"result" should be an object/,
    });
  });

  it('never throws, whatever arrives', () => {
    const odd: unknown[] = [
      undefined,
      0,
      Symbol('s'),
      () => 1,
      Object.create(null),
      { type: 'cell/output', chunks: [null] },
      { type: 'cell/done', runId: 1, cellId: 'a', result: null, ms: 1 },
      { type: 'compiler/status', ok: 'yes', ms: 1, message: null },
    ];
    for (const data of odd) {
      expect(() => parseFromWorker(data)).not.toThrow();
      expect(parseFromWorker(data).ok).toBe(false);
      expect(() => parseToWorker(data)).not.toThrow();
    }
  });
});
