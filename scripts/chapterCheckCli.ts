/**
 * `npm run chapters:check -- path/to/file.md ...`: checks any chapter files, wherever they are,
 * with the chapter check the test suite and the page run (`checkChapterText` on a headless,
 * virtual-time session: app/test/chapters/headless.ts). Prints each file's located problems or
 * failed expectations and returns how many files failed. scripts/chaptersCheck.mjs bundles and
 * runs it.
 */
import { readFile } from 'node:fs/promises';
import { checkChapterFile } from '../app/test/chapters/headless';

/** Checks each file in turn; `say` prints a line. Returns the number of files that failed. */
export async function checkChapterFiles(
  paths: readonly string[],
  say: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  let failed = 0;
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      failed++;
      say(`FAIL ${path}: the file could not be read (${(error as Error).message})`);
      continue;
    }
    const started = performance.now();
    const { passed, report } = await checkChapterFile(text, path);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (passed) {
      say(`ok   ${path} (${seconds}s)`);
    } else {
      failed++;
      say(`FAIL ${path} (${seconds}s)\n${report}\n`);
    }
  }
  say(
    `${paths.length - failed} of ${paths.length} ${paths.length === 1 ? 'file' : 'files'} passed`,
  );
  return failed;
}
