import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkChapterFile } from '../chapters/headless';

const fixturePath = (name: string) => `app/test/fixtures/chapters/${name}`;
const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/chapters/${name}`, import.meta.url), 'utf8');

const FRONT = '---\ntitle: T\npart: 1\norder: 1\n---\n';

describe('the chapter check', () => {
  it('passes a chapter whose cells show what its expect blocks say', async () => {
    const result = await checkChapterFile(fixture('01-all-blocks.md'), 'all-blocks.md');

    expect(result).toEqual({ passed: true, report: '' });
  });

  it('reports a wrong expectation with the chapter, the line and expected vs actual', async () => {
    const path = fixturePath('03-wrong-expectation.md');
    const { passed, report } = await checkChapterFile(fixture('03-wrong-expectation.md'), path);

    expect(passed).toBe(false);
    expect(report).toContain(
      `${path}:19 (cell at line 9) value\n` +
        `  expected: "'hello, Bob'"\n` +
        `  actual:   "'hello, Ada'"`,
    );
  });

  it('expects status ok from a cell without an expect block', async () => {
    const path = fixturePath('03-wrong-expectation.md');
    const { report } = await checkChapterFile(fixture('03-wrong-expectation.md'), path);

    expect(report).toContain(
      `${path}:24 (cell at line 24) status\n` +
        '  expected: ok\n' +
        '  actual:   error, "Error: unexpected"',
    );
  });

  it('checks final output after late processes have run, in virtual time', async () => {
    const path = fixturePath('03-wrong-expectation.md');
    const started = Date.now();
    const { report } = await checkChapterFile(fixture('03-wrong-expectation.md'), path);

    expect(report).toContain(
      `${path}:36 (cell at line 28) final stdout\n` +
        '  expected: "early"\n' +
        '  actual:   "late\\n"',
    );
    // The late process sleeps five seconds; virtual time makes that instant.
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('reports every difference in one run, and only the differences', async () => {
    const { report } = await checkChapterFile(fixture('03-wrong-expectation.md'), 'w.md');

    expect(report.match(/^w\.md:\d+/gm)).toEqual(['w.md:19', 'w.md:24', 'w.md:36']);
  });

  it('fails a malformed chapter with each problem located', async () => {
    const path = fixturePath('02-malformed.md');
    const { passed, report } = await checkChapterFile(fixture('02-malformed.md'), path);

    expect(passed).toBe(false);
    expect(report).toMatch(/^the chapter file is malformed:\n/);
    expect(report).toContain(`${path}:30:1 this \`\`\` fence is never closed`);
  });

  it('places a compile error at its line in the chapter file', async () => {
    const text = `${FRONT}\`\`\`ts\nconst fine = 1;\nconst broken = ;\n\`\`\`\n`;
    const { report } = await checkChapterFile(text, 'c.md');

    expect(report).toMatch(/actual: {3}compile_error at line 8: /);
  });

  it('stops a cell that never finishes and reports it', async () => {
    const text = `${FRONT}\`\`\`ts\nawait receive('never')\n\`\`\`\n\`\`\`ts\n1 + 1\n\`\`\`\n\`\`\`expect\nvalue: 2\n\`\`\`\n`;
    const { report } = await checkChapterFile(text, 's.md', { cellTimeoutMs: 200 });

    expect(report).toBe(
      's.md:6 (cell at line 6) status\n' +
        '  expected: ok\n' +
        '  actual:   the cell did not finish in time and was stopped',
    );
  });

  it('compares values between cells by id', async () => {
    const text =
      `${FRONT}\`\`\`ts id=before\nself()\n\`\`\`\n` +
      `\`\`\`ts\nself()\n\`\`\`\n\`\`\`expect\nvalue same as: before\n\`\`\`\n` +
      `\`\`\`ts\nself()\n\`\`\`\n\`\`\`expect\nvalue differs from: before\n\`\`\`\n`;
    const { report } = await checkChapterFile(text, 'v.md');

    expect(report).toMatch(
      /^v\.md:19 \(cell at line 15\) value differs from\n {2}expected: a value other than that of cell before, "#PID<[\d.]+>"\n {2}actual: {3}"#PID<[\d.]+>"$/,
    );
  });

  it('treats an empty value as "no value" and an empty stdout as "nothing written"', async () => {
    const text = `${FRONT}\`\`\`ts\nconst quiet = 1;\n\`\`\`\n\`\`\`expect\nvalue:\nstdout:\nstderr:\n\`\`\`\n`;

    expect(await checkChapterFile(text, 'e.md')).toEqual({ passed: true, report: '' });
  });
});
