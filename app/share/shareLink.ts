/**
 * The share link's payload: a learner's edited cells, compressed into the URL's fragment
 * (`#share=...`), and read back with a clear reason whenever it cannot be used.
 *
 * Why it is built this way:
 * - The fragment is never sent to the host, so a link works on any static host and the edits
 *   stay between the two people who pass it on.
 * - The text is `<format>.<check>.<data>`: the format number first, so a link from another
 *   version of the site says so instead of failing as garbage; then `fingerprint(data)`, which
 *   holds the data's length (a link cut short says it is incomplete, and how much arrived) and
 *   a hash (a link changed on the way says so instead of opening wrong code); then the edits as
 *   JSON, DEFLATE-compressed (fflate) and in base64url, which needs no escaping in a URL.
 * - Each edit names its cell by id and carries the fingerprint of the chapter's code the edit
 *   started from, so a link made against another version of the chapter says which cells no
 *   longer match instead of putting code into the wrong place (sharePlan.ts).
 * - Everything read is bounded before it is trusted: the link's length, the inflated size (a
 *   small link must not expand into megabytes), the number of edits, each field's type.
 *   Shared sources are only ever text: the page shows them in editors and `<pre>`, never as HTML.
 * Pure (no DOM, no React): the page and Node tests use the same code.
 */
import { Inflate, deflateSync } from 'fflate';
import { fingerprint } from '../persistence/savedChapter';

/** The format this site writes and reads; another number is reported, not guessed at. */
export const SHARE_FORMAT_VERSION = 1;

/** The fragment's key: `#share=<payload>`. */
export const SHARE_FRAGMENT_KEY = 'share';

/**
 * The longest payload a link may carry, in characters. Links longer than this break in mail
 * and chat programs; edits that need more go in an exported chapter file instead.
 */
export const MAX_SHARE_CHARS = 8000;

/** The most text a payload may inflate to (UTF-8 bytes of its JSON). */
export const MAX_SHARED_BYTES = 256 * 1024;

/** The most edited cells one link may carry (a chapter has a few dozen cells). */
export const MAX_SHARED_CELLS = 200;

/** One shared cell: which cell, the chapter code it was edited from, and the learner's code. */
export interface SharedEdit {
  /** The cell's id in the chapter (its fence's `id=`, an exercise's id, or `cell-<n>`). */
  readonly cellId: string;
  /** `fingerprint()` of the chapter's code for the cell when the link was made. */
  readonly base: string;
  /** The learner's code. */
  readonly source: string;
}

/** What a share link carries. */
export interface SharedEdits {
  /** The chapter the edits were made in. */
  readonly slug: string;
  readonly edits: readonly SharedEdit[];
}

/** What making a link gave: the payload, or why there is none. */
export type EncodedShare =
  | { readonly ok: true; readonly payload: string }
  | { readonly ok: false; readonly reason: 'too_big'; readonly length: number };

/** Why a payload could not be read. */
export type ShareProblem = 'oversized' | 'truncated' | 'corrupt' | 'version';

/** What reading a payload gave. */
export type DecodedShare =
  | { readonly ok: true; readonly shared: SharedEdits }
  | { readonly ok: false; readonly problem: ShareProblem; readonly message: string };

/** Compresses a chapter's edits into a payload, or says they are too big for a link. */
export function encodeShare(shared: SharedEdits): EncodedShare {
  const json = JSON.stringify({
    chapter: shared.slug,
    edits: shared.edits.map(({ cellId, base, source }) => ({ cell: cellId, base, source })),
  });
  const data = toBase64Url(deflateSync(new TextEncoder().encode(json), { level: 9 }));
  const payload = `${SHARE_FORMAT_VERSION}.${fingerprint(data)}.${data}`;
  if (payload.length > MAX_SHARE_CHARS) {
    return { ok: false, reason: 'too_big', length: payload.length };
  }
  return { ok: true, payload };
}

/** The payload of a URL fragment (`#share=...`, with or without `#`), or null if it has none. */
export function sharePayloadOf(hash: string): string | null {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  const prefix = `${SHARE_FRAGMENT_KEY}=`;
  return fragment.startsWith(prefix) ? fragment.slice(prefix.length) : null;
}

/** The fragment, with `#`, that carries a payload. */
export function shareFragment(payload: string): string {
  return `#${SHARE_FRAGMENT_KEY}=${payload}`;
}

const INCOMPLETE_ADVICE = 'Ask for the link again, or copy all of it.';

