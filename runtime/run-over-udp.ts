import { fork, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BadInputError } from '../api/errors.ts';
import type { ActorModel, NodeId } from '../specs/index.ts';
import { LogWriter, runHeader } from './run-in-process.ts';
import type { ResolvedRunOptions, RunReport } from './run-options.ts';
import type { UdpNodeInit, UdpNodeReply, UdpSupervisorMessage } from './udp-protocol.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** `.ts` from a checkout (node processes then load tsx), `.js` in the built package. */
const EXT = path.extname(fileURLToPath(import.meta.url));
const NODE_MAIN = path.join(HERE, `udp-node${EXT}`);

function execArgv(): string[] {
  if (EXT !== '.ts') return [];
  const tsx = createRequire(import.meta.url).resolve('tsx');
  return ['--import', pathToFileURL(tsx).href];
}

/** One node process and what the supervisor knows of it. */
interface NodeProcess {
  child: ChildProcess | undefined;
  port: number | undefined;
  /** Its last sequence number, as of its last crash. */
  lastSeq: number;
  incarnation: number;
  /** Its last logged state. */
  state: unknown;
  /** Resolves when the current process has exited and its channel is drained. */
  gone: Promise<void>;
}

/**
 * Runs each node of `model` in its own process (the spec file loaded there), talking over
 * localhost UDP. Each node appends its log lines to its own file; the supervisor kills a node
 * with SIGKILL at its planned crash (logging `crash` after its last line), restarts it
 * `restartAfter` seconds later on the same port from its durable store, and at the end
 * writes one log: the header and every node's lines.
 */
