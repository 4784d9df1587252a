/**
 * The fault kinds of the actor DSL, each declared once: its count in traces, the environment
 * knobs that bound it (their defaults, CLI flags and help), how the environment line shows
 * it, its steps (the actions it adds, how they are labelled, drawn and treated by fairness),
 * how its steps are enumerated and applied to a world, how swarm testing varies it, and
 * which knobs real runs use. Every other module reads this table; adding a fault kind means
 * adding an entry here (and its knob, action and count name to the types in this file).
 *
 * Enumeration is compiled once per model (`compile`): a kind the environment turns off adds
 * no work per state.
 */
import type { Environment } from './environment.ts';
import { distinctIndices, removeEnvelope } from './network.ts';
import { freezePlain } from './plain-data.ts';
import type { Topology } from './topology.ts';
import type { Envelope, NodeId, RoleDefinition } from './types.ts';
import type { WorldState } from './world-state.ts';

/** The kinds of injected fault a trace counts (the keys of a trace's `faults`). */
export type FaultKind = 'drops' | 'dups' | 'crashes' | 'recoveries' | 'partitions';

/** The environment knobs that bound the faults (part of {@link Environment}). */
export interface FaultKnobs {
  /** Messages the network may drop (`Infinity` = lossy without bound, `--loss`). */
  maxDrops: number;
  /** Messages the network may duplicate. */
  maxDups: number;
  /** Times the network may split the nodes in two (each split heals later). */
  partitions: number;
  /** Nodes that may crash. */
  crashes: number;
  /** Crashed nodes may recover (persistent fields kept, the rest reset). */
  recover: boolean;
}

/** The actions the fault kinds add to an actor protocol's model. */
export type FaultAction =
  | { kind: 'drop' | 'duplicate'; envelope: Envelope; chosen: unknown[]; result: WorldState }
  | { kind: 'crash' | 'recover'; node: NodeId; chosen: unknown[]; result: WorldState }
  | { kind: 'partition'; side: NodeId[]; rest: NodeId[]; chosen: unknown[]; result: WorldState }
  | { kind: 'heal'; chosen: unknown[]; result: WorldState };

/** A knob that takes a whole number. */
type CountKnob = { [K in keyof Environment]: Environment[K] extends number ? K : never }[keyof Environment];

/**
 * What a fault step acts on. It fixes the step's label (`drop <message> a→b`, `crash <node>`,
 * `partition {a, b} | {c}`, `heal`) and where a diagram draws it (over the link, the node,
 * or every node).
 */
export type FaultSubject = 'envelope' | 'node' | 'split' | 'none';

/**
 * One action a fault kind adds: what renderers, traces, fairness and coverage need of it.
 * Renderers draw a step from `subject` and `draw` alone: a `lost-arrow` (an envelope's arrow
 * that stops short, captioned `<message> (lost)`) or a `note` over the subject captioned
 * `<past>: <message>` (envelope), `<kind>` (node, none) or its groups (split).
 */
export interface FaultStep {
  /** The action's kind: `ActorAction.kind` and the first word of its label. */
  readonly kind: FaultAction['kind'];
  /** What it acts on. */
  readonly subject: FaultSubject;
  /** Its past participle, as coverage counters and event views say it (`dropped`). */
  readonly past: string;
  /** True when taking it counts one fault of its kind (a heal ends a fault; it is no fault). */
  readonly counted: boolean;
  /** How sequence diagrams draw it. */
  readonly draw: 'lost-arrow' | 'note';
  /**
   * Weak fairness: `fair` when a fair run must eventually take it while enabled (its class
   * is its kind), `discharges-delivery` when taking it discharges its envelope's delivery.
   * Absent: never forced, discharges nothing.
   */
  readonly fairness?: 'fair' | 'discharges-delivery';
}

/** An environment flag of `faultline check` (and the other commands that run a spec). */
export interface EnvironmentFlag {
  /** The flag, e.g. `--max-drops`. */
  readonly flag: string;
  /** Its help text. */
  readonly help: string;
  /** A flag taking a whole number: the knob it sets, and the value's name in help (`<n>`). */
  readonly count?: { readonly knob: CountKnob; readonly value: string };
  /** A flag standing alone: the knobs it sets. */
  readonly sets?: Partial<Environment>;
}