/** Reads a payload; never throws, and says what is wrong in words a reader can act on. */
export function decodeShare(raw: string): DecodedShare {
  // Mail programs wrap long lines and some chat programs percent-encode what they pass on.
  const text = safeDecodeUri(raw).replace(/\s+/g, '');
  if (text.length > MAX_SHARE_CHARS + 64) {
    return fail(
      'oversized',
      `This share link is too long to read (${text.length.toLocaleString('en')} characters; ` +
        `share links have at most ${MAX_SHARE_CHARS.toLocaleString('en')}).`,
    );
  }
  const version = /^(\d+)(?:\.|$)/.exec(text)?.[1];
  if (version === undefined) {
    return fail('corrupt', 'This share link is damaged: it is not in the form share links have.');
  }
  if (Number(version) !== SHARE_FORMAT_VERSION) {
    return fail(
      'version',
      `This share link was made in format ${version}, and this site reads format ` +
        `${SHARE_FORMAT_VERSION}. It may come from another version of Actorbook: reload the page, ` +
        'or ask for a link made on this site.',
    );
  }
  const envelope = /^\d+\.([0-9a-z]+)-([0-9a-z]+)(?:\.(.*))?$/.exec(text);
  if (!envelope) {
    // Only the start of the check arrived (`1.`, `1.4f`, `1.4f-`), or something else is there.
    return /^\d+(\.[0-9a-z]*-?)?$/.test(text)
      ? fail('truncated', `This share link is incomplete: it was cut off. ${INCOMPLETE_ADVICE}`)
      : fail('corrupt', 'This share link is damaged: it is not in the form share links have.');
  }
  const [, lengthText, hash, rest] = envelope;
  const declared = parseInt(lengthText!, 36);
  const arrived = rest ?? '';
  if (rest === undefined || arrived.length < declared) {
    return fail(
      'truncated',
      `This share link is incomplete: it was cut off (${arrived.length.toLocaleString('en')} of ` +
        `${declared.toLocaleString('en')} characters arrived). ${INCOMPLETE_ADVICE}`,
    );
  }
  // Extra characters after the data (a full stop a chat program took into the link) are left.
  const data = arrived.slice(0, declared);
  if (fingerprint(data) !== `${lengthText}-${hash}` || !/^[A-Za-z0-9_-]*$/.test(data)) {
    return fail('corrupt', 'This share link is damaged: some of its characters were changed.');
  }
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(inflateBounded(fromBase64Url(data)));
  } catch (error) {
    if (error instanceof TooLarge) {
      return fail('oversized', 'This share link holds more text than a share link may carry.');
    }
    return fail('corrupt', 'This share link is damaged: its edits cannot be unpacked.');
  }
  const shared = readSharedEdits(json);
  return typeof shared === 'string'
    ? fail('corrupt', `This share link is damaged: ${shared}.`)
    : { ok: true, shared };
}

/** The edits a payload's JSON holds, or what is wrong with it. */
function readSharedEdits(json: string): SharedEdits | string {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return 'its edits are not readable';
  }
  if (!isRecord(data)) return 'its edits are not a list of cells';
  const slug = data['chapter'];
  if (typeof slug !== 'string' || slug === '' || slug.length > 200) {
    return 'it does not name its chapter';
  }
  const edits = data['edits'];
  if (!Array.isArray(edits)) return 'its edits are not a list of cells';
  if (edits.length > MAX_SHARED_CELLS) {
    return `it carries ${edits.length} cells, more than the ${MAX_SHARED_CELLS} a link may`;
  }
  const checked: SharedEdit[] = [];
  const seen = new Set<string>();
  for (const [index, edit] of edits.entries()) {
    if (
      !isRecord(edit) ||
      typeof edit['cell'] !== 'string' ||
      !CELL_ID.test(edit['cell']) ||
      typeof edit['base'] !== 'string' ||
      edit['base'].length > 40 ||
      typeof edit['source'] !== 'string'
    ) {
      return `its edit number ${index + 1} is not a cell id, a base and a source`;
    }
    if (seen.has(edit['cell'])) return `it carries two edits for one cell`;
    seen.add(edit['cell']);
    checked.push({ cellId: edit['cell'], base: edit['base'], source: edit['source'] });
  }
  return { slug, edits: checked };
}

/** What a cell id looks like (chapterFormat's ids, exercise ids, `cell-<n>`), kept short. */
const CELL_ID = /^[A-Za-z][\w-]{0,99}$/;

class TooLarge extends Error {}

/**
 * Inflates at most MAX_SHARED_BYTES: the input goes in in small slices, so a link built to
 * expand (DEFLATE can grow a thousandfold) stops soon after the limit instead of filling memory.
 */
function inflateBounded(bytes: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const inflate = new Inflate((chunk) => {
    size += chunk.length;
    if (size > MAX_SHARED_BYTES) throw new TooLarge();
    chunks.push(chunk);
  });
  const SLICE = 64;
  for (let at = 0; at < bytes.length; at += SLICE) {
    inflate.push(bytes.subarray(at, at + SLICE), at + SLICE >= bytes.length);
  }
  if (bytes.length === 0) inflate.push(bytes, true);
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function safeDecodeUri(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function fail(problem: ShareProblem, message: string): DecodedShare {
  return { ok: false, problem, message };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
