/**
 * The combined report: our figures on Node and in Chromium side by side, every baseline as a
 * ratio to ours, and the goals with PASS or MISS. Reads the JSON the three runs wrote.
 *
 * Usage (run.mjs does this): node report.mjs <node.json> <chromium.json> <beam.json>
 */
import { readFileSync } from 'node:fs';
import type { BeamResult } from './beam';
import type { Measurement, SuiteResult } from './suite';
import { formatRate } from './suite';

const [nodePath, chromiumPath, beamPath] = process.argv.slice(2);
if (!nodePath || !chromiumPath || !beamPath) {
  throw new Error('usage: node report.mjs <node.json> <chromium.json> <beam.json>');
}

const read = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const suites = [read<SuiteResult | null>(nodePath), read<SuiteResult | null>(chromiumPath)].filter(
  (s): s is SuiteResult => s !== null,
);
const beam = read<BeamResult>(beamPath);

const out: string[] = [];
const print = (line = '') => out.push(line);

function find(suite: SuiteResult, id: string, engine = 'ours'): Measurement | undefined {
  return suite.measurements.find((m) => m.id === id && m.engine === engine);
}

function table(rows: string[][], alignLeft = 1): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  for (const row of rows) {
    const cells = row.map((cell, c) =>
      c < alignLeft ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!),
    );
    print(`  ${cells.join('   ')}`.trimEnd());
  }
}

const ratio = (x: number) => (x >= 10 ? `${x.toFixed(0)}x` : `${x.toFixed(2)}x`);
const slice = (m: Measurement | undefined) =>
  m?.longestSliceMs == null ? '' : `${m.longestSliceMs.toFixed(1)} ms`;

// ------------------------------------------------------------------------- our figures

print('');
print('=== Our runtime (createRuntime({ clock: "real" }), messages copied) ===');
{
  const header = ['benchmark'];
  for (const s of suites) header.push(s.platform, 'µs/spawn', 'longest slice');
  const rows = [header];
  const ours = suites[0]?.measurements.filter((m) => m.engine === 'ours') ?? [];
  for (const first of ours) {
    const row = [first.label];
    for (const s of suites) {
      const m = find(s, first.id);
      const rate = m ? `${formatRate(m.perSecond)} ${m.unit}/s${m.correct ? '' : ' (WRONG)'}` : '-';
      row.push(rate, m?.usPerSpawn == null ? '' : m.usPerSpawn.toFixed(2), slice(m));
    }
    rows.push(row);
    if (first.alsoPerSecond) {
      // A second rate of the same runs (Chameneos: meetings), on a row of its own.
      const alsoRow = [`${first.label} (${first.alsoPerSecond.unit})`];
      for (const s of suites) {
        const also = find(s, first.id)?.alsoPerSecond;
        alsoRow.push(also ? `${formatRate(also.perSecond)} ${also.unit}/s` : '-', '', '');
      }
      rows.push(alsoRow);
    }
  }
  const idleRow = ['bytes per idle process (in receive)'];
  for (const s of suites) {
    idleRow.push(
      'bytesPerProcess' in s.idle ? `${s.idle.bytesPerProcess.toFixed(0)} B` : 'n/a',
      '',
      '',
    );
  }
  rows.push(idleRow);
  table(rows);
  for (const s of suites) {
    if ('bytesPerProcess' in s.idle) {
      print(`  ${s.platform}: idle figure from ${s.idle.processes} processes, ${s.idle.where}`);
    } else print(`  ${s.platform}: idle figure n/a (${s.idle.unavailable})`);
  }
}

// ------------------------------------------------------------------------- baselines

print('');
print('=== Baselines, as ratios to ours (>1x: the baseline is faster) ===');
if (beam.available) print(`  BEAM: ${beam.version}, one scheduler (erl +S 1:1)`);
else print(`  BEAM: ${beam.note}`);

/** A workload compared with baselines: our variants of it, the first being the reference. */
interface Comparison {
  readonly title: string;
  readonly id: string;
  readonly ours: ReadonlyArray<readonly [id: string, name: string]>;
}

