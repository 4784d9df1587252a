/**
 * Raft (Ongaro and Ousterhout, "In Search of an Understandable Consensus Algorithm"): leader
 * election and log replication among `servers` interchangeable servers.
 *
 * Election: a follower's or candidate's `timeout` timer (untimed: it may fire at any moment,
 * which is how a randomized election timeout abstracts) starts an election in the next term:
 * it votes for itself and sends RequestVote with its last log index and term. A server grants
 * at most one vote per term, and only to a candidate whose log is at least as up-to-date as
 * its own (§5.4.1). Only granted votes are answered: a candidate that hears nothing times out
 * again. A candidate with votes from a majority becomes leader. Any message from a higher term
 * makes its receiver adopt that term and become a follower.
 *
 * Replication: a leader's `request` timer (armed once per term) is a client request: the
 * leader appends one entry of its term. A leader appends at most one entry per term, so an
 * entry is named by its term (a log is a list of terms). The leader sends AppendEntries to
 * every other server when it is elected with a non-empty log and when it appends — not as
 * periodic heartbeats, nor when its commit index advances (followers learn it from the next
 * AppendEntries, if any): those messages would multiply the states without adding a way to
 * break the four properties. It always sends its whole log (prevLogIndex 0, as if nextIndex
 * were 1 for every follower, so there are no consistency-check retries). A follower keeps what
 * agrees, deletes from the first conflicting entry and appends the rest (Figure 2), takes
 * min(leaderCommit, entries sent) as its commit index, and answers with how far it now
 * matches. The leader commits the highest index stored on a majority whose entry is of its
 * current term (§5.4.2); earlier entries commit with it. Stale requests and rejections are
 * not answered (a deposed leader learns the new term from the next message of that term).
 *
 * Bounds that keep the state space finite: terms up to `maxTerm` (no timeout at that term)
 * and logs up to `maxLog` entries. currentTerm, votedFor and the log are persistent; the role,
 * votes, match indices and commit index are volatile (commitIndex is volatile in Raft).
 *
 * Ghost state (no handler reads it; persistent, as history): `applied`, the entries a server
 * applied to its state machine in order, and `committed`, the last commit a server made as
 * leader, with its term — what the properties below read:
 * - ElectionSafety: no two servers lead the same term (crashed ones included).
 * - LogMatching: two logs with the same entry at an index agree on every entry before it.
 * - LeaderCompleteness: an entry committed in term T is in the log of every leader of a term > T.
 * - StateMachineSafety: no two servers applied different entries at the same index.
 *
 * Variants: `vote-not-persisted` (currentTerm and votedFor volatile: a server that crashes
 * and recovers votes again in the same term — two leaders, with `--crashes 1 --recover`);
 * `figure-8` (a leader commits an entry of an earlier term once it is on a majority — the
 * paper's Figure 8: the leader of term 4 lacks it; it takes four terms, so it is checked with
 * `--param maxTerm=4 --max-in-flight 4 --fifo`, bounds under which a full search takes seconds);
 * `no-up-to-date-check` (votes ignore the candidate's log: a leader lacks a committed entry).
 */
import { protocol, type Context, type Params, type SpecAbout, type World } from '../specs/index.ts';

/** A leader's commit, as the ghost `committed` records it. */
export interface Commit {
  /** The leader's term when it committed. */
  term: number;
  /** The log up to the committed index. */
  entries: number[];
}

/** A server's local state. */
export interface Server {
  /** currentTerm (persistent, except in `vote-not-persisted`). */
  term: number;
  /** The candidate voted for in `term` (persistent, except in `vote-not-persisted`). */
  votedFor: string | null;
  /** The log: each entry named by the term it was created in (persistent). */
  log: number[];
  role: 'follower' | 'candidate' | 'leader';
  /** A candidate's votes, keyed by voter (itself included). */
  votes: Record<string, true>;
  /** A leader's matchIndex per follower that answered, keyed by follower. */
  match: Record<string, number>;
  /** commitIndex: entries 1..commit are committed (volatile). */
  commit: number;
  /** Ghost: the entries applied to the state machine, in order. */
  applied: number[];
  /** Ghost: the last commit this server made as leader. */
  committed: Commit | null;
}

type RaftMessage =
  | { type: 'RequestVote'; term: number; lastLogIndex: number; lastLogTerm: number }
  | { type: 'Vote'; term: number }
  | { type: 'AppendEntries'; term: number; entries: number[]; commit: number }
  | { type: 'AppendReply'; term: number; match: number };

const VARIANTS = {
  'vote-not-persisted': {
    description: 'currentTerm and votedFor are volatile: a server that crashes and recovers votes twice in one term, two leaders are elected (ElectionSafety)',
    flags: ['--crashes', '1', '--recover'],
    expect: 'violation',
  },
  'figure-8': {
    description: "a leader commits an entry of an earlier term by counting replicas (the paper's Figure 8): a later leader lacks it and overwrites it (LeaderCompleteness)",
    flags: ['--param', 'maxTerm=4', '--max-in-flight', '4', '--fifo'],
    expect: 'violation',
  },
  'no-up-to-date-check': {
    description: "votes ignore the candidate's log: a candidate with a stale log wins, lacking a committed entry (LeaderCompleteness)",
    expect: 'violation',
  },
} satisfies SpecAbout['variants'];

