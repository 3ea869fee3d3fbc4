import { describe, expect, it } from 'vitest';
import type { CheckWorker } from '../../authoring/chapterCheckClient';
import { checkChapterInWorker } from '../../authoring/chapterCheckClient';
import type { ToWorker } from '../../engine/protocol';

/** A stand-in worker: records what it is sent; `answer` plays the worker's side. */
function fakeWorker(answer: (message: ToWorker, reply: (data: unknown) => void) => void) {
  const sent: ToWorker[] = [];
  let terminated = false;
  const worker: CheckWorker = {
    onmessage: null,
    onerror: null,
    postMessage(message) {
      sent.push(message);
      answer(message, (data) => worker.onmessage?.({ data } as MessageEvent<unknown>));
    },
    terminate() {
      terminated = true;
    },
  };
  setTimeout(() => worker.onmessage?.({ data: { type: 'ready' } } as MessageEvent<unknown>), 0);
  return { worker, sent, terminated: () => terminated };
}

describe('checkChapterInWorker', () => {
  it('sends the chapter once the worker is ready, resolves with its report and ends the worker', async () => {
    const report = { kind: 'checked', failures: [] } as const;
    const fake = fakeWorker((message, reply) => {
      if (message.type === 'chapter/check') reply({ type: 'chapter/checked', checkId: 1, report });
    });
    const check = checkChapterInWorker('a.md', '# A', { createWorker: () => fake.worker });
    await expect(check.report).resolves.toEqual(report);
    expect(fake.sent).toContainEqual({
      type: 'chapter/check',
      checkId: 1,
      fileName: 'a.md',
      text: '# A',
    });
    expect(fake.terminated()).toBe(true);
  });

  it('gives up on a worker that stops answering pings, and ends it', async () => {
    const fake = fakeWorker(() => {}); // never answers anything
    const check = checkChapterInWorker('a.md', '# A', {
      createWorker: () => fake.worker,
      pingIntervalMs: 5,
      hangTimeoutMs: 30,
    });
    await expect(check.report).rejects.toThrow('The check stopped answering and was ended');
    expect(fake.terminated()).toBe(true);
  });

  it('rejects a malformed answer instead of believing it', async () => {
    const fake = fakeWorker((message, reply) => {
      if (message.type === 'chapter/check') {
        reply({ type: 'chapter/checked', checkId: 1, report: { kind: 'nope' } });
      }
    });
    const check = checkChapterInWorker('a.md', '# A', { createWorker: () => fake.worker });
    await expect(check.report).rejects.toThrow(/unknown kind "nope"/);
  });
});
