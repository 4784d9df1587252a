import { Command, InvalidArgumentError, Option } from 'commander';
import { check } from './commands/check.ts';
import { lint } from './commands/lint.ts';
import { report } from './commands/report.ts';
import { list } from './commands/list.ts';
import { history } from './commands/history.ts';
import { replay } from './commands/replay.ts';
import { flp } from './commands/flp.ts';
import { DEFAULT_EXPLORE_PORT, explore } from './commands/explore.ts';
import { generals } from './commands/generals.ts';
import { run } from './commands/run.ts';
import { conform } from './commands/conform.ts';
import { merge } from './commands/merge.ts';
import { ENVIRONMENT_FLAGS } from '../api/index.ts';

function positiveInt(flag: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${flag} takes a whole number, got "${raw}"`);
    return n;
  };
}

/** `--workers`: a count, or `auto` for the machine's cores (as TLC's `-workers auto`). */
function workerCount(raw: string): number | 'auto' {
  if (raw === 'auto') return 'auto';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`--workers takes a whole number of at least 1 or "auto", got "${raw}"`);
  return n;
}

function integer(flag: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${flag} takes a whole number, got "${raw}"`);
    return n;
  };
}

function positiveNumber(flag: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${flag} takes a positive number, got "${raw}"`);
    return n;
  };
}

/** `--max-memory`: bytes, with an optional KB/MB/GB (powers of 1024) suffix. */
function memorySize(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB)?$/i.exec(raw.trim());
  if (!m || Number(m[1]) <= 0) throw new InvalidArgumentError(`--max-memory takes a size such as 512MB or 2GB, got "${raw}"`);
  const unit = { B: 1, KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30, TB: 2 ** 40 }[(m[2] ?? 'B').toUpperCase() as 'B'];
  return Math.round(Number(m[1]) * unit);
}

/** `--drop-rate`: a probability in [0, 1). */
function probability(flag: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!(n >= 0 && n < 1)) throw new InvalidArgumentError(`${flag} takes a probability in [0, 1), got "${raw}"`);
    return n;
  };
}

/** A non-negative number of seconds. */
function seconds(flag: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${flag} takes a number of seconds, got "${raw}"`);
    return n;
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The environment knobs of actor protocols (they override the spec's defaults): `ENVIRONMENT_FLAGS`. */
function environmentFlags(command: Command): Command {
  for (const f of ENVIRONMENT_FLAGS) {
    if (f.count) command.option(`${f.flag} ${f.count.value}`, f.help, positiveInt(f.flag));
    else command.option(f.flag, f.help);
  }
  return command;
}

/**
 * Declares every command. Each action runs a plain async function from commands/ and
 * hands its exit code to `setExitCode`.
 */
export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('faultline')
    .description('A model checker for distributed protocols written as TypeScript state machines.')
    .option('--debug', 'print stack traces of errors')
    .exitOverride()
    .configureOutput({
      // One line per usage error, with where to look for the fix.
      writeErr: (text) =>
        process.stderr.write(
          text.startsWith('error: ') ? `faultline: ${text.slice(7).trim().replace(/\s*\n\s*/g, ' ')} (see faultline --help)\n` : text,
        ),
    });

  const checkCommand = program
    .command('check')
    .description('explore a spec exhaustively and check its properties')
    .argument('<spec>', 'a spec file (.ts): default export Model or (params) => Model')
    .option('-p, --param <key=value>', 'a spec parameter (repeatable)', collect, [])
    .addOption(new Option('-s, --strategy <name>', 'search strategy: bfs, dfs or random (fast-check walks)').default('bfs'))
    .option('--max-depth <steps>', 'explore paths of at most this many steps', positiveInt('--max-depth'))
    .option('--max-states <n>', 'stop after this many distinct states', positiveInt('--max-states'))
    .option('--timeout <seconds>', 'stop after this many seconds', positiveNumber('--timeout'))
    .option('--max-memory <size>', 'stop (exit 3) once the process uses this much memory, e.g. 2GB or 512MB (default: 85% of the machine)', memorySize)
    .option('--json', 'print one JSON object on stdout')
    .option('--progress', 'report progress on stderr even when it is not a terminal')
    .option('--seed <n>', 'random: fast-check seed (printed with every random result)', integer('--seed'))
    .option('--runs <n>', 'random: number of walks (default 1000)', positiveInt('--runs'))
    .option('--swarm', 'random: vary the faults enabled and their budgets per walk')
    .option('--minimize <objective>', '"faults": the violation with the fewest injected faults, then the fewest steps')
    .option('--out <dir>', "write each violation's trace file into this directory")
    .option('--no-lint', 'check even when faultline lint finds errors in the spec')
    .option('--coverage', 'report the handlers, messages, faults and properties the search reached, and those it never did')
    .option('--por', 'bfs: partial-order reduction (untimed actor protocols without a state constraint): fewer states, same verdicts; counterexamples may not be the shortest')
    .option('--no-por', 'no partial-order reduction (the default): shortest counterexamples, TLC-comparable counts')
    .option('--exact', 'compare full states instead of 64-bit fingerprints and count collisions (slower; small models)')
    .option('--workers <n>', 'bfs: search on n worker threads sharing one visited set, or "auto": one per core (default 1)', workerCount)
    .option('--shard <K/N>', 'run shard K of N (1-based), or "auto": JOB_COMPLETION_INDEX + 1 of FAULTLINE_SHARDS; combine the --json reports with faultline merge')
    .option('--split-depth <steps>', 'with --shard, exhaustive: split the state space at this depth (default: the first with 8 states per shard)', positiveInt('--split-depth'))
    .option('--checkpoint <dir>', 'bfs: write a checkpoint into this folder every --checkpoint-every seconds and when stopped (Ctrl-C, SIGTERM, --max-memory)')
    .option('--checkpoint-every <seconds>', 'seconds between checkpoints (default 300)', positiveNumber('--checkpoint-every'))
    .option('--resume <dir>', 'continue from the checkpoint in this folder (same spec, params, environment and faultline); checkpoints go on into it');
  environmentFlags(checkCommand).action(async (spec: string, options) => setExitCode(await check(spec, options)));

  program
    .command('lint')
    .description('static checks of spec files: nondeterminism, hidden state, mutation, message coverage (exit 1: errors)')
    .argument('<spec...>', 'spec files (.ts); the local modules they import are checked too')
    .option('--json', 'print one JSON object on stdout')
    .action(async (specs: string[], options) => setExitCode(await lint(specs, options)));

  program
    .command('replay')
    .description('re-execute a trace file against the current spec (exit 1: still fails, 0: fixed)')
    .argument('<trace>', 'a trace file (.json) from check --out or check --json')
    .option('--json', 'print one JSON object on stdout')
    .option('--allow-spec-outside', "run the trace's spec even when it lies outside this project and the trace's folder")
    .action(async (trace: string, options) => setExitCode(await replay(trace, options)));

  program
    .command('report')
    .description('render a trace file for a review: text, Markdown with Mermaid, Mermaid, HTML or DOT')
    .argument('<trace>', 'a trace file (.json) from check --out or check --json')
    .option('-f, --format <name>', 'text, md, mermaid, html or dot', 'text')
    .option('-o, --output <file>', 'write the report to this file instead of stdout')
    .option('--state-graph', "with --format dot: the small model's whole state graph, the trace's path highlighted")
    .option('--max-states <n>', 'with --state-graph: the most states drawn (default 500)', positiveInt('--max-states'))
    .option('--allow-spec-outside', "with --state-graph: run the trace's spec even when it lies outside this project and the trace's folder")
    .action(async (trace: string, options) => setExitCode(await report(trace, options)));

  environmentFlags(
    program
      .command('flp')
      .description('walk a consensus protocol through the FLP argument: valency, bivalent and critical configurations, one crash, verdict')
      .argument('<spec>', 'a protocol that declares consensus: { decided, input? }')
      .option('-p, --param <key=value>', 'a spec parameter (repeatable)', collect, [])
      .option('--max-states <n>', 'stop after this many distinct states', positiveInt('--max-states'))
      .option('--timeout <seconds>', 'stop after this many seconds', positiveNumber('--timeout'))
      .option('--json', 'print one JSON object on stdout')
      .option('--md', 'print Markdown (with Mermaid diagrams) for design reviews'),
  ).action(async (spec: string, options) => setExitCode(await flp(spec, options)));

  environmentFlags(
    program
      .command('generals')
      .description('walk a protocol through the Two Generals argument: the runs from every message arriving to none, each indistinguishable to one general from the next, and where agreement fails')
      .argument('<spec>', "a protocol that declares generals: { role?, decision, agreement }")
      .option('-p, --param <key=value>', 'a spec parameter (repeatable)', collect, [])
      .option('--max-steps <n>', 'the longest run walked (default 1000)', positiveInt('--max-steps'))
      .option('--max-states <n>', 'bound of the search of every run when the chain does not break agreement (default 1000000)', positiveInt('--max-states'))
      .option('--timeout <seconds>', 'stop after this many seconds', positiveNumber('--timeout'))
      .option('--json', 'print one JSON object on stdout')
      .option('--md', 'print Markdown (with Mermaid diagrams) for design reviews'),
  ).action(async (spec: string, options) => setExitCode(await generals(spec, options)));

  environmentFlags(
    program
      .command('explore')
      .description('walk a spec\'s state space in the browser: a local server, links to states, check from any state')
      .argument('[spec]', 'a spec file (.ts) or a bundled protocol\'s name (optional with --trace)')
      .option('-p, --param <key=value>', 'a spec parameter (repeatable)', collect, [])
      .option('--trace <file>', 'open a trace file (.json) at its last step, with its params and environment')
      .option('--port <n>', `the port to listen on, on 127.0.0.1 (0: any free one; default ${DEFAULT_EXPLORE_PORT})`, positiveInt('--port'), DEFAULT_EXPLORE_PORT)
      .option('--allow-spec-outside', "with --trace: run the trace's spec even when it lies outside this project and the trace's folder"),
  ).action(async (spec: string | undefined, options) => setExitCode(await explore(spec, options)));

  program
    .command('merge')
    .description('combine the --json reports of a sharded check (check --shard K/N) into one verdict')
    .argument('<reports...>', "the shards' --json reports")
    .option('--json', 'print one JSON object on stdout')
    .action(async (files: string[], options) => setExitCode(await merge(files, options)));

  program
    .command('run')
    .description("run a protocol's handlers for real (memory: one process; udp: one process per node) and log every event as JSON lines")
    .argument('<spec>', 'an actor protocol (.ts) or a bundled protocol name')
    .option('-p, --param <key=value>', 'a spec parameter (repeatable)', collect, [])
    .option('--for <seconds>', 'how long to run (default 2)', positiveNumber('--for'))
    .option('--log <file.jsonl>', 'write the JSON-lines log here')
    .option('--transport <name>', 'memory (default) or udp')
    .option('--drop-rate <p>', 'probability that the network drops a message (logged)', probability('--drop-rate'))
    .option('--dup-rate <p>', 'probability that the network duplicates a message (logged)', probability('--dup-rate'))
    .option('--crash <node@seconds>', 'kill a node at this moment and restart it from its durable store (repeatable)', collect, [])
    .option('--restart-after <seconds>', 'how long a crashed node stays down (default 0.2)', seconds('--restart-after'))
    .option('--seed <n>', 'seeds choose(), drops and duplicates (default 1)', integer('--seed'))
    .option('--tick-ms <ms>', 'milliseconds per model tick: timers and now() (default 10)', positiveNumber('--tick-ms'))
    .option('--max-time <ticks>', 'for a timed protocol: its time bound (the run ignores it; conform needs it)', positiveInt('--max-time'))
    .option('--skew <ticks>', "each clocked node's now() is off by a fixed offset drawn from --seed in [-N, +N] ticks (timed protocols)", positiveInt('--skew'))
    .option('--json', 'print one JSON object on stdout')
    .action(async (spec: string, options) => setExitCode(await run(spec, options)));

  program
    .command('conform')
    .description('validate a run log against the spec: every event a step the model allows, every logged state the model\'s (exit 0: conforms, 1: does not)')
    .argument('<spec>', 'the actor protocol the log should follow')
    .argument('<log>', 'a JSON-lines log from faultline run')
    .option('-p, --param <key=value>', "a spec parameter (repeatable; default: the run's, from the log's header)", collect, [])
    .option('--partial', 'the log may miss events: search for unlogged model steps that explain the gaps')
    .option('--max-hidden <steps>', 'with --partial: unlogged steps tried before one logged event (default 3)', positiveInt('--max-hidden'))
    .option('--max-backtracks <n>', 'times the merge may go back to try another order of the ready events (default 1000; 0: the logged times\' order only)', positiveInt('--max-backtracks'))
    .option('--history <file.jsonl>', "also write the log's client operations as a jsonl history for faultline history")
    .option('--json', 'print one JSON object on stdout')
    .action(async (spec: string, log: string, options) => setExitCode(await conform(spec, log, options)));

  program
    .command('list')
    .description('list the bundled protocols, their parameters, documented checks and variants')
    .option('--json', 'print one JSON array on stdout: { file, name, description, params, flags, expect, variants }')
    .action(async (options) => setExitCode(await list(options)));

  program
    .command('history')
    .description('check a recorded client history for linearizability (exit 0: yes, 1: no, 3: gave up)')
    .argument('<file>', 'a history file')
    .option('-f, --format <name>', 'porcupine-etcd, porcupine-kv, knossos-edn or jsonl')
    .option('-m, --model <name>', 'register, cas-register or kv')
    .option('--init <value>', 'initial value of the register or of each kv key (JSON or EDN; default null, "" for kv)')
    .option('--consistency <name>', 'linearizable or sequential', 'linearizable')
    .option('--timeout <seconds>', 'give up after this many seconds', positiveNumber('--timeout'))
    .option('--json', 'print one JSON object on stdout')
    .option('--out <file>', 'also write the report: .md for Markdown, .html for a timeline')
    .action(async (file: string, options) => setExitCode(await history(file, options)));

  return program;
}
