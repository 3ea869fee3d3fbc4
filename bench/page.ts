/**
 * The benchmark page: starts worker.ts, prints its progress to the console (where the Node driver
 * reads it), then measures idle processes here on the page thread, the one place in Chromium with
 * a heap reading (`performance.memory`, exact with --enable-precise-memory-info).
 *
 * The driver passes the scale and platform name in the URL and awaits `window.benchDone`.
 */
import * as api from '../runtime/index';
import type { HeapProbe } from './savina';
import type { IdleFigure, SuiteResult } from './suite';
import { measureIdle, sizes } from './suite';
import type { WorkerReport } from './worker';

interface BenchWindow {
  benchDone?: Promise<SuiteResult>;
  gc?: () => void;
}

interface ChromiumPerformance {
  memory?: { usedJSHeapSize: number };
}

const bench = window as unknown as BenchWindow;
const params = new URLSearchParams(location.search);
const scale = Number(params.get('scale') ?? '1');
const platform = params.get('platform') ?? 'Chromium';

function runWorker(): Promise<SuiteResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker('worker.js');
    worker.onmessage = (event: MessageEvent<WorkerReport>) => {
      const report = event.data;
      if (report.type === 'log') console.log(report.line);
      else if (report.type === 'result') resolve(report.result);
      else reject(new Error(report.message));
      if (report.type !== 'log') worker.terminate();
    };
    worker.onerror = (event) => reject(new Error(`worker failed: ${event.message}`));
    worker.postMessage({ scale, platform });
  });
}

/** Reads `performance.memory` afresh: each read is a snapshot taken when it was made. */
const heapUsed = () => (performance as unknown as ChromiumPerformance).memory?.usedJSHeapSize;

async function idleOnPage(): Promise<IdleFigure> {
  const gc = bench.gc;
  if (heapUsed() === undefined || !gc) {
    return { unavailable: 'needs performance.memory and --js-flags=--expose-gc' };
  }
  const heap: HeapProbe = {
    collect: () => {
      gc();
      gc();
    },
    used: () => heapUsed() ?? NaN,
  };
  const figure = await measureIdle(
    api,
    heap,
    sizes(scale).idleProcesses,
    'page thread, performance.memory after gc()',
  );
  if ('bytesPerProcess' in figure) {
    console.log(
      `  Idle processes: ${figure.bytesPerProcess.toFixed(0)} bytes each (${figure.where})`,
    );
  }
  return figure;
}

bench.benchDone = runWorker().then(async (result) => ({ ...result, idle: await idleOnPage() }));