const comparisons: Comparison[] = [
  {
    title: 'PingPong',
    id: 'pingpong',
    ours: [
      ['pingpong', 'ours'],
      ['pingpong+trace', 'ours+trace'],
    ],
  },
  {
    // Every baseline's producer is a plain loop, like ours as written; the BEAM preempts its
    // producer, which is closer to ours yielding. Both are shown.
    title: 'Counting ("ours" = producer as written; "yielding" = yields every 1000 sends)',
    id: 'counting',
    ours: [
      ['counting', 'ours'],
      ['counting+trace', 'ours+trace'],
      ['counting-yield', 'yielding'],
      ['counting-yield+trace', 'yielding+trace'],
    ],
  },
  { title: 'ThreadRing', id: 'threadring', ours: [['threadring', 'ours']] },
];

for (const { title, id, ours } of comparisons) {
  print('');
  print(`  ${title}`);
  const rows = [['engine', ...suites.flatMap((s) => [s.platform, 'x / ours'])]];
  for (const [oursId, name] of ours) {
    const row = [name];
    for (const s of suites) {
      const m = find(s, oursId);
      const reference = find(s, ours[0]![0]);
      row.push(m ? `${formatRate(m.perSecond)} ${m.unit}/s` : '-');
      row.push(m && reference && m !== reference ? ratio(m.perSecond / reference.perSecond) : '');
    }
    rows.push(row);
  }
  const engines = new Set<string>();
  for (const s of suites) {
    for (const m of s.measurements) if (m.id === id && m.engine !== 'ours') engines.add(m.engine);
  }
  const beamFigure = beam.available ? beam.figures[id] : undefined;
  /** Each baseline's rate on a host, or undefined where it did not run. */
  const baselines: Array<[string, (s: SuiteResult) => number | undefined]> = [
    ...[...engines].map((engine): [string, (s: SuiteResult) => number | undefined] => [
      engine,
      (s) => find(s, id, engine)?.perSecond,
    ]),
    ...(beamFigure ? [['BEAM +S 1:1', () => beamFigure.perSecond] as [string, () => number]] : []),
  ];
  for (const [engine, rateOn] of baselines) {
    const row = [engine];
    for (const s of suites) {
      const rate = rateOn(s);
      const reference = find(s, ours[0]![0]);
      const unit = reference?.unit ?? 'msg';
      row.push(rate === undefined ? 'n/a' : `${formatRate(rate)} ${unit}/s`);
      row.push(rate !== undefined && reference ? ratio(rate / reference.perSecond) : '');
    }
    rows.push(row);
  }
  table(rows);
  // The ratios once more, one line each, against every variant of ours.
  for (const s of suites) {
    for (const [engine, rateOn] of baselines) {
      const rate = rateOn(s);
      if (rate === undefined) continue;
      const against = ours
        .map(([oursId, name]) => {
          const m = find(s, oursId);
          return m ? `${engine} / ${name} = ${ratio(rate / m.perSecond)}` : null;
        })
        .filter((text): text is string => text !== null);
      print(`    ${s.platform}: ${against.join('; ')}`);
    }
  }
}
for (const s of suites) for (const note of s.notes) print(`  ${s.platform}: ${note}`);

// ------------------------------------------------------------------------- goals

print('');
print('=== Goals (benchmark targets, not assertions) ===');

interface Verdict {
  readonly value: string;
  readonly pass: boolean | null;
}

const verdictCell = (v: Verdict) =>
  `${v.value}  ${v.pass === null ? 'n/a ' : v.pass ? 'PASS' : 'MISS'}`;

/** Ours traced against the bare loop: the goal is at least a quarter of its rate. */
function quarterOfBare(s: SuiteResult, oursId: string, baselineId: string): Verdict {
  const bare = find(s, baselineId, 'bare loop');
  const traced = find(s, `${oursId}+trace`);
  if (!bare || !traced) return { value: 'n/a', pass: null };
  const share = traced.perSecond / bare.perSecond;
  return { value: `ours traced = ${(share * 100).toFixed(0)}% of bare`, pass: share >= 0.25 };
}

