export { defineModel, isModel, describeAction } from './model.ts';
export type { Model, Params, ModelFactory } from './model.ts';
export { canonicalJson } from './canonical.ts';
export * from './actor/index.ts';
