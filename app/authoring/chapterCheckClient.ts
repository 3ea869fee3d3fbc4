/**
 * The page's "Check chapter": runs the chapter check (`npm run chapters:check`'s, from the
 * engine) on a chapter's text in a worker of its own, made for this check and ended after it.
 *
 * Why a worker of its own: the check runs every cell on a fresh virtual-time runtime, and the
 * notebook's worker belongs to the learner's runtime (its processes, its panels, its queue of
 * runs). A separate worker keeps the two apart and lets a check that hangs be ended without
 * touching the notebook. It is the same worker program (app/worker/runtimeWorker.ts), spoken to
 * through the same protocol; its answer is validated like every message from a worker.
 */
import type { ChapterCheckReport, FromWorker, ToWorker } from '../engine/protocol';
import { parseFromWorker } from '../engine/protocol';

/** The part of a Worker used here, so tests can stand in for it. */
export interface CheckWorker {
  postMessage(message: ToWorker): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

export interface ChapterCheckClientOptions {
  readonly createWorker?: () => CheckWorker;
  /** How long the worker may leave a ping unanswered before the check is given up (ms). */
  readonly hangTimeoutMs?: number;
  readonly pingIntervalMs?: number;
}

function startCheckWorker(): CheckWorker {
  return new Worker(new URL('../worker/runtimeWorker.ts', import.meta.url), {
    type: 'module',
    name: 'actorbook-chapter-check',
  }) as unknown as CheckWorker;
}

/** A running check: its outcome (a report, or an Error saying why there is none) and a way out. */
export interface RunningCheck {
  readonly report: Promise<ChapterCheckReport>;
  cancel(): void;
}

/** Checks `text` (named `fileName` in messages) in a fresh worker, which is ended afterwards. */
export function checkChapterInWorker(
  fileName: string,
  text: string,
  options: ChapterCheckClientOptions = {},
): RunningCheck {
  const worker = (options.createWorker ?? startCheckWorker)();
  const hangTimeoutMs = options.hangTimeoutMs ?? 20_000;
  let settle: { resolve: (r: ChapterCheckReport) => void; reject: (e: Error) => void } | null =
    null;
  const report = new Promise<ChapterCheckReport>((resolve, reject) => {
    settle = { resolve, reject };
  });
  let pingSentAt: number | null = null;
  let seq = 0;
  const end = (outcome: ChapterCheckReport | Error) => {
    clearInterval(heartbeat);
    worker.terminate();
    const done = settle;
    settle = null;
    if (!done) return;
    if (outcome instanceof Error) done.reject(outcome);
    else done.resolve(outcome);
  };
  // A check that blocks the worker's thread for good (a cell stuck in a loop no guard reaches)
  // never answers a ping: it is ended and said so, instead of spinning forever.
  const heartbeat = setInterval(() => {
    const now = performance.now();
    if (pingSentAt !== null) {
      if (now - pingSentAt > hangTimeoutMs) {
        end(new Error('The check stopped answering and was ended: a cell may loop forever.'));
      }
      return;
    }
    pingSentAt = now;
    worker.postMessage({ type: 'ping', seq: ++seq });
  }, options.pingIntervalMs ?? 1000);

  worker.onmessage = (event) => {
    const parsed = parseFromWorker(event.data);
    if (!parsed.ok) {
      end(new Error(parsed.error));
      return;
    }
    const message: FromWorker = parsed.message;
    if (message.type === 'ready') {
      worker.postMessage({ type: 'chapter/check', checkId: 1, fileName, text });
    } else if (message.type === 'pong') {
      pingSentAt = null;
    } else if (message.type === 'chapter/checked' && message.checkId === 1) {
      end(message.report);
    } else if (message.type === 'worker/error') {
      end(new Error(message.message));
    }
  };
  worker.onerror = (event) => {
    event.preventDefault?.();
    end(new Error(`The check's worker failed: ${event.message || 'it did not start'}`));
  };
  return { report, cancel: () => end(new Error('The check was stopped.')) };
}
