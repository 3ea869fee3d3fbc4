/**
 * Clocks give the runtime its notion of time. The scheduler owns all timers in one heap and
 * asks the clock only two things: what time it is, and to be woken when the earliest timer is due.
 *
 * - RealClock follows the host's monotonic time, scaled by a rate so the panels can run the
 *   runtime in slow motion. A wake-up the host delivers late (a busy machine, a busy worker, a
 *   laptop lid closed) does not count that delay: time resumes from the moment asked for, so
 *   `sleep(100)` measures 100 and a lesson's timers keep their rhythm on a loaded machine. Time
 *   never goes back past a reading anyone made.
 * - VirtualClock never moves by itself: the scheduler jumps it to the next timer whenever every
 *   process is waiting, so timed lessons and tests run instantly and deterministically.
 */
import { clearHostTimer, hostNow, setHostTimer } from './host';

/** Source of time for one runtime; `now()` is milliseconds since the runtime started. */
export interface Clock {
  readonly kind: 'real' | 'virtual';
  now(): number;
  /** Asks for `onDue` once the clock reaches `at` (replacing any earlier request). */
  wakeAt(at: number, onDue: () => void): void;
  /** Drops the pending wake-up request, if any. */
  cancelWake(): void;
}

/** Host time, scaled by `rate` (1 = real time, 0.25 = four times slower). */
export class RealClock implements Clock {
  readonly kind = 'real';
  private base = 0;
  private hostBase = hostNow();
  private rate = 1;
  private handle: unknown = null;
  private wake: { at: number; onDue: () => void } | null = null;
  /** The latest time handed out: a late wake-up may resume from `at`, but never before this. */
  private lastRead = 0;

  now(): number {
    const time = this.base + (hostNow() - this.hostBase) * this.rate;
    if (time > this.lastRead) this.lastRead = time;
    return this.lastRead;
  }

  /** Changes the speed of time from now on; pending wake-ups are re-armed at the new speed. */
  setRate(rate: number): void {
    if (!(rate > 0)) throw new RangeError(`clock rate must be positive, got ${rate}`);
    this.base = this.now();
    this.hostBase = hostNow();
    this.rate = rate;
    if (this.wake) this.wakeAt(this.wake.at, this.wake.onDue);
  }

  getRate(): number {
    return this.rate;
  }

  wakeAt(at: number, onDue: () => void): void {
    this.cancelWake();
    this.wake = { at, onDue };
    const delay = Math.max(0, (at - this.now()) / this.rate);
    this.handle = setHostTimer(() => {
      this.handle = null;
      this.wake = null;
      this.resumeFrom(at);
      onDue();
    }, delay);
  }

  /**
   * Resumes time from `at` when the host wakes the clock: a late wake-up drops the delay, unless
   * somebody read the clock during it (a reading is a promise that that much time has passed); a
   * host timer that fires a fraction of a millisecond early moves time on to `at`.
   */
  private resumeFrom(at: number): void {
    this.base = Math.max(at, this.lastRead);
    this.hostBase = hostNow();
    this.lastRead = this.base;
  }

  cancelWake(): void {
    if (this.handle !== null) clearHostTimer(this.handle);
    this.handle = null;
    this.wake = null;
  }
}

/** Simulated time: moves only when the scheduler advances it to the next due timer. */
export class VirtualClock implements Clock {
  readonly kind = 'virtual';
  private time = 0;

  now(): number {
    return this.time;
  }

  /** Moves time forward; never backwards. */
  advanceTo(at: number): void {
    if (at > this.time) this.time = at;
  }

  wakeAt(): void {
    // The scheduler advances virtual time itself when it is idle.
  }

  cancelWake(): void {}
}
