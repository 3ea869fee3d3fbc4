import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => `app/test/fixtures/chapters/${name}`;

/** Runs `npm run chapters:check -- ...files` the way a person types it. */
function chaptersCheck(...files: string[]) {
  const run = spawnSync('node', ['scripts/chaptersCheck.mjs', ...files], {
    cwd: root,
    encoding: 'utf8',
  });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('npm run chapters:check -- file.md', () => {
  it('checks the files given, reports failures with file and line, and exits 1', () => {
    const { status, output } = chaptersCheck(
      fixture('01-all-blocks.md'),
      fixture('03-wrong-expectation.md'),
      fixture('02-malformed.md'),
    );
    expect(status).toBe(1);
    expect(output).toContain(`ok   ${fixture('01-all-blocks.md')}`);
    expect(output).toContain(
      `${fixture('03-wrong-expectation.md')}:19 (cell at line 9) value\n` +
        `  expected: "'hello, Bob'"\n  actual:   "'hello, Ada'"`,
    );
    expect(output).toContain(
      `${fixture('02-malformed.md')}:3:1 front matter: part must be a whole number`,
    );
    expect(output).toContain('1 of 3 files passed');
  }, 120_000);

  it('exits 0 when every file given passes, and 1 for a file that does not exist', () => {
    expect(chaptersCheck(fixture('01-all-blocks.md')).status).toBe(0);
    const missing = chaptersCheck('no/such/chapter.md');
    expect(missing.status).toBe(1);
    expect(missing.output).toContain('FAIL no/such/chapter.md: the file could not be read');
  }, 120_000);
});