export async function runOverUdp(model: ActorModel, spec: string, options: ResolvedRunOptions): Promise<RunReport> {
  let startEpoch = Date.now();
  const clock = (): number => Date.now() - startEpoch;
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-run-'));
  const log = new LogWriter(options.log, runHeader(model, options, 'udp', spec));
  const ids = model.topology.ids;
  const nodes = new Map<NodeId, NodeProcess>(ids.map((id) => [id, { child: undefined, port: undefined, lastSeq: 0, incarnation: 0, state: undefined, gone: Promise.resolve() }]));
  let failure: Error | undefined;
  let finishing = false;
  let ended = 0;
  let wake: () => void = () => {};
  const failed = new Promise<void>((resolve) => (wake = resolve));
  const fail = (error: Error): void => {
    failure ??= error;
    wake();
  };

  const spawn = (id: NodeId, recover: boolean): Promise<number> => {
    const entry = nodes.get(id)!;
    const child = fork(NODE_MAIN, [], { execArgv: execArgv(), stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' });
    entry.child = child;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    let exited = false;
    let disconnected = false;
    entry.gone = new Promise<void>((resolve) => {
      const done = (): void => {
        if (exited && disconnected) resolve();
      };
      child.once('exit', (code, signal) => {
        exited = true;
        if (!finishing && signal !== 'SIGKILL' && code !== 0) fail(new BadInputError(`${spec}: node ${id} exited (code ${code}): ${stderr.trim().split('\n').pop() ?? ''}`));
        done();
      });
      child.once('disconnect', () => {
        disconnected = true;
        done();
      });
    });
    return new Promise<number>((resolve, reject) => {
      child.on('message', (m: UdpNodeReply) => {
        if (m.type === 'ready') resolve(m.port);
        else if (m.type === 'stopped') entry.state = m.local;
        else if (m.type === 'error') {
          const error = new BadInputError(`${spec}: node ${id}: ${m.message}`);
          reject(error);
          fail(error);
        }
      });
      child.once('exit', () => reject(new BadInputError(`${spec}: node ${id} exited before it was ready: ${stderr.trim().split('\n').pop() ?? ''}`)));
      const init: UdpNodeInit = {
        spec,
        params: options.params,
        ...(options.environment ? { environment: options.environment } : {}),
        node: id,
        firstSeq: entry.lastSeq + 1,
        incarnation: entry.incarnation,
        recover,
        store: storeFile(id),
        log: logFile(id),
        ...(entry.port !== undefined ? { port: entry.port, ports: portMap() } : {}),
        seed: options.seed,
        tickMs: options.tickMs,
        untimedTimerTicks: options.untimedTimerTicks,
        dropRate: options.dropRate,
        dupRate: options.dupRate,
        offset: options.clockOffsets?.[id] ?? 0,
      };
      child.send(init);
    });
  };
  const storeFile = (id: NodeId): string => path.join(dir, `node-${ids.indexOf(id)}.json`);
  const logFile = (id: NodeId): string => path.join(dir, `node-${ids.indexOf(id)}.jsonl`);
  /** The node's logged events so far (its own file: written synchronously, so a kill loses none). */
  const linesOf = (id: NodeId): string[] => (existsSync(logFile(id)) ? readFileSync(logFile(id), 'utf8').split('\n').filter((l) => l !== '') : []);
  /**
   * After a kill: the lines of a step whose state reached the durable store but whose log
   * write the kill prevented are restored from the store, then the crash is logged after them.
   */
  const logCrash = (id: NodeId): void => {
    const entry = nodes.get(id)!;
    const lines = linesOf(id);
    let last = lines.length === 0 ? 0 : (JSON.parse(lines[lines.length - 1]) as { seq: number }).seq;
    if (existsSync(storeFile(id))) {
      const stored = JSON.parse(readFileSync(storeFile(id), 'utf8')) as { seq: number; lines: string[] };
      const missing = stored.lines.filter((l) => (JSON.parse(l) as { seq: number }).seq > last);
      if (missing.length > 0) {
        appendFileSync(logFile(id), missing.join(''));
        last = (JSON.parse(missing[missing.length - 1]) as { seq: number }).seq;
      }
    }
    entry.lastSeq = last + 1;
    appendFileSync(logFile(id), JSON.stringify({ v: 1, node: id, seq: entry.lastSeq, t: clock(), kind: 'crash' }) + '\n');
  };
  const portMap = (): Record<NodeId, number> => Object.fromEntries(ids.map((id) => [id, nodes.get(id)!.port!]));
  const tell = (id: NodeId, message: UdpSupervisorMessage): void => {
    const child = nodes.get(id)!.child;
    if (child?.connected) child.send(message);
  };

  const timers: NodeJS.Timeout[] = [];
  try {
    const ports = await Promise.all(ids.map((id) => spawn(id, false)));
    ids.forEach((id, i) => (nodes.get(id)!.port = ports[i]));
    for (const id of ids) tell(id, { type: 'peers', ports: portMap() });
    startEpoch = Date.now();
    for (const id of ids) tell(id, { type: 'go', startEpoch });
    for (const plan of options.crashes) {
      timers.push(
        setTimeout(() => {
          const entry = nodes.get(plan.node)!;
          if (!entry.child || finishing) return;
          const child = entry.child;
          entry.child = undefined;
          child.kill('SIGKILL');
          void entry.gone.then(() => {
            logCrash(plan.node);
            entry.incarnation++;
            timers.push(
              setTimeout(() => {
                if (finishing) return;
                spawn(plan.node, true)
                  .then(() => (finishing ? tell(plan.node, { type: 'stop' }) : tell(plan.node, { type: 'go', startEpoch })))
                  .catch((error: Error) => fail(error));
              }, options.restartAfter * 1000),
            );
          });
        }, plan.at * 1000),
      );
    }
    await Promise.race([new Promise<void>((resolve) => timers.push(setTimeout(resolve, options.seconds * 1000))), failed]);
  } finally {
    finishing = true;
    ended = clock();
    for (const t of timers) clearTimeout(t);
    for (const id of ids) tell(id, { type: 'stop' });
    await Promise.race([
      Promise.all([...nodes.values()].map((n) => n.gone)),
      new Promise((resolve) => setTimeout(resolve, 3000).unref()),
    ]);
    for (const n of nodes.values()) if (n.child && n.child.exitCode === null) n.child.kill('SIGKILL');
    // One log: the header, then each node's lines (conform merges them by seq and causality).
    for (const id of ids) {
      const lines = linesOf(id);
      for (const line of lines) log.line(line);
      log.events += lines.length;
      const entry = nodes.get(id)!;
      if (entry.state === undefined) {
        const last = lines.map((l) => JSON.parse(l) as { state?: unknown }).filter((e) => 'state' in e).pop();
        entry.state = last?.state;
      }
    }
    log.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (failure) throw failure;
  return {
    protocol: model.name,
    transport: 'udp',
    events: log.events,
    seconds: ended / 1000,
    finalStates: Object.fromEntries(ids.map((id) => [id, nodes.get(id)!.state])),
    ...(options.log !== undefined ? { log: options.log } : {}),
  };
}