/** The bundled protocol's parameters and variants, for `faultline list`. */
export const about = {
  description: 'Raft: leader election and log replication; ElectionSafety, LogMatching, LeaderCompleteness and StateMachineSafety',
  params: {
    servers: 'number of servers, 1–5 (default 3)',
    maxTerm: 'the highest term an election may start, 1–6 (default 2)',
    maxLog: 'the longest log a leader appends to, 0–4 (default 1)',
  },
  flags: ['--param', 'maxTerm=1', '--crashes', '1', '--recover'],
  expect: 'pass',
  variants: VARIANTS,
} satisfies SpecAbout;

function whole(params: Params, key: string, fallback: number, min: number, max: number): number {
  const raw = params[key] ?? fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`raft: ${key} must be an integer ${min}–${max}, got ${String(raw)}`);
  return value;
}

/** The term of the last entry of `log` (0 when empty). */
const lastTerm = (log: readonly number[]): number => (log.length === 0 ? 0 : log[log.length - 1]);

/** True when the first `n` entries of `a` and `b` are the same. */
const samePrefix = (a: readonly number[], b: readonly number[], n: number): boolean => {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** LogMatching over a set of logs: the same entry at an index means the same entries before it. */
export function logsMatch(logs: readonly (readonly number[])[]): boolean {
  for (let x = 0; x < logs.length; x++) {
    for (let y = x + 1; y < logs.length; y++) {
      const a = logs[x];
      const b = logs[y];
      for (let i = Math.min(a.length, b.length) - 1; i >= 0; i--) {
        if (a[i] === b[i]) {
          if (!samePrefix(a, b, i)) return false;
          break; // the longest common-entry index covers every shorter one
        }
      }
    }
  }
  return true;
}

/** StateMachineSafety over every server: no two applied different entries at one index. */
export function appliedAgree(servers: readonly Server[]): boolean {
  for (let x = 0; x < servers.length; x++) {
    for (let y = x + 1; y < servers.length; y++) {
      const a = servers[x].applied;
      const b = servers[y].applied;
      if (!samePrefix(a, b, Math.min(a.length, b.length))) return false;
    }
  }
  return true;
}

/** LeaderCompleteness: every live leader's log holds every commit made in an earlier term. */
export function leadersComplete(w: World): boolean {
  const ids = w.ids('server');
  const commits = ids.map((id) => w.node<Server>(id).committed).filter((c): c is Commit => c !== null);
  for (const id of ids) {
    const s = w.node<Server>(id);
    if (s.role !== 'leader' || w.crashed(id)) continue;
    for (const c of commits) {
      if (c.term < s.term && !(s.log.length >= c.entries.length && samePrefix(s.log, c.entries, c.entries.length))) return false;
    }
  }
  return true;
}

/** ElectionSafety: no two servers lead the same term. */
export function oneLeaderPerTerm(servers: readonly Server[]): boolean {
  const terms = servers.filter((s) => s.role === 'leader').map((s) => s.term);
  return new Set(terms).size === terms.length;
}

/** Raft with `servers` servers, terms up to `maxTerm` and logs up to `maxLog` entries. */
export default function raft(params: Params = {}) {
  const n = whole(params, 'servers', 3, 1, 5);
  const maxTerm = whole(params, 'maxTerm', 2, 1, 6);
  const maxLog = whole(params, 'maxLog', 1, 0, 4);
  const variant = String(params.variant ?? 'correct');
  if (variant !== 'correct' && !Object.hasOwn(VARIANTS, variant)) {
    throw new Error(`raft: unknown variant "${variant}" (known: ${Object.keys(VARIANTS).join(', ')})`);
  }
  const majority = Math.floor(n / 2) + 1;
  type Ctx = Context<RaftMessage>;

  /** Applies the newly committed entries to the state machine (ghost). */
  const apply = (s: Server): void => {
    if (s.commit > s.applied.length) s.applied = s.applied.concat(s.log.slice(s.applied.length, s.commit));
  };

  const armTimeout = (s: Server, ctx: Ctx): void => {
    if (s.term < maxTerm) ctx.setTimer('timeout');
    else ctx.cancelTimer('timeout');
  };

  /** A message from a higher term: adopt it, as a follower that has not voted in it. */
  const stepDown = (s: Server, term: number, ctx: Ctx): void => {
    s.term = term;
    s.votedFor = null;
    s.role = 'follower';
    s.votes = {};
    s.match = {};
    ctx.cancelTimer('request');
    armTimeout(s, ctx);
  };

  const sendLog = (s: Server, ctx: Ctx): void => {
    ctx.broadcast('server', { type: 'AppendEntries', term: s.term, entries: s.log, commit: s.commit });
  };

  const becomeLeader = (s: Server, ctx: Ctx): void => {
    s.role = 'leader';
    s.votes = {};
    s.match = {};
    ctx.cancelTimer('timeout'); // a leader does not time out
    if (s.log.length < maxLog) ctx.setTimer('request');
    if (s.log.length > 0) sendLog(s, ctx); // an empty log has nothing to replicate (heartbeats are not modelled)
    advanceCommit(s, ctx); // a lone server commits alone
  };

  /** Commits the highest index stored on a majority, if its entry is of the current term (or, in figure-8, of any term). */
  const advanceCommit = (s: Server, ctx: Ctx): void => {
    for (let index = s.log.length; index > s.commit; index--) {
      if (s.log[index - 1] !== s.term && variant !== 'figure-8') continue;
      const replicas = 1 + Object.values(s.match).filter((m) => m >= index).length;
      if (replicas < majority) continue;
      s.commit = index;
      s.committed = { term: s.term, entries: s.log.slice(0, index) };
      apply(s);
      return;
    }
  };

  return protocol<RaftMessage>()({
    name: `Raft(servers=${n}, maxTerm=${maxTerm}, maxLog=${maxLog})${variant === 'correct' ? '' : `/${variant}`}`,
    nodes: { server: n },
    symmetric: ['server'],
    roles: {
      server: {
        init: (): Server => ({ term: 0, votedFor: null, log: [], role: 'follower', votes: {}, match: {}, commit: 0, applied: [], committed: null }),
        persistent: variant === 'vote-not-persisted' ? ['log', 'applied', 'committed'] : ['term', 'votedFor', 'log', 'applied', 'committed'],
        onStart(s, ctx) {
          armTimeout(s, ctx);
        },
        onRecover(s, ctx) {
          armTimeout(s, ctx);
        },
        timers: {
          timeout(s, ctx) {
            s.term++;
            s.role = 'candidate';
            s.votedFor = ctx.self;
            s.votes = { [ctx.self]: true };
            s.match = {};
            ctx.broadcast('server', { type: 'RequestVote', term: s.term, lastLogIndex: s.log.length, lastLogTerm: lastTerm(s.log) });
            armTimeout(s, ctx);
            if (majority === 1) becomeLeader(s, ctx);
          },
          request(s, ctx) {
            if (s.role !== 'leader' || s.log.length >= maxLog) return;
            s.log = [...s.log, s.term];
            sendLog(s, ctx);
            advanceCommit(s, ctx);
          },
        },
        on: {
          RequestVote(s, msg, ctx) {
            if (msg.term > s.term) stepDown(s, msg.term, ctx);
            if (msg.term < s.term) return; // stale: ignored
            const upToDate = msg.lastLogTerm > lastTerm(s.log) || (msg.lastLogTerm === lastTerm(s.log) && msg.lastLogIndex >= s.log.length);
            if (s.votedFor !== null && s.votedFor !== ctx.sender) return;
            if (!upToDate && variant !== 'no-up-to-date-check') return;
            s.votedFor = ctx.sender;
            ctx.reply({ type: 'Vote', term: s.term });
          },
          Vote(s, msg, ctx) {
            if (s.role !== 'candidate' || msg.term !== s.term) return; // a vote for an election it no longer runs
            s.votes[ctx.sender] = true;
            if (Object.keys(s.votes).length >= majority) becomeLeader(s, ctx);
          },
          AppendEntries(s, msg, ctx) {
            if (msg.term > s.term) stepDown(s, msg.term, ctx);
            if (msg.term < s.term) return; // from a deposed leader: ignored
            if (s.role === 'leader') return; // two leaders of one term: ElectionSafety already failed
            if (s.role === 'candidate') {
              s.role = 'follower'; // the term has a leader
              s.votes = {};
            }
            // Keep what agrees, delete from the first conflict, append the rest.
            const conflict = msg.entries.findIndex((e, i) => i >= s.log.length || s.log[i] !== e);
            if (conflict >= 0) s.log = s.log.slice(0, conflict).concat(msg.entries.slice(conflict));
            const commit = Math.min(msg.commit, msg.entries.length);
            if (commit > s.commit) {
              s.commit = commit;
              apply(s);
            }
            ctx.reply({ type: 'AppendReply', term: s.term, match: msg.entries.length });
          },
          AppendReply(s, msg, ctx) {
            if (s.role !== 'leader' || msg.term !== s.term) return;
            if ((s.match[ctx.sender] ?? 0) >= msg.match) return;
            s.match[ctx.sender] = msg.match;
            advanceCommit(s, ctx);
          },
        },
      },
    },
    invariants: {
      ElectionSafety: (w) => oneLeaderPerTerm(w.nodes('server')),
      LogMatching: (w) => logsMatch(w.nodes('server').map((s) => s.log)),
      LeaderCompleteness: leadersComplete,
      StateMachineSafety: (w) => appliedAgree(w.nodes('server')),
    },
    // The pass is not vacuous: a leader is elected and, when clients may append, an entry is committed.
    reachable: {
      LeaderElected: (w) => w.nodes('server').some((s) => s.role === 'leader'),
      ...(maxLog > 0 ? { EntryCommitted: (w: World<{ server: Server }>) => w.nodes('server').some((s) => s.committed !== null) } : {}),
    },
  });
}
