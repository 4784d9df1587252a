export { protocol, isActorModel, describeMessage } from './protocol.ts';
export type { ActorModel, ActorAction, DeclaredHandler } from './protocol.ts';
export { DEFAULT_ENVIRONMENT, ENVIRONMENT_FLAGS, describeEnvironment, encodeEnvironment, decodeEnvironment } from './environment.ts';
export type { Environment } from './environment.ts';
export { World } from './world.ts';
export type { NodeIdOf, LocalOfNode } from './world.ts';
export type { WorldState, HistoryEvent } from './world-state.ts';
export type { Topology } from './topology.ts';
export type {
  NodeId,
  Message,
  Envelope,
  Context,
  MessageContext,
  MessageOfType,
  RoleName,
  RoleCounts,
  HandlerResult,
  RoleDefinition,
  ProtocolDefinition,
  WorldPredicate,
  Temporal,
  LocalInit,
  NodeInfo,
  NodeCounts,
} from './types.ts';
export { HandlerError } from './handler.ts';
export { FAULT_KINDS, faultStep, noFaults, runtimeFaultKnobs } from './faults.ts';
export type { FaultKindDefinition, FaultStep, FaultSubject, FaultAction, FaultKnobs, EnvironmentFlag } from './faults.ts';
