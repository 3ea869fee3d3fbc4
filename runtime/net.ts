/**
 * Net: a simulated, deterministic network for cells. No real request ever leaves the page.
 *
 * A cell defines hosts (latency, bandwidth) and their pages (size, behaviour), then fetches them
 * with `Net.get` (the whole body, as one result) or `Net.stream` (chunks sent to a process one at
 * a time, each only when it is asked for with `Net.next`). Time comes from the runtime's timers,
 * so it works on the real and the virtual clock; randomness (latency jitter) comes from a seeded
 * generator keyed by the URL and how many times it was fetched, so the same seed gives the same
 * results and the same trace whatever order processes run in.
 *
 * The network is not a process: answers and chunks are messages sent by the host (`from` is
 * null) with the trace kind 'net', which the sequence diagram labels NET.
 */
import { ArgumentError } from './errors';
import { inspect } from './inspect';
import { on } from './pattern';
import type { Proc } from './process';
import type { Runtime } from './runtime';
import { _, Pid, Ref } from './terms';
import { callerProc, receive } from './api';
import { SITES } from './netSites';
import type { Site } from './netSites';

export type { Site, SiteKind } from './netSites';

/** What a page does when it is fetched. */
export type NetBehaviour =
  /** 200 with the page's body. */
  | 'ok'
  /** 404 with a short body (an answer, not an error: `['ok', {status: 404, ...}]`). */
  | 'not_found'
  /** 200, but the host answers `slowFactor` times slower (latency and transfer). */
  | 'slow'
  /** The connection is reset half-way through the body: `['error', 'econnreset']`. */
  | 'reset'
  /** The server never answers: the caller's timeout ends the wait with `['error', 'timeout']`. */
  | 'timeout'
  /** 301 to `to`, which `Net.get` and `Net.stream` follow (up to `maxRedirects`). */
  | 'redirect';

/** One page of a host. */
export interface PageSpec {
  /** What the page does (default 'ok'). */
  behaviour?: NetBehaviour;
  /** Body size in bytes (default 2000); ignored when `body` is given. */
  size?: number;
  /** The body itself; by default a made-up text of `size` characters. */
  body?: string;
  /** The redirect's target, a full URL or a path on the same host (behaviour 'redirect'). */
  to?: string;
}

/** One host: how fast it is and what its pages are. */
export interface HostSpec {
  /**
   * Milliseconds before the first byte of each request: a number, or `[min, max]` for a seeded
   * random value in that range (default 20).
   */
  latency?: number | readonly [number, number];
  /** Bytes per second the host sends (default 1,000,000). */
  bandwidth?: number;
  /** How much slower a 'slow' page is (default 20). */
  slowFactor?: number;
  /** True for a host that refuses every connection: `['error', 'econnrefused']`. */
  down?: boolean;
  /** Pages by path (`'/'`, `'/docs'`); a path not listed answers 404. */
  pages?: Readonly<Record<string, PageSpec>>;
}

/** A whole response. */
export interface NetResponse {
  /** HTTP status: 200, 404 or 301 (when redirects are not followed). */
  status: number;
  /** The body text. */
  body: string;
  /** The body's size in bytes. */
  size: number;
  /** The URL that answered (after redirects). */
  url: string;
  /** Where a 301 points, else null. */
  location: string | null;
}

/**
 * Why a request failed: 'nxdomain' (no such host), 'econnrefused' (host down), 'econnreset'
 * (connection reset mid-body), 'timeout', 'too_many_redirects'.
 */
export type NetError =
  'nxdomain' | 'econnrefused' | 'econnreset' | 'timeout' | 'too_many_redirects';

/** What `Net.get` resolves, Elixir style. */
export type NetResult = ['ok', NetResponse] | ['error', NetError];

/** Options of `Net.get`. */
export interface GetOptions {
  /** Milliseconds to wait for the whole response, or 'infinity' (default 5000). */
  timeout?: number | 'infinity';
  /** Follow 301s (default true). */
  followRedirects?: boolean;
  /** Most redirects followed before `['error', 'too_many_redirects']` (default 5). */
  maxRedirects?: number;
}

