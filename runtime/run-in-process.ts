import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { ActorModel, NodeId } from '../specs/index.ts';
import { formatLogLine, LOG_VERSION, type LogEvent, type RunHeader } from './log-format.ts';
import { NodeHost } from './node-host.ts';
import { NodeRunner, runtimeModel, type Packet } from './node-runner.ts';
import type { ResolvedRunOptions, RunReport, Transport } from './run-options.ts';
import { seededRandom } from './seeded-random.ts';

/**
 * The memory transport: packets reach their node after a random delay of up to
 * `maxDelayMs` (so messages overtake each other, as on an unordered network).
 */
export function memoryTransport(maxDelayMs: number, random: () => number): Transport {
  let receive: ((packet: Packet) => void) | undefined;
  const pending = new Set<NodeJS.Timeout>();
  return {
    open(r) {
      receive = r;
    },
    send(packet) {
      const handle = setTimeout(() => {
        pending.delete(handle);
        receive?.(packet);
      }, Math.floor(random() * (maxDelayMs + 1)));
      pending.add(handle);
    },
    close() {
      receive = undefined;
      for (const h of pending) clearTimeout(h);
      pending.clear();
    },
  };
}

/** The run log's first line. */
export function runHeader(model: ActorModel, options: ResolvedRunOptions, transport: string, spec: string | undefined): RunHeader {
  return {
    v: LOG_VERSION,
    kind: 'run',
    protocol: model.name,
    ...(spec !== undefined ? { spec } : {}),
    params: options.params,
    nodes: model.topology.ids,
    transport,
    tickMs: options.tickMs,
    seed: options.seed,
    dropRate: options.dropRate,
    dupRate: options.dupRate,
    ...(options.skew > 0 ? { skew: options.skew } : {}),
  };
}

/** Appends log lines to a file (or nowhere) and counts them. */
export class LogWriter {
  private readonly fd: number | undefined;
  /** Event lines written (the header not counted). */
  events = 0;

  constructor(file: string | undefined, header: RunHeader) {
    this.fd = file === undefined ? undefined : openSync(file, 'w');
    this.line(formatLogLine(header));
  }

  /** Writes one event. */
  write(event: LogEvent): void {
    this.events++;
    this.line(formatLogLine(event));
  }

  /** Writes a line already formatted (from a node process). */
  line(text: string): void {
    if (this.fd !== undefined) writeSync(this.fd, text + '\n');
  }

  /** Flushes to disk and closes. */
  close(): void {
    if (this.fd === undefined) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
  }
}

/**
 * Runs every node of `model` in this process over `transport` (the memory transport unless
 * another is given) for `options.seconds`, with the crashes, drops and duplicates asked for.
 * A crashed node loses its timers and the messages on their way to it; its durable store (here
 * an in-memory copy of its last state) survives, and it restarts `restartAfter` seconds later.
 */
export async function runInProcess(
  protocol: ActorModel,
  options: ResolvedRunOptions,
  transport: Transport | undefined,
  spec: string | undefined,
): Promise<RunReport> {
  const model = runtimeModel(protocol);
  const started = performance.now();
  const clock = (): number => performance.now() - started;
  const random = seededRandom(options.seed);
  const wire = transport ?? memoryTransport(options.maxDelayMs, seededRandom(options.seed + 7919));
  const log = new LogWriter(options.log, runHeader(model, options, transport ? 'custom' : 'memory', spec));
  const store = new Map<NodeId, unknown>();
  // A message on its way to a node that then crashed died with it: the model's crash empties its inbox.
  const sentAt = new Map<string, number>();
  const crashedAt = new Map<NodeId, number>();
  let events = 0;
  const hosts = new Map<NodeId, NodeHost>();
  for (const node of model.topology.ids) {
    const runner = new NodeRunner(model, node, { random, clock, tickMs: options.tickMs, offset: options.clockOffsets?.[node] ?? 0, emit: (e) => log.write(e) });
    const host = new NodeHost(runner, {
      random,
      clock,
      tickMs: options.tickMs,
      untimedTimerTicks: options.untimedTimerTicks,
      dropRate: options.dropRate,
      dupRate: options.dupRate,
      transmit: (packet) => {
        sentAt.set(packet.mid, ++events);
        if (!hosts.get(packet.to)?.runner.down) wire.send(packet);
      },
      persist: (local) => store.set(node, structuredClone(local)),
    });
    hosts.set(node, host);
  }
  const receive = (packet: Packet): void => {
    const host = hosts.get(packet.to);
    if (!host || host.runner.down) return;
    if ((sentAt.get(packet.mid) ?? 0) < (crashedAt.get(packet.to) ?? 0)) return;
    host.deliver(packet);
  };
  let failure: unknown;
  const guard = (f: () => void) => () => {
    try {
      f();
    } catch (error) {
      failure ??= error;
    }
  };
  await wire.open((packet) => guard(() => receive(packet))());
  const timers: NodeJS.Timeout[] = [];
  try {
    for (const host of hosts.values()) host.start();
    for (const plan of options.crashes) {
      const host = hosts.get(plan.node);
      if (!host) throw new RangeError(`crash ${plan.node}: no such node (nodes: ${model.topology.ids.join(', ')})`);
      timers.push(
        setTimeout(guard(() => {
          if (host.runner.down) return;
          host.crash();
          crashedAt.set(plan.node, ++events);
          timers.push(setTimeout(guard(() => host.recover(store.get(plan.node) ?? host.runner.local)), options.restartAfter * 1000));
        }), plan.at * 1000),
      );
    }
    await new Promise<void>((resolve) => {
      const end = setTimeout(resolve, options.seconds * 1000);
      const poll = setInterval(() => {
        if (failure !== undefined) {
          clearTimeout(end);
          clearInterval(poll);
          resolve();
        }
      }, 20);
      timers.push(end, poll as unknown as NodeJS.Timeout);
      setTimeout(() => clearInterval(poll), options.seconds * 1000 + 1);
    });
  } finally {
    for (const t of timers) clearTimeout(t);
    for (const host of hosts.values()) host.stop();
    await wire.close();
    log.close();
  }
  if (failure !== undefined) throw failure;
  return {
    protocol: model.name,
    transport: transport ? 'custom' : 'memory',
    events: log.events,
    seconds: clock() / 1000,
    finalStates: Object.fromEntries([...hosts].map(([id, h]) => [id, h.runner.local])),
    ...(options.log !== undefined ? { log: options.log } : {}),
  };
}
