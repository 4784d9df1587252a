/**
 * One node of a `faultline run --transport udp`, in its own process: started by the run's
 * supervisor (runtime/run-over-udp.ts) over an IPC channel, it binds a localhost datagram
 * socket, runs its handlers through a {@link NodeHost}, keeps its state in a durable store
 * (a file written with fsync and renamed into place) and sends every log line to the
 * supervisor. Datagrams are data: parsed with JSON.parse, checked, never executed.
 */
import { createSocket } from 'node:dgram';
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { loadProtocol } from './run.ts';
import { NodeHost } from './node-host.ts';
import { NodeRunner, runtimeModel, type Packet } from './node-runner.ts';
import { seededRandom } from './seeded-random.ts';
import type { UdpNodeInit, UdpNodeReply, UdpSupervisorMessage } from './udp-protocol.ts';

function reply(message: UdpNodeReply): void {
  process.send?.(message);
}

/**
 * Writes the state durably: a temporary file, fsync, then an atomic rename. The log lines of
 * the step that made this state go with it, so that a kill between this write and the log's
 * cannot leave the store ahead of the log: the supervisor restores such lines from here.
 */
function writeStore(file: string, local: unknown, seq: number, lines: string[]): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify({ local, seq, lines }));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

function readStore(file: string): unknown {
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { local: unknown }).local;
}

function isPacket(value: unknown, self: string, nodes: ReadonlySet<string>): value is Packet {
  const p = value as Packet | null;
  return (
    p !== null && typeof p === 'object' && typeof p.from === 'string' && nodes.has(p.from) && p.to === self &&
    typeof p.mid === 'string' && p.msg !== null && typeof p.msg === 'object' && !Array.isArray(p.msg) && typeof p.msg.type === 'string'
  );
}

async function main(init: UdpNodeInit): Promise<void> {
  const model = runtimeModel(await loadProtocol(init.spec, { params: init.params, environment: init.environment }));
  let startEpoch = Date.now();
  const clock = (): number => Date.now() - startEpoch;
  const nodes = new Set(model.topology.ids);
  let ports: Record<string, number> = init.ports ?? {};
  const socket = createSocket('udp4');
  const index = model.topology.ids.indexOf(init.node);
  // Log lines not yet appended to the node's log file (one write per step: a kill leaves all or none).
  const pending: string[] = [];
  const random = seededRandom(init.seed * 1000 + index * 17 + init.incarnation);
  const runner = new NodeRunner(model, init.node, {
    random,
    clock,
    tickMs: init.tickMs,
    firstSeq: init.firstSeq,
    offset: init.offset,
    emit: (event) => pending.push(JSON.stringify(event) + '\n'),
  });
  const host = new NodeHost(runner, {
    random,
    clock,
    tickMs: init.tickMs,
    untimedTimerTicks: init.untimedTimerTicks,
    dropRate: init.dropRate,
    dupRate: init.dupRate,
    transmit: (packet) => {
      const port = ports[packet.to];
      if (port !== undefined) socket.send(JSON.stringify(packet), port, '127.0.0.1');
    },
    persist: (local) => writeStore(init.store, local, runner.seq - 1, pending),
    flush: () => {
      if (pending.length > 0) appendFileSync(init.log, pending.splice(0).join(''));
    },
  });
  let running = false;
  const early: Packet[] = [];
  const fail = (error: unknown): void => {
    reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  };
  socket.on('message', (data) => {
    let packet: unknown;
    try {
      packet = JSON.parse(data.toString('utf8'));
    } catch {
      return; // not ours
    }
    if (!isPacket(packet, init.node, nodes)) return;
    if (!running) early.push(packet);
    else {
      try {
        host.deliver(packet);
      } catch (error) {
        fail(error);
      }
    }
  });
  socket.on('error', fail);
  await new Promise<void>((resolve) => socket.bind(init.port ?? 0, '127.0.0.1', resolve));
  process.on('message', (message: UdpSupervisorMessage) => {
    try {
      if (message.type === 'peers') ports = message.ports;
      else if (message.type === 'go') {
        startEpoch = message.startEpoch;
        if (init.recover) host.recover(readStore(init.store));
        else host.start();
        running = true;
        for (const packet of early.splice(0)) host.deliver(packet);
      } else if (message.type === 'stop') {
        host.stop();
        socket.close();
        process.send?.({ type: 'stopped', local: runner.local } satisfies UdpNodeReply, () => process.disconnect?.());
      }
    } catch (error) {
      fail(error);
    }
  });
  reply({ type: 'ready', port: socket.address().port });
}

process.once('message', (init: UdpNodeInit) => {
  main(init).catch((error: unknown) => {
    reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  });
});
