/**
 * The runtime's only contact with its host's timers and event loop.
 *
 * Everything else in runtime/ gets time through a Clock and yields through `scheduleMacrotask`,
 * so the same code runs in a browser worker, in Node and under a virtual clock in tests.
 * A macrotask (not a microtask) lets the host serve control messages between scheduler slices;
 * MessageChannel and setImmediate avoid the 4 ms clamp browsers put on chained setTimeout(0).
 */

type TimerHandle = unknown;

interface HostGlobals {
  setTimeout(cb: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setImmediate?: (cb: () => void) => unknown;
  MessageChannel?: new () => {
    port1: { onmessage: ((ev: unknown) => void) | null };
    port2: { postMessage(value: unknown): void };
  };
  performance?: { now(): number };
}

const host = globalThis as unknown as HostGlobals;

/** Monotonic real time in milliseconds, for slice budgets and the real clock. */
// Read `performance` once: in Node it is a lazy getter that costs more than the call itself.
const performance = host.performance;
export const hostNow: () => number = performance
  ? performance.now.bind(performance)
  : () => Date.now();

function createMacrotaskScheduler(): (cb: () => void) => void {
  if (typeof host.setImmediate === 'function') {
    const setImmediate = host.setImmediate;
    return (cb) => void setImmediate(cb);
  }
  if (typeof host.MessageChannel === 'function') {
    // One channel, a FIFO of callbacks: a posted message is a macrotask without clamping.
    const channel = new host.MessageChannel();
    const pending: Array<() => void> = [];
    channel.port1.onmessage = () => {
      const cb = pending.shift();
      if (cb) cb();
    };
    // Bound now: cell code shares this global scope and may patch MessagePort.prototype later,
    // which must not stop the scheduler.
    const post = channel.port2.postMessage.bind(channel.port2);
    return (cb) => {
      pending.push(cb);
      post(0);
    };
  }
  return (cb) => void host.setTimeout(cb, 0);
}

/** Runs `cb` in a later turn of the host's event loop, after pending microtasks and host events. */
export const scheduleMacrotask: (cb: () => void) => void = createMacrotaskScheduler();

/** Starts a host timer; the real clock is the only user. */
export function setHostTimer(cb: () => void, ms: number): TimerHandle {
  return host.setTimeout(cb, ms);
}

/** Cancels a host timer started by `setHostTimer`. */
export function clearHostTimer(handle: TimerHandle): void {
  host.clearTimeout(handle);
}