/** What a fault kind's enumerator may use of the model it is compiled into. */
export interface FaultContext {
  /** The environment in force. */
  readonly env: Environment;
  /** The protocol's nodes. */
  readonly topology: Topology;
  /** The role definition of node `node`. */
  role(node: NodeId): RoleDefinition;
  /** A fresh copy of node `node`'s initial local state. */
  initialLocal(node: NodeId): unknown;
  /** Runs node `node`'s `onRecover` on world `w`: one outcome per combination of choices. */
  runRecover(w: WorldState, node: NodeId): { result: WorldState; chosen: unknown[] }[];
}

/** Appends the fault actions enabled in world `w` to `out`, in a fixed order. */
export type FaultEnumerator = (w: WorldState, out: { push(action: FaultAction): unknown }) => void;

/** One fault kind: everything the rest of faultline knows of it. */
export interface FaultKindDefinition {
  /** Its count's name in traces, `--json` and coverage (`drops`). */
  readonly name: FaultKind;
  /**
   * True for a kind added after trace files first had `faults`: a file without its count
   * reads as 0 of it (the counts of the first kinds are required).
   */
  readonly optionalInTraceFiles?: boolean;
  /** Its noun, singular and plural, for "1 drop, 2 crashes". */
  readonly noun: readonly [one: string, many: string];
  /** The knob bounding how many a run may take: when finite and non-zero the world counts them. */
  readonly budget?: CountKnob & keyof FaultKnobs;
  /** The defaults of its knobs (no fault). */
  readonly defaults: Partial<FaultKnobs>;
  /** Its CLI flags, in help order. */
  readonly flags: readonly EnvironmentFlag[];
  /** Its part of the environment line of result headers, if any (`drops ≤ 1`). */
  describe?(env: Environment): string;
  /** True when the environment lets a run take it (coverage lists those never taken). */
  enabled(env: Environment, nodes: number): boolean;
  /** How swarm testing varies it per walk: lower its `budget` knob, or switch a `switch` knob. */
  readonly swarm: { readonly knob: keyof FaultKnobs; readonly as: 'budget' | 'switch' };
  /**
   * Its knobs in the models of real runs: `runner`, the model a node runs (the host and
   * network inject real faults, not the model); `conform`, the model a log is validated
   * against (every real fault allowed, unbounded).
   */
  readonly runtime: { readonly runner: Partial<FaultKnobs>; readonly conform: Partial<FaultKnobs> };
  /** The actions it adds. */
  readonly steps: readonly FaultStep[];
  /** Its enumerator for a model, or undefined when the environment turns it off. */
  compile(ctx: FaultContext): FaultEnumerator | undefined;
}

/** `∞` or the number. */
function bound(n: number): string {
  return n === Infinity ? '∞' : String(n);
}

/** True while a budget of `max` has room after `used`. */
function underBudget(used: number | undefined, max: number): boolean {
  return (used ?? 0) < max;
}

/** The fault counters with one more fault of `kind` (unbounded kinds are not counted). */
function counted(faults: WorldState['faults'], kind: BudgetedFault, max: number): WorldState['faults'] {
  return max === Infinity ? faults : { ...faults, [kind]: (faults[kind] ?? 0) + 1 };
}

/**
 * The fault kinds, in the order their actions are enumerated (after deliveries, timers and
 * ticks), counted and listed.
 */
