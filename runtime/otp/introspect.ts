/**
 * Read-only introspection of the OTP behaviours: supervisor trees and registry tables, as
 * frozen or copied plain data (see `../introspect.ts` for processes). It lives here, above the
 * behaviours, because the process layer must not know their types.
 */
import { processesRunning, publishedState } from '../introspect';
import type { Runtime } from '../runtime';
import type { Pid } from '../terms';
import type { SupervisorState } from './supervisor';

/** A copy of the live entries of a registry (by pid or name); null if there is no such registry. */
export { registryTableSnapshot as registryTable } from './registry';
export type { RegistrySnapshot } from './registry';

/**
 * The children, strategy and restarts of a live supervisor (any kind), frozen; null if `pid` is
 * not a live supervisor. The same object until the supervisor changes, so compare by identity.
 */
export function supervisorState(rt: Runtime, pid: Pid | number): SupervisorState | null {
  const state = publishedState(rt, pid) as SupervisorState | null;
  if (state === null || !('children' in state)) return null;
  if (!Object.isFrozen(state)) {
    // Only the records the supervisor made: ids and modules are the learner's own values.
    for (const child of state.children) Object.freeze(child);
    Object.freeze(state.children);
    Object.freeze(state);
  }
  return state;
}

/** Every live supervisor of `rt` with its state, oldest first. */
export function supervisorStates(rt: Runtime): { pid: Pid; state: SupervisorState }[] {
  const all: { pid: Pid; state: SupervisorState }[] = [];
  for (const pid of processesRunning(rt, 'supervisor')) {
    const state = supervisorState(rt, pid);
    if (state) all.push({ pid, state });
  }
  return all;
}
