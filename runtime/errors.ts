/**
 * Exits as JavaScript exceptions.
 *
 * An exit travels through learner code as a thrown ExitSignal, so `finally` blocks run and
 * `catchExit` can catch it; when it leaves the process function, the process exits with its reason.
 */
import { inspect } from './inspect';

/** Thrown by `exit(reason)` and by blocking operations that exit the caller; carries the reason. */
export class ExitSignal extends Error {
  constructor(readonly reason: unknown) {
    super(`exit: ${inspect(reason)}`);
    this.name = 'ExitSignal';
  }
}

/** True when `e` is an exit (as opposed to an error thrown by code). */
export function isExitSignal(e: unknown): e is ExitSignal {
  return e instanceof ExitSignal;
}

/** Raised when a runtime function gets an argument it cannot use, like Erlang's `badarg`. */
export class ArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgumentError';
  }
}

/** Raised when the runtime's process limit is reached, like the BEAM's `system_limit`. */
export class SystemLimitError extends Error {
  readonly reason = 'system_limit';
  constructor(message: string) {
    super(message);
    this.name = 'SystemLimitError';
  }
}

/**
 * The exit reason of a process whose function threw `thrown`: exits keep their reason, errors
 * become the reason themselves (so DOWN and EXIT messages carry the Error), other thrown values
 * become `['nocatch', value]` as an uncaught Erlang throw does.
 */
export function exitReasonOf(thrown: unknown): unknown {
  if (thrown instanceof ExitSignal) return thrown.reason;
  if (thrown instanceof Error) return thrown;
  return ['nocatch', thrown];
}
