/**
 * The Node half of the benchmarks: runs the suite in this process and writes the results as JSON
 * for run.mjs. Needs `--expose-gc`, so the heap can be read after a full collection.
 *
 * Usage (run.mjs does this): node --expose-gc bench/.out/node.mjs <results.json> [scale]
 */
import { writeFileSync } from 'node:fs';
import * as nact from 'nact';
import * as effect from 'effect';
import * as api from '../runtime/index';
import type { Host } from './suite';
import { runSuite } from './suite';

const [resultsPath, scaleArg] = process.argv.slice(2);
if (!resultsPath) throw new Error('usage: node --expose-gc node.mjs <results.json> [scale]');

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc: the idle-process figure needs a full GC');
const collect = () => {
  // Twice: the first pass can leave garbage that only its finalizers released.
  gc();
  gc();
};

const host: Host = {
  platform: `Node ${process.versions.node}`,
  log: (line) => process.stdout.write(`${line}\n`),
  collectGarbage: collect,
  heap: { collect, used: () => process.memoryUsage().heapUsed },
  nact,
  effect,
  scale: scaleArg ? Number(scaleArg) : 1,
};

const result = await runSuite(api, host);
writeFileSync(resultsPath, JSON.stringify(result, null, 2));