/** Options of `Net.stream`. */
export interface StreamOptions {
  /** The process the messages go to (default: the caller). */
  to?: Pid;
  /** Bytes per chunk (default 1000). */
  chunkSize?: number;
  /** Milliseconds each answer to `Net.next` may take, or 'infinity' (default 5000). */
  timeout?: number | 'infinity';
  /** Most redirects followed (default 5). */
  maxRedirects?: number;
}

/** The head of a streamed response, in the first message. */
export interface StreamHead {
  status: number;
  size: number;
  url: string;
  /** How many chunk messages follow. */
  chunks: number;
}

/**
 * The messages a stream sends, one per `Net.next`: first `['response', ref, head]`, then
 * `['chunk', ref, text]` for each chunk, then `['done', ref, {status, size, url}]`; or at any
 * point `['error', ref, reason]`, after which nothing more comes.
 */
export type StreamMessage =
  | ['response', Ref, StreamHead]
  | ['chunk', Ref, string]
  | ['done', Ref, { status: number; size: number; url: string }]
  | ['error', Ref, NetError];

interface Host {
  readonly name: string;
  readonly latency: number | readonly [number, number];
  readonly bandwidth: number;
  readonly slowFactor: number;
  readonly down: boolean;
  readonly pages: Map<string, PageSpec>;
}

interface Stream {
  readonly ref: Ref;
  readonly to: Proc;
  readonly chunkSize: number;
  readonly timeout: number;
  readonly plan: Plan;
  /** Messages sent so far (0: nothing, 1: the head, then chunks). */
  sent: number;
  /** Asks not yet answered. */
  demand: number;
  /** The answer in flight, cancellable. */
  cancel: (() => void) | null;
  finished: boolean;
}

/** A request worked out in advance: what comes back, and how long each part takes. */
interface Plan {
  readonly result: NetResult;
  /** The URL that answers (after redirects) and its status. */
  readonly url: string;
  readonly status: number;
  /** Ms until the head (latency of every hop); Infinity when it never comes. */
  readonly headMs: number;
  /** Ms per byte of body. */
  readonly msPerByte: number;
  /** For 'reset': the byte at which the connection drops; else null. */
  readonly resetAt: number | null;
  readonly body: string;
}

interface World {
  seed: number;
  readonly hosts: Map<string, Host>;
  /** How many times each URL was requested, for per-request jitter independent of ordering. */
  readonly counts: Map<string, number>;
  readonly streams: Map<number, Stream>;
}

const worlds = new WeakMap<Runtime, World>();

function worldOf(proc: Proc): World {
  let world = worlds.get(proc.runtime);
  if (!world) {
    world = { seed: 1, hosts: new Map(), counts: new Map(), streams: new Map() };
    worlds.set(proc.runtime, world);
  }
  return world;
}

