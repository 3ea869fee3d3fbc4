/**
 * Actorbook's runtime: an OTP-like actor runtime for JavaScript, with no DOM and no host timers
 * of its own. See ARCHITECTURE.md for the modules and the rules they follow.
 */
import type { RuntimeOptions } from './runtime';
import { Runtime } from './runtime';

export type { Clock } from './clock';
export { RealClock, VirtualClock } from './clock';
export type { AsyncContext } from './current';
export { ArgumentError, ExitSignal, SystemLimitError, isExitSignal } from './errors';
export { inspect } from './inspect';
export type { InspectOptions } from './inspect';
export { copyMessage } from './copy';
export { Term } from './termSize';
export { _, Pid, PrintedTerm, Ref, isIoDevice } from './terms';
export type { Wildcard } from './terms';
export { after, matches, on } from './pattern';
export type { AfterClause, OnClause, Pattern } from './pattern';
export type { Output, OutputSink, ProcessStatus } from './process';
export type {
  Dest,
  RuntimeOptions,
  RuntimeStats,
  SpawnOptions,
  ViaModule,
  ViaTuple,
} from './runtime';
export { Runtime, isRuntimePromise } from './runtime';
export type { MessageKind, TraceEvent, TraceEventBody, TraceListener } from './trace';
export { Tracer } from './trace';
export {
  IO,
  Process,
  catchExit,
  exit,
  flush,
  makeRef,
  receive,
  self,
  send,
  sleep,
  spawn,
  spawnLink,
  spawnMonitor,
  System,
} from './api';
export type { Device, InfoKey, TimeUnit } from './api';
export {
  isAlive,
  pendingReceive,
  processDictionary,
  processMemory,
  processMessages,
  processSnapshot,
  processSnapshots,
} from './introspect';
export type { MessagesSlice, PendingReceive, ProcessSnapshot } from './introspect';
export { cellSupport } from './cellSupport';
export type { CellSupport, RunningProcess } from './cellSupport';
export { instrumentAwaits, SUPPORT_NAME } from './instrument';

/** Makes an isolated runtime: `clock: 'virtual'` for instant, deterministic timed code. */
export function createRuntime(options: RuntimeOptions = {}): Runtime {
  return new Runtime(options);
}
export * from './otp';
export { Net } from './net';
export type {
  GetOptions,
  HostSpec,
  NetBehaviour,
  NetError,
  NetResponse,
  NetResult,
  PageSpec,
  Site,
  SiteKind,
  StreamHead,
  StreamMessage,
  StreamOptions,
} from './net';
