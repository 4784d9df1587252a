import type { NodeRunner, Packet, StepOutcome } from './node-runner.ts';

/** What a node's host needs from its surroundings. */
export interface NodeHostOptions {
  /** Uniform in [0, 1): drops and duplicates. */
  random: () => number;
  /** Milliseconds since the run started. */
  clock: () => number;
  tickMs: number;
  /** Ticks after which an untimed timer fires. */
  untimedTimerTicks: number;
  dropRate: number;
  dupRate: number;
  /** Puts a packet on the wire. */
  transmit: (packet: Packet) => void;
  /** Writes the node's state to its durable store (called before its sends leave). */
  persist: (local: unknown) => void;
  /** Called once the log lines of a step (or a drop or duplicate) must be written, before anything leaves. */
  flush?: () => void;
}

/**
 * Hosts a {@link NodeRunner}: arms real timers for the model's timers, writes the durable
 * store when the state changed, and hands sends to the transport, dropping or duplicating
 * some at the configured rates (each logged as `drop` / `duplicate` at the sender).
 */
export class NodeHost {
  private readonly scheduled = new Map<string, { deadline: number | true; handle: NodeJS.Timeout }>();
  private stopped = false;

  constructor(
    readonly runner: NodeRunner,
    private readonly options: NodeHostOptions,
  ) {}

  /** Runs onStart. */
  start(): void {
    this.handle(this.runner.start());
  }

  /** Delivers a packet (ignored while the node is down or the host stopped). */
  deliver(packet: Packet): void {
    if (this.stopped || this.runner.down) return;
    this.handle(this.runner.deliver(packet));
  }

  /** Kills the node: its timers stop, it logs the crash. */
  crash(): void {
    this.clearTimers();
    this.runner.crash();
    this.options.flush?.();
  }

  /** Restarts the node from its durable store. */
  recover(stored: unknown): void {
    this.handle(this.runner.recover(stored));
  }

  /** Stops every timer; later deliveries are ignored. */
  stop(): void {
    this.stopped = true;
    this.clearTimers();
  }

  private clearTimers(): void {
    for (const { handle } of this.scheduled.values()) clearTimeout(handle);
    this.scheduled.clear();
  }

  private handle(outcome: StepOutcome): void {
    if (outcome.changed) this.options.persist(this.runner.local);
    this.options.flush?.();
    this.schedule(outcome.timers);
    for (const packet of outcome.sends) this.send(packet);
  }

  private send(packet: Packet): void {
    const { random, dropRate, dupRate } = this.options;
    if (dropRate > 0 && random() < dropRate) {
      this.runner.logNetwork('drop', packet);
      this.options.flush?.();
      return;
    }
    this.options.transmit(packet);
    if (dupRate > 0 && random() < dupRate) {
      this.runner.logNetwork('duplicate', packet);
      this.options.flush?.();
      this.options.transmit(packet);
    }
  }

  /** Arms a real timer per model timer: new or changed deadlines are (re)scheduled, disarmed ones cleared. */
  private schedule(timers: Record<string, number | true>): void {
    for (const [name, entry] of this.scheduled) {
      if (timers[name] !== entry.deadline) {
        clearTimeout(entry.handle);
        this.scheduled.delete(name);
      }
    }
    if (this.stopped) return;
    const { tickMs, untimedTimerTicks, clock } = this.options;
    for (const [name, deadline] of Object.entries(timers)) {
      if (this.scheduled.has(name)) continue;
      // A deadline is in local ticks; it falls due when true time reaches deadline - offset.
      const due = deadline === true ? clock() + untimedTimerTicks * tickMs : (deadline - this.runner.offset) * tickMs;
      const arm = (): NodeJS.Timeout =>
        setTimeout(() => {
          // Timers may fire a fraction of a millisecond before the clock reads the deadline: wait
          // for it, or the node would step its clock ahead of the others'.
          if (deadline !== true && clock() < due && !this.stopped) {
            this.scheduled.set(name, { deadline, handle: arm() });
            return;
          }
          this.scheduled.delete(name);
          if (this.stopped || this.runner.down) return;
          const outcome = this.runner.fire(name);
          if (outcome) this.handle(outcome);
        }, Math.max(0, Math.ceil(due - clock())));
      this.scheduled.set(name, { deadline, handle: arm() });
    }
  }
}
