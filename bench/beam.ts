/**
 * The BEAM baseline: compiles beam/savina.erl with erlc into a temporary directory and runs it
 * with one scheduler (`erl -noshell +S 1:1`). Writes the figures as JSON for run.mjs, or a note
 * saying why there are none: the benchmarks never require Erlang.
 *
 * Usage (run.mjs does this): node beam.mjs <savina.erl> <results.json> [scale]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** One BEAM figure: operations (messages or hops) and the fastest run's time. */
export interface BeamFigure {
  readonly operations: number;
  readonly micros: number;
  readonly perSecond: number;
}

export type BeamResult =
  | {
      readonly available: true;
      readonly version: string;
      readonly figures: Record<string, BeamFigure>;
    }
  | { readonly available: false; readonly note: string };

const [erlFile, resultsPath, scale = '1'] = process.argv.slice(2);
if (!erlFile || !resultsPath)
  throw new Error('usage: node beam.mjs <savina.erl> <results.json> [scale]');

function onPath(command: string): boolean {
  return (process.env['PATH'] ?? '').split(delimiter).some((dir) => existsSync(join(dir, command)));
}

function measure(): BeamResult {
  if (!onPath('erl') || !onPath('erlc')) {
    return {
      available: false,
      note: 'erl is not on PATH: BEAM figures skipped (apt-get install erlang-nox to compare)',
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'actorbook-beam-'));
  try {
    const compiled = spawnSync('erlc', ['-o', dir, erlFile!], { encoding: 'utf8' });
    if (compiled.status !== 0) {
      return { available: false, note: `erlc failed: ${compiled.stderr || compiled.stdout}` };
    }
    // One scheduler: the BEAM in our runtime's situation, one thread for every process.
    const ran = spawnSync(
      'erl',
      ['-noshell', '+S', '1:1', '-pa', dir, '-run', 'savina', 'main', scale],
      { encoding: 'utf8', timeout: 120_000 },
    );
    if (ran.status !== 0) {
      return { available: false, note: `erl failed: ${ran.stderr || ran.stdout}` };
    }
    const figures: Record<string, BeamFigure> = {};
    let version = 'OTP';
    for (const line of ran.stdout.split('\n')) {
      const [kind, ...rest] = line.trim().split(/\s+/);
      if (kind === 'otp') version = `OTP ${rest[0]} (erts ${rest[1]})`;
      if (kind === 'figure') {
        const [name, operations, micros] = [rest[0]!, Number(rest[1]), Number(rest[2])];
        figures[name] = { operations, micros, perSecond: operations / (micros / 1e6) };
      }
    }
    return { available: true, version, figures };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const result = measure();
if (result.available) {
  process.stdout.write(`BEAM ${result.version}, one scheduler (erl +S 1:1)\n`);
  for (const [name, figure] of Object.entries(result.figures)) {
    const rate = (figure.perSecond / 1e6).toFixed(2);
    process.stdout.write(
      `  ${name.padEnd(12)} ${rate} M/s  (${(figure.micros / 1000).toFixed(1)} ms)\n`,
    );
  }
} else {
  process.stdout.write(`BEAM: ${result.note}\n`);
}
writeFileSync(resultsPath, JSON.stringify(result, null, 2));
