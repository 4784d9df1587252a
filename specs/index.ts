export { defineModel, isModel, describeAction, injectsFaults } from './model.ts';
export type { Model, Params, ModelFactory, FaultKind, InjectsFaults, Fairness } from './model.ts';
export { canonicalJson } from './canonical.ts';
export * from './actor/index.ts';
export { eventually, leadsTo, mapLiveness, actorFairness, actingNode, consensusView } from './actor/liveness.ts';
export type { LivenessProperty, ConsensusDeclaration, ConsensusView } from './actor/liveness.ts';
export { generalsView } from './actor/generals.ts';
export type { GeneralsDeclaration, GeneralsView } from './actor/generals.ts';
export type { SpecAbout, VariantAbout, ExpectedVerdict } from './about.ts';