export const FAULT_KINDS: readonly FaultKindDefinition[] = [
  {
    name: 'drops',
    noun: ['drop', 'drops'],
    budget: 'maxDrops',
    defaults: { maxDrops: 0 },
    flags: [
      { flag: '--max-drops', help: 'messages the network may drop', count: { knob: 'maxDrops', value: '<n>' } },
      { flag: '--loss', help: 'the network may drop any number of messages', sets: { maxDrops: Infinity } },
    ],
    describe: (env) => `drops ≤ ${bound(env.maxDrops)}`,
    enabled: (env) => env.maxDrops > 0,
    swarm: { knob: 'maxDrops', as: 'budget' },
    runtime: { runner: { maxDrops: 0 }, conform: { maxDrops: Infinity } },
    steps: [{ kind: 'drop', subject: 'envelope', past: 'dropped', counted: true, draw: 'lost-arrow', fairness: 'discharges-delivery' }],
    compile({ env }) {
      const max = env.maxDrops;
      if (!(max > 0)) return undefined;
      return (w, out) => {
        if (!underBudget(w.faults.drops, max)) return;
        const faults = counted(w.faults, 'drops', max); // one counter object for every drop (never written)
        for (const i of distinctIndices(w.net)) {
          out.push({ kind: 'drop', envelope: w.net[i], chosen: [], result: { ...w, net: removeEnvelope(w.net, i), faults } });
        }
      };
    },
  },
  {
    name: 'dups',
    noun: ['duplicate', 'duplicates'],
    budget: 'maxDups',
    defaults: { maxDups: 0 },
    flags: [{ flag: '--max-dups', help: 'messages the network may duplicate', count: { knob: 'maxDups', value: '<n>' } }],
    describe: (env) => `dups ≤ ${bound(env.maxDups)}`,
    enabled: (env) => env.maxDups > 0,
    swarm: { knob: 'maxDups', as: 'budget' },
    runtime: { runner: { maxDups: 0 }, conform: { maxDups: Infinity } },
    steps: [{ kind: 'duplicate', subject: 'envelope', past: 'duplicated', counted: true, draw: 'note' }],
    compile({ env }) {
      const max = env.maxDups;
      if (!(max > 0)) return undefined;
      return (w, out) => {
        if (!underBudget(w.faults.dups, max)) return;
        const faults = counted(w.faults, 'dups', max);
        for (const i of distinctIndices(w.net)) {
          const net = w.net.slice();
          net.splice(i + 1, 0, w.net[i]);
          out.push({ kind: 'duplicate', envelope: w.net[i], chosen: [], result: { ...w, net, faults } });
        }
      };
    },
  },
  {
    name: 'crashes',
    noun: ['crash', 'crashes'],
    budget: 'crashes',
    defaults: { crashes: 0 },
    flags: [{ flag: '--crashes', help: 'nodes that may crash', count: { knob: 'crashes', value: '<n>' } }],
    describe: (env) => `crashes ≤ ${bound(env.crashes)} (${env.recover ? 'crash-recover' : 'crash-stop'})`,
    enabled: (env) => env.crashes > 0,
    swarm: { knob: 'crashes', as: 'budget' },
    runtime: { runner: { crashes: 0 }, conform: { crashes: Infinity } },
    steps: [{ kind: 'crash', subject: 'node', past: 'crashed', counted: true, draw: 'note' }],
    compile({ env, topology }) {
      const max = env.crashes;
      if (!(max > 0)) return undefined;
      return (w, out) => {
        if (!underBudget(w.faults.crashes, max)) return;
        const faults = counted(w.faults, 'crashes', max);
        for (const node of topology.ids) {
          if (w.down.includes(node)) continue;
          const { [node]: _, ...timers } = w.timers;
          const result: WorldState = {
            ...w,
            timers,
            down: topology.ids.filter((id) => id === node || w.down.includes(id)),
            net: w.net.filter((e) => e.to !== node), // its inbox dies with it
            faults,
          };
          out.push({ kind: 'crash', node, chosen: [], result });
        }
      };
    },
  },
  {
    name: 'recoveries',
    noun: ['recovery', 'recoveries'],
    defaults: { recover: false },
    flags: [{ flag: '--recover', help: 'crashed nodes may recover (persistent fields survive)', sets: { recover: true } }],
    enabled: (env) => env.crashes > 0 && env.recover,
    swarm: { knob: 'recover', as: 'switch' },
    runtime: { runner: { recover: true }, conform: { recover: true } },
    steps: [{ kind: 'recover', subject: 'node', past: 'recovered', counted: true, draw: 'note' }],
    compile({ env, role, initialLocal, runRecover }) {
      if (!env.recover) return undefined;
      return (w, out) => {
        for (const node of w.down) {
          const r = role(node);
          const crashed = w.nodes[node] as Record<string, unknown>;
          const fresh = initialLocal(node) as Record<string, unknown>;
          for (const field of r.persistent ?? []) fresh[field] = crashed[field];
          const up: WorldState = { ...w, nodes: { ...w.nodes, [node]: freezePlain(fresh) }, down: w.down.filter((id) => id !== node) };
          if (!r.onRecover) out.push({ kind: 'recover', node, chosen: [], result: up });
          else for (const o of runRecover(up, node)) out.push({ kind: 'recover', node, ...o });
        }
      };
    },
  },
  {
    name: 'partitions',
    noun: ['partition', 'partitions'],
    budget: 'partitions',
    defaults: { partitions: 0 },
    flags: [{ flag: '--partitions', help: 'times the network may split in two (and heal)', count: { knob: 'partitions', value: '<n>' } }],
    describe: (env) => `partitions ≤ ${bound(env.partitions)}`,
    enabled: (env, nodes) => env.partitions > 0 && nodes > 1,
    swarm: { knob: 'partitions', as: 'budget' },
    runtime: { runner: { partitions: 0 }, conform: { partitions: 0 } },
    steps: [
      { kind: 'partition', subject: 'split', past: 'partitioned', counted: true, draw: 'note' },
      { kind: 'heal', subject: 'none', past: 'healed', counted: false, draw: 'note', fairness: 'fair' },
    ],
    // Without a budget no world is ever split, so there is nothing to heal either.
    compile({ env, topology }) {
      const max = env.partitions;
      if (!(max > 0)) return undefined;
      const ids = topology.ids;
      const [first, ...others] = ids;
      return (w, out) => {
        if (w.split.length > 0) {
          out.push({ kind: 'heal', chosen: [], result: { ...w, split: [] } });
        } else if (underBudget(w.faults.partitions, max) && ids.length > 1) {
          const faults = counted(w.faults, 'partitions', max);
          for (let mask = 0; mask < (1 << others.length) - 1; mask++) {
            const side = [first, ...others.filter((_, j) => mask & (1 << j))];
            const rest = ids.filter((id) => !side.includes(id));
            out.push({ kind: 'partition', side, rest, chosen: [], result: { ...w, split: side, faults } });
          }
        }
      };
    },
  },
];