/** A 32-bit hash (FNV-1a) of a string, mixed with the seed. */
function hash(seed: number, text: string): number {
  let h = (2166136261 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  // A final avalanche (from murmur3), so close seeds give unrelated values.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

function parseUrl(url: unknown, where: string): { host: string; path: string; url: string } {
  if (typeof url !== 'string')
    throw new ArgumentError(`${where} expects a URL string, got ${inspect(url)}`);
  const m = /^https?:\/\/([a-z0-9.-]+)(\/[^\s?#]*)?$/i.exec(url);
  if (!m)
    throw new ArgumentError(
      `${where}: ${inspect(url)} is not a URL like 'https://host.example/path'`,
    );
  const host = m[1]!.toLowerCase();
  const path = m[2] ?? '/';
  return { host, path, url: `https://${host}${path}` };
}

function checkMs(value: unknown, what: string): number {
  if (value === 'infinity') return Infinity;
  if (typeof value === 'number' && value >= 0) return value;
  throw new ArgumentError(
    `${what} must be a non-negative number of ms or 'infinity', got ${inspect(value)}`,
  );
}

function checkHost(name: string, spec: HostSpec): Host {
  if (!/^[a-z0-9.-]+$/i.test(name))
    throw new ArgumentError(`Net.define: ${inspect(name)} is not a host name like 'shop.example'`);
  if (spec === null || typeof spec !== 'object')
    throw new ArgumentError(`Net.define: host ${name} needs an object, got ${inspect(spec)}`);
  const latency = spec.latency ?? 20;
  const ok =
    (typeof latency === 'number' && latency >= 0) ||
    (Array.isArray(latency) && latency.length === 2 && latency[0] >= 0 && latency[1] >= latency[0]);
  if (!ok)
    throw new ArgumentError(
      `Net.define: latency of ${name} must be ms or [min, max], got ${inspect(latency)}`,
    );
  const bandwidth = spec.bandwidth ?? 1_000_000;
  if (!(typeof bandwidth === 'number' && bandwidth > 0))
    throw new ArgumentError(`Net.define: bandwidth of ${name} must be positive bytes per second`);
  const slowFactor = spec.slowFactor ?? 20;
  if (!(typeof slowFactor === 'number' && slowFactor >= 1))
    throw new ArgumentError(`Net.define: slowFactor of ${name} must be at least 1`);
  const pages = new Map<string, PageSpec>();
  for (const [path, page] of Object.entries(spec.pages ?? {})) {
    if (!path.startsWith('/'))
      throw new ArgumentError(`Net.define: page ${inspect(path)} of ${name} must start with '/'`);
    const behaviour = page.behaviour ?? 'ok';
    if (!BEHAVIOURS.includes(behaviour))
      throw new ArgumentError(
        `Net.define: ${name}${path} has behaviour ${inspect(behaviour)}; expected one of ${BEHAVIOURS.join(', ')}`,
      );
    if (behaviour === 'redirect' && typeof page.to !== 'string')
      throw new ArgumentError(`Net.define: the redirect ${name}${path} needs 'to'`);
    if (page.size !== undefined && !(Number.isInteger(page.size) && page.size >= 0))
      throw new ArgumentError(`Net.define: size of ${name}${path} must be a whole number of bytes`);
    pages.set(path, { ...page, behaviour });
  }
  return {
    name: name.toLowerCase(),
    latency,
    bandwidth,
    slowFactor,
    down: spec.down === true,
    pages,
  };
}

const BEHAVIOURS: readonly NetBehaviour[] = [
  'ok',
  'not_found',
  'slow',
  'reset',
  'timeout',
  'redirect',
];

/** A made-up body of exactly `size` characters, the same every time. */
function madeUpBody(url: string, size: number): string {
  const line = `<p>${url} - a simulated page.</p>\n`;
  return line.repeat(Math.ceil(size / line.length)).slice(0, size);
}

function latencyOf(world: World, host: Host, url: string, n: number): number {
  const l = host.latency;
  if (typeof l === 'number') return l;
  const r = hash(world.seed, `${url}#${n}`) / 4294967296;
  return Math.round(l[0] + r * (l[1] - l[0]));
}

/** Works out a request: follows redirects, adds latencies, finds the body and its fate. */
function plan(world: World, url: string, follow: boolean, maxRedirects: number): Plan {
  let ms = 0;
  let current = url;
  for (let hops = 0; ; hops++) {
    const { host: hostName, path, url: full } = parseUrl(current, 'Net');
    current = full;
    const host = world.hosts.get(hostName);
    if (!host) return failed('nxdomain', ms + 5);
    const n = (world.counts.get(full) ?? 0) + 1;
    world.counts.set(full, n);
    const page = host.pages.get(path) ?? null;
    const behaviour = page?.behaviour ?? 'not_found';
    const factor = behaviour === 'slow' ? host.slowFactor : 1;
    ms += latencyOf(world, host, full, n) * factor;
    if (host.down) return failed('econnrefused', ms);
    if (behaviour === 'timeout') return failed('timeout', Infinity);
    const msPerByte = (1000 / host.bandwidth) * factor;
    if (behaviour === 'redirect') {
      const to = page!.to!.startsWith('/') ? `https://${host.name}${page!.to!}` : page!.to!;
      if (follow) {
        if (hops >= maxRedirects) return failed('too_many_redirects', ms);
        current = to;
        continue;
      }
      return response(301, '', full, to, ms, msPerByte, null);
    }
    const body =
      behaviour === 'not_found'
        ? (page?.body ?? 'Not Found')
        : (page!.body ?? madeUpBody(full, page!.size ?? 2000));
    const status = behaviour === 'not_found' ? 404 : 200;
    const resetAt = behaviour === 'reset' ? Math.floor(body.length / 2) : null;
    return response(status, body, full, null, ms, msPerByte, resetAt);
  }

  function failed(reason: NetError, headMs: number): Plan {
    return {
      result: ['error', reason],
      url: current,
      status: 0,
      headMs,
      msPerByte: 0,
      resetAt: null,
      body: '',
    };
  }
  function response(
    status: number,
    body: string,
    at: string,
    location: string | null,
    headMs: number,
    msPerByte: number,
    resetAt: number | null,
  ): Plan {
    const result: NetResult =
      resetAt === null
        ? ['ok', { status, body, size: body.length, url: at, location }]
        : ['error', 'econnreset'];
    return { result, url: at, status, headMs, msPerByte, resetAt, body };
  }
}

/** Ms of a transfer of `bytes`, rounded to a whole ms so traces stay readable. */
const transfer = (plan: Plan, bytes: number) => Math.round(bytes * plan.msPerByte);

function deliver(proc: Proc, message: unknown): void {
  if (proc.status !== 'dead') proc.runtime.deliver(proc, message, null, 'net', null);
}

function answerStream(stream: Stream): void {
  if (stream.finished || stream.cancel || stream.demand === 0) return;
  const { plan, ref } = stream;
  const finish = (message: StreamMessage, ms: number) =>
    schedule(ms, message, () => {
      stream.finished = true;
      worldOf(stream.to).streams.delete(ref.id);
    });
  const schedule = (ms: number, message: StreamMessage, then?: () => void) => {
    const fire = () => {
      stream.cancel = null;
      if (stream.to.status === 'dead') {
        // Its receiver is gone: close the stream, as a send to a dead pid is dropped.
        stream.finished = true;
        worldOf(stream.to).streams.delete(ref.id);
        return;
      }
      stream.demand--;
      stream.sent++;
      then?.();
      deliver(stream.to, message);
      answerStream(stream);
    };
    if (ms === Infinity && stream.timeout === Infinity) {
      stream.cancel = () => {};
      return;
    }
    if (ms > stream.timeout) {
      stream.cancel = stream.to.runtime.schedule(stream.timeout, () => {
        stream.cancel = null;
        stream.demand--;
        stream.finished = true;
        worldOf(stream.to).streams.delete(ref.id);
        deliver(stream.to, ['error', ref, 'timeout']);
      });
      return;
    }
    stream.cancel = stream.to.runtime.schedule(ms, fire);
  };
  const chunks = Math.ceil(plan.body.length / stream.chunkSize);
  if (stream.sent === 0) {
    const [tag, value] = plan.result;
    if (tag === 'error' && plan.resetAt === null) {
      finish(['error', ref, value], plan.headMs);
      return;
    }
    const head = { status: plan.status, size: plan.body.length, url: plan.url, chunks };
    schedule(plan.headMs, ['response', ref, head]);
    return;
  }
  const index = stream.sent - 1;
  const start = index * stream.chunkSize;
  if (plan.resetAt !== null && start + stream.chunkSize > plan.resetAt) {
    finish(['error', ref, 'econnreset'], transfer(plan, Math.max(0, plan.resetAt - start)));
    return;
  }
  if (index < chunks) {
    const text = plan.body.slice(start, start + stream.chunkSize);
    schedule(transfer(plan, text.length), ['chunk', ref, text]);
    return;
  }
  finish(['done', ref, { status: plan.status, size: plan.body.length, url: plan.url }], 0);
}

/** The simulated network. Its state (hosts, seed) belongs to the runtime of the calling process. */
export const Net = {
  /**
   * Adds or replaces hosts: `Net.define({'shop.example': {latency: [20, 60], pages: {'/': {size:
   * 5000}}}})`. A path a host does not list answers 404. Returns 'ok'.
   * @example
   * Net.define({
   *   'news.example': { latency: 40, bandwidth: 200_000, pages: {
   *     '/': { size: 8000 },
   *     '/old': { behaviour: 'redirect', to: '/' },
   *     '/live': { behaviour: 'reset', size: 50_000 },
   *   } },
   * });
   * const [tag, res] = await Net.get('https://news.example/old'); // ['ok', {status: 200, ...}]
   */
  define(hosts: Readonly<Record<string, HostSpec>>): 'ok' {
    const world = worldOf(callerProc('Net.define'));
    if (hosts === null || typeof hosts !== 'object')
      throw new ArgumentError(`Net.define expects {host: spec, ...}, got ${inspect(hosts)}`);
    const checked = Object.entries(hosts).map(([name, spec]) => checkHost(name, spec));
    for (const host of checked) world.hosts.set(host.name, host);
    return 'ok';
  },

  /**
   * Forgets every host and stream and sets the seed (default 1): after it, the same requests give
   * the same latencies, results and trace as the first time.
   */
  reset(seed = 1): 'ok' {
    const world = worldOf(callerProc('Net.reset'));
    Net.seed(seed);
    world.hosts.clear();
    for (const stream of world.streams.values()) stream.cancel?.();
    world.streams.clear();
    return 'ok';
  },

  /**
   * Sets the seed of the latency jitter (a whole number) and restarts the request counts, so
   * what follows is reproducible. Returns 'ok'.
   */
  seed(seed: number): 'ok' {
    const world = worldOf(callerProc('Net.seed'));
    if (!Number.isInteger(seed))
      throw new ArgumentError(`Net.seed expects an integer, got ${inspect(seed)}`);
    world.seed = seed;
    world.counts.clear();
    return 'ok';
  },

  /** The host names defined, sorted. */
  hosts(): string[] {
    return [...worldOf(callerProc('Net.hosts')).hosts.keys()].sort();
  },

  /**
   * Fetches a whole page. Resolves `['ok', {status, body, size, url, location}]` (a 404 is an
   * answer too) or `['error', reason]`: 'nxdomain' for an unknown host, 'econnrefused',
   * 'econnreset', 'timeout' (after `timeout` ms, default 5000), 'too_many_redirects'. It takes
   * simulated time: each hop's latency plus size / bandwidth. Throws ArgumentError for a string
   * that is not a URL.
   * @example
   * const [tag, res] = await Net.get('https://shop.example/', { timeout: 1000 });
   * if (tag === 'ok') console.log(res.status, res.size);
   */
  get(url: string, options: GetOptions = {}): Promise<NetResult> {
    const proc = callerProc('Net.get');
    parseUrl(url, 'Net.get');
    const timeout = checkMs(options.timeout ?? 5000, 'Net.get: timeout');
    const max = options.maxRedirects ?? 5;
    const p = plan(worldOf(proc), url, options.followRedirects ?? true, max);
    const ms =
      p.resetAt !== null
        ? p.headMs + transfer(p, p.resetAt)
        : p.headMs + transfer(p, p.body.length);
    const ref = proc.runtime.makeRef(proc);
    if (ms !== Infinity && ms <= timeout)
      proc.runtime.schedule(ms, () => deliver(proc, ['$net', ref, p.result]));
    else if (timeout !== Infinity)
      proc.runtime.schedule(timeout, () => deliver(proc, ['$net', ref, ['error', 'timeout']]));
    return receive(on(['$net', ref, _], (m: [string, Ref, NetResult]) => m[2]));
  },

  /**
   * Opens a stream of `url` to a process (default the caller) and returns its ref. Nothing is
   * sent until the receiver asks: each `Net.next(ref)` brings exactly one message, in order
   * `['response', ref, {status, size, url, chunks}]`, `['chunk', ref, text]`..., `['done', ref,
   * {status, size, url}]`, or `['error', ref, reason]` which ends it. Each answer takes simulated
   * time (latency for the response, size / bandwidth for a chunk); one that would take longer
   * than `timeout` ends the stream with `['error', ref, 'timeout']`.
   * @example
   * const ref = Net.stream('https://files.example/big', { chunkSize: 4096 });
   * for (;;) {
   *   Net.next(ref);
   *   const msg = await receive(on([_, ref, _], (m) => m));
   *   if (msg[0] === 'done' || msg[0] === 'error') break;
   * }
   */
  stream(url: string, options: StreamOptions = {}): Ref {
    const proc = callerProc('Net.stream');
    parseUrl(url, 'Net.stream');
    const world = worldOf(proc);
    if (options.to !== undefined && !(options.to instanceof Pid))
      throw new ArgumentError(`Net.stream: 'to' must be a pid, got ${inspect(options.to)}`);
    // A stream to a dead pid sends nothing, as a send to it would be dropped.
    const to = options.to === undefined ? proc : proc.runtime.procOf(options.to);
    const chunkSize = options.chunkSize ?? 1000;
    if (!(Number.isInteger(chunkSize) && chunkSize > 0))
      throw new ArgumentError(`Net.stream: chunkSize must be a positive whole number of bytes`);
    const timeout = checkMs(options.timeout ?? 5000, 'Net.stream: timeout');
    const ref = proc.runtime.makeRef(proc);
    const p = plan(world, url, true, options.maxRedirects ?? 5);
    const stream: Stream = {
      ref,
      to: to ?? proc,
      chunkSize,
      timeout,
      plan: p,
      sent: 0,
      demand: 0,
      cancel: null,
      finished: to === null,
    };
    if (!stream.finished) world.streams.set(ref.id, stream);
    return ref;
  },

  /**
   * Asks a stream for its next message (see `Net.stream`); asks add up, and are answered one
   * after the other. Returns 'ok'; throws ArgumentError for a stream that has ended or was never
   * opened.
   */
  next(ref: Ref, count = 1): 'ok' {
    const world = worldOf(callerProc('Net.next'));
    const stream = ref instanceof Ref ? world.streams.get(ref.id) : undefined;
    if (!stream || stream.ref !== ref)
      throw new ArgumentError(
        `Net.next: ${inspect(ref)} is not an open stream (it ended, or was never opened)`,
      );
    if (!(Number.isInteger(count) && count > 0))
      throw new ArgumentError(`Net.next: count must be a positive whole number`);
    stream.demand += count;
    answerStream(stream);
    return 'ok';
  },

  /** Closes a stream: nothing more is sent. Returns 'ok' (also for a stream already ended). */
  cancel(ref: Ref): 'ok' {
    const world = worldOf(callerProc('Net.cancel'));
    const stream = ref instanceof Ref ? world.streams.get(ref.id) : undefined;
    if (stream) {
      stream.cancel?.();
      stream.finished = true;
      world.streams.delete(ref.id);
    }
    return 'ok';
  },

  /** The hundred sites of the course's fictional web (name, url, kind), without defining them. */
  sites(): readonly Site[] {
    return SITES;
  },

  /**
   * Defines the hundred sites of the fictional web in one call and returns them: 'fast' ones
   * answer 200 within about 100 ms, 'slow' ones take seconds, 'failing' ones fail (refused,
   * reset, timeout or 404; see each site's `failure`).
   */
  useSites(): readonly Site[] {
    const hosts: Record<string, HostSpec> = {};
    for (const site of SITES) hosts[parseUrl(site.url, 'Net.useSites').host] = siteHost(site);
    Net.define(hosts);
    return SITES;
  },
};

function siteHost(site: Site): HostSpec {
  const size = site.size;
  if (site.kind === 'fast')
    return { latency: [20, 90], bandwidth: 2_000_000, pages: { '/': { size } } };
  if (site.kind === 'slow')
    return {
      latency: [150, 400],
      bandwidth: 400_000,
      slowFactor: 8,
      pages: { '/': { size, behaviour: 'slow' } },
    };
  if (site.failure === 'refused') return { latency: [30, 120], down: true };
  const behaviour: NetBehaviour =
    site.failure === 'reset' ? 'reset' : site.failure === 'timeout' ? 'timeout' : 'not_found';
  return { latency: [30, 120], bandwidth: 1_000_000, pages: { '/': { size, behaviour } } };
}
