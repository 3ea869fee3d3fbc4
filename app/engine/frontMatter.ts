/**
 * Reads the front matter block at the top of a chapter:
 *
 *     ---
 *     title: Processes
 *     part: 2
 *     order: 1
 *     ---
 *
 * Only flat `key: value` lines are supported, which is all chapters need; a real YAML parser
 * would be a large dependency for three fields. Problems are returned, never thrown, so one broken
 * chapter shows a message instead of taking the course down.
 */

/** What the course needs to know about a chapter to list and order it. */
export interface ChapterMeta {
  title: string;
  /** The course part, 0 for the start. */
  part: number;
  /** Position inside the part; any number, so 1.5 can slot between 1 and 2. */
  order: number;
}

export type FrontMatterResult =
  { ok: true; meta: ChapterMeta; body: string } | { ok: false; problems: string[]; body: string };

const FENCE = '---';

/** Splits a chapter source into its metadata and its Markdown body. */
export function parseFrontMatter(source: string): FrontMatterResult {
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== FENCE) {
    return {
      ok: false,
      problems: ['the file does not start with a --- front matter block'],
      body: source,
    };
  }
  const closing = lines.findIndex((line, index) => index > 0 && line.trim() === FENCE);
  if (closing === -1) {
    return { ok: false, problems: ['the front matter block has no closing ---'], body: source };
  }

  const body = lines.slice(closing + 1).join('\n');
  const { fields, problems } = readFields(lines.slice(1, closing));
  const meta = readMeta(fields, problems);
  return meta && problems.length === 0 ? { ok: true, meta, body } : { ok: false, problems, body };
}

function readFields(lines: string[]): { fields: Map<string, string>; problems: string[] } {
  const fields = new Map<string, string>();
  const problems: string[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const match = /^([A-Za-z][\w-]*)\s*:\s*(.*)$/.exec(line.trim());
    if (!match) {
      problems.push(`front matter line ${index + 2} is not "key: value"`);
      return;
    }
    fields.set(match[1]!, unquote(match[2]!.trim()));
  });
  return { fields, problems };
}

function unquote(value: string): string {
  const quoted = /^(["'])(.*)\1$/.exec(value);
  return quoted ? quoted[2]! : value;
}

function readMeta(fields: Map<string, string>, problems: string[]): ChapterMeta | null {
  const title = fields.get('title') ?? '';
  if (title === '') problems.push('title is missing');

  const part = numberField(fields, 'part');
  if (!Number.isInteger(part) || part < 0) problems.push('part must be a whole number (0 or more)');

  const order = numberField(fields, 'order');
  if (!Number.isFinite(order)) problems.push('order must be a number');

  return problems.length === 0 ? { title, part, order } : null;
}

function numberField(fields: Map<string, string>, key: string): number {
  const raw = fields.get(key) ?? '';
  // Number('') is 0, so an empty value has to count as missing explicitly.
  return raw === '' ? Number.NaN : Number(raw);
}