function aheadOfBeam(s: SuiteResult, oursId: string, beamId: string): Verdict {
  const figure = beam.available ? beam.figures[beamId] : undefined;
  const m = find(s, oursId);
  if (!figure || !m) return { value: 'n/a (no BEAM)', pass: null };
  return {
    value: `ours / BEAM = ${ratio(m.perSecond / figure.perSecond)}`,
    pass: m.perSecond > figure.perSecond,
  };
}

function idleUnderKilobyte(s: SuiteResult): Verdict {
  if (!('bytesPerProcess' in s.idle)) return { value: 'n/a', pass: null };
  return { value: `${s.idle.bytesPerProcess.toFixed(0)} B`, pass: s.idle.bytesPerProcess < 1024 };
}

/** The longest slice over a set of our measurements, and which one it was. */
function longestSlice(s: SuiteResult, include: (m: Measurement) => boolean): Verdict {
  const ours = s.measurements.filter((m) => m.engine === 'ours' && include(m));
  if (ours.length === 0) return { value: 'n/a', pass: null };
  const worst = ours.reduce((a, b) => ((b.longestSliceMs ?? 0) > (a.longestSliceMs ?? 0) ? b : a));
  const ms = worst.longestSliceMs ?? 0;
  return { value: `${ms.toFixed(1)} ms in ${worst.label}`, pass: ms <= 10 };
}

const asWritten = (m: Measurement) => m.id === 'counting' || m.id === 'counting+trace';

const goals: Array<[string, (s: SuiteResult) => Verdict]> = [
  ['PingPong +trace >= 1/4 of bare loop', (s) => quarterOfBare(s, 'pingpong', 'pingpong')],
  [
    'Counting as written +trace >= 1/4 of bare loop',
    (s) => quarterOfBare(s, 'counting', 'counting'),
  ],
  [
    'Counting yielding +trace >= 1/4 of bare loop',
    (s) => quarterOfBare(s, 'counting-yield', 'counting'),
  ],
  ['PingPong ahead of BEAM +S 1:1', (s) => aheadOfBeam(s, 'pingpong', 'pingpong')],
  ['Counting as written ahead of BEAM +S 1:1', (s) => aheadOfBeam(s, 'counting', 'counting')],
  ['Counting yielding ahead of BEAM +S 1:1', (s) => aheadOfBeam(s, 'counting-yield', 'counting')],
  ['ThreadRing ahead of BEAM +S 1:1', (s) => aheadOfBeam(s, 'threadring', 'threadring')],
  ['Idle process well under 1 KB', idleUnderKilobyte],
  ['No slice > 10 ms, all but Counting as written', (s) => longestSlice(s, (m) => !asWritten(m))],
  ['No slice > 10 ms in Counting as written', (s) => longestSlice(s, asWritten)],
];

{
  const rows = [['goal', ...suites.map((s) => s.platform)]];
  for (const [name, verdict] of goals)
    rows.push([name, ...suites.map((s) => verdictCell(verdict(s)))]);
  table(rows);
  for (const line of [
    'A plain producer loop cannot be preempted in JavaScript: "as written" shows that cost; the',
    'producer that yields every 1000 sends is the fair test of the slice goal. Slices are',
    'wall-clock time: GC pauses and a busy machine make them longer.',
  ]) {
    print(`  ${line}`);
  }
}

const wrong = suites.flatMap((s) =>
  s.measurements
    .filter((m) => !m.correct)
    .map((m) => `${s.platform}: ${m.label} [${m.engine}]: ${m.detail}`),
);
if (wrong.length > 0) {
  print('');
  print('=== WRONG ANSWERS (these figures are void) ===');
  for (const line of wrong) print(`  ${line}`);
}

process.stdout.write(`${out.join('\n')}\n`);
