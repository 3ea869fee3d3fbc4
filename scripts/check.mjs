// @ts-check
/**
 * The one check, the same locally and in CI: every step runs even after a failure, so one run
 * shows everything that is wrong, and the last line sums the steps up.
 */
import { spawnSync } from 'node:child_process';

const STEPS = [
  { label: 'format', script: 'format:check' },
  { label: 'lint', script: 'lint' },
  { label: 'typecheck', script: 'typecheck' },
  { label: 'unit tests', script: 'test:unit' },
  { label: 'browser tests', script: 'test:browser' },
];

const results = STEPS.map(({ label, script }) => {
  console.log(`\n=== ${label} (npm run ${script}) ===`);
  const started = Date.now();
  const { status } = spawnSync('npm', ['run', '--silent', script], { stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return { label, passed: status === 0, seconds };
});

console.log('\n=== summary ===');
for (const { label, passed, seconds } of results) {
  console.log(`${passed ? 'ok  ' : 'FAIL'}  ${label} (${seconds}s)`);
}
const failed = results.filter((result) => !result.passed).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
