/** The OTP behaviours, built on the process layer. */
export { GenServer, sys } from './genServer';
export type {
  CallResult,
  ChildSpec,
  ChildSpecDefaults,
  From,
  GenServerCallbacks,
  GenServerModule,
  InitResult,
  NoReplyResult,
  ServerName,
  ServerRef,
  StartOptions,
  StartResult,
} from './genServer';
export { Registry, RegistryViaModule } from './registry';
export type { RegistryKeys, RegistryOptions } from './registry';
export { Agent } from './agent';
export type { AgentOptions, AgentRef } from './agent';
export { DEFAULT_MAX_CONCURRENCY, Task } from './task';
export type { AsyncStreamOptions, MFA, StreamResult, YieldManyOptions, YieldResult } from './task';
export { Supervisor } from './supervisor';
export type {
  ChildCounts,
  ChildModule,
  ChildPid,
  ChildSpecInput,
  ChildType,
  RestartType,
  ShutdownType,
  StartChildResult,
  Strategy,
  SupervisorCallbacks,
  SupervisorChildState,
  SupervisorFlags,
  SupervisorInitResult,
  SupervisorModule,
  SupervisorOptions,
  SupervisorState,
  WhichChildrenRow,
} from './supervisor';
export { DynamicSupervisor } from './dynamicSupervisor';
export type {
  DynamicStartChildResult,
  DynamicSupervisorCallbacks,
  DynamicSupervisorFlags,
  DynamicSupervisorModule,
  DynamicSupervisorOptions,
} from './dynamicSupervisor';
export { TaskSupervised, TaskSupervisor } from './taskSupervisor';
export type { TaskChildOptions, TaskSupervisorOptions } from './taskSupervisor';
export { DEFAULT_PARTITIONS, PartitionSupervisor } from './partitionSupervisor';
export type { PartitionSupervisorOptions } from './partitionSupervisor';
export { registryTable, supervisorState, supervisorStates } from './introspect';
export type { RegistrySnapshot } from './introspect';
