/**
 * The browser half of the benchmarks, run in a dedicated Web Worker as the app runs the runtime.
 * It posts each progress line and finally the results to the page (page.ts), which hands them to
 * the Node driver (browser.ts). Workers have no `performance.memory`, so the idle-process figure
 * is taken on the page thread instead.
 */
import * as effect from 'effect';
import * as api from '../runtime/index';
import type { Host, SuiteResult } from './suite';
import { runSuite } from './suite';

/** What the worker says to the page. */
export type WorkerReport =
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'result'; readonly result: SuiteResult }
  | { readonly type: 'error'; readonly message: string };

/** The worker's global scope, typed as much as this file needs (the DOM lib types a window). */
interface WorkerScope {
  postMessage(report: WorkerReport): void;
  onmessage: ((event: { data: { scale: number; platform: string } }) => void) | null;
  gc?: () => void;
}

const scope = globalThis as unknown as WorkerScope;
const gc = scope.gc;

scope.onmessage = (event) => {
  const host: Host = {
    platform: `${event.data.platform} (Web Worker)`,
    log: (line) => scope.postMessage({ type: 'log', line }),
    // --js-flags=--expose-gc gives workers a gc() too; without it the suite just skips collecting.
    collectGarbage: gc ? () => gc() : null,
    heap: null,
    nact: null,
    effect,
    scale: event.data.scale,
  };
  runSuite(api, host).then(
    (result) => scope.postMessage({ type: 'result', result }),
    (error: unknown) =>
      scope.postMessage({
        type: 'error',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  );
};