/** The faults whose budgets the world counts. */
export type BudgetedFault = 'drops' | 'dups' | 'crashes' | 'partitions';

/** Each fault step by its action kind. */
const STEPS = new Map<string, FaultStep & { fault: FaultKindDefinition }>(
  FAULT_KINDS.flatMap((fault) => fault.steps.map((step) => [step.kind, { ...step, fault }] as const)),
);

/** The fault step of action kind `kind` (`drop`), with its fault kind; undefined for any other action. */
export function faultStep(kind: string): (FaultStep & { readonly fault: FaultKindDefinition }) | undefined {
  return STEPS.get(kind);
}

/** The fault a step of action kind `kind` counts as, per kind: what `faultKind(action)` answers. */
export const FAULT_OF_STEP: Readonly<Record<string, FaultKind | undefined>> = Object.fromEntries(
  [...STEPS].filter(([, s]) => s.counted).map(([kind, s]) => [kind, s.fault.name]),
);

/** No faults: every count zero, in table order. */
export function noFaults(): Record<FaultKind, number> {
  return Object.fromEntries(FAULT_KINDS.map((f) => [f.name, 0])) as Record<FaultKind, number>;
}

/** The defaults of every fault knob: no faults. */
export const FAULT_DEFAULTS: FaultKnobs = Object.assign({}, ...FAULT_KINDS.map((f) => f.defaults)) as FaultKnobs;

/** The fault counters a world starts with: one per kind with a finite, non-zero budget. */
export function initialFaultCounts(env: Environment): WorldState['faults'] {
  const out: WorldState['faults'] = {};
  for (const f of FAULT_KINDS) {
    if (f.budget === undefined) continue;
    const max = env[f.budget];
    if (max > 0 && max !== Infinity) out[f.name as BudgetedFault] = 0;
  }
  return out;
}

/** The enumerators of the fault kinds the environment allows, in table order. */
export function compileFaults(ctx: FaultContext): FaultEnumerator[] {
  const out: FaultEnumerator[] = [];
  for (const f of FAULT_KINDS) {
    const enumerate = f.compile(ctx);
    if (enumerate) out.push(enumerate);
  }
  return out;
}

/** The fault knobs of the models of real runs: `runner` or `conform` (see {@link FaultKindDefinition.runtime}). */
export function runtimeFaultKnobs(use: 'runner' | 'conform'): Partial<FaultKnobs> {
  return Object.assign({}, ...FAULT_KINDS.map((f) => f.runtime[use])) as Partial<FaultKnobs>;
}
