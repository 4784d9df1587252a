/**
 * Checkpoints of a breadth-first search, taken between levels: the state log (every distinct
 * state's fingerprint, parent and action: the visited set is rebuilt from it), the level
 * waiting to be expanded (ids and states), and the counters. A header says what was being
 * checked (spec source hash, params, environment, search options, faultline's version) so a
 * checkpoint of another check is refused, and a SHA-256 over everything detects a damaged file.
 *
 * Writes are atomic: a temporary file in the same folder, fsynced, then renamed over the
 * previous checkpoint (and the folder fsynced), so a kill at any moment leaves either the old
 * checkpoint or the new one, never a torn one. (TLC's users lose days to corrupted
 * checkpoints; this is why.)
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';

/** What was being checked: a checkpoint resumes only the same check. */
export interface CheckpointIdentity {
  /** faultline's version. */
  faultline: string;
  /** The spec's name and, for a spec file, its source's SHA-256. */
  spec: string;
  specSha256?: string;
  params: Record<string, unknown>;
  /** The environment in force (encoded), for actor protocols. */
  environment?: Record<string, unknown>;
  /** The search options that change what is explored. */
  search: { strategy: 'bfs'; maxDepth?: number; symmetry: boolean };
}

/** The counters of the search at the checkpoint. */
export interface CheckpointProgress {
  distinctStates: number;
  generatedStates: number;
  /** TLC's depth so far (levels, counting the initial one). */
  depth: number;
  /** Steps from an initial state to the level being expanded. */
  steps: number;
  /** States of that level still waiting, at the head of `frontier` (the rest is the next level). */
  levelLeft?: number;
  /** Search seconds spent before the checkpoint (resumed runs add theirs). */
  seconds: number;
  /** Whether a bound already cut something (`max-depth`). */
  incomplete?: string;
  /** Per reachability goal, the id of its witness (-1: not reached yet); absent without goals. */
  reached?: number[];
}

/** A whole checkpoint. */
export interface Checkpoint<S> {
  identity: CheckpointIdentity;
  progress: CheckpointProgress;
  /** The state log, column by column. */
  log: { hi: Uint32Array; lo: Uint32Array; parent: Int32Array; action: Uint32Array };
  /** The level waiting to be expanded: log ids and states. */
  frontier: { ids: Int32Array; states: S[] };
}

/**
 * A checkpoint to write: its states either as they are, or already serialised in chunks by
 * {@link serializeStates} (worker threads serialise their own states, in parallel), in the
 * order of `ids`.
 */
export type CheckpointToWrite<S> = Omit<Checkpoint<S>, 'frontier'> & { frontier: Checkpoint<S>['frontier'] | { ids: Int32Array; chunks: Uint8Array[] } };

/** States serialised as a checkpoint holds them: one chunk. */
export function serializeStates(states: readonly unknown[]): Uint8Array {
  return serialize(states);
}

/** Seconds between periodic checkpoints when not given (bfs() and parallelBfs()). */
export const DEFAULT_CHECKPOINT_SECONDS = 300;

/** States per chunk when the writer serialises them itself (bounds the memory a write takes). */
const CHUNK = 1 << 16;

/** A checkpoint that cannot be used: damaged, of another format, or of another check. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

// Format 2 holds the states in chunks; format 1 (one chunk, without a count) is still read.
const MAGIC = 'faultline-checkpoint 2\n';
const MAGIC_1 = 'faultline-checkpoint 1\n';
const FILE = 'checkpoint.bin';

/** The checkpoint file inside a checkpoint folder. */
export function checkpointFile(dir: string): string {
  return path.join(dir, FILE);
}

/** Writes a checkpoint into `dir` atomically; returns the bytes written. */
export function writeCheckpoint<S>(dir: string, checkpoint: CheckpointToWrite<S>): number {
  mkdirSync(dir, { recursive: true });
  const header = Buffer.from(JSON.stringify({ identity: checkpoint.identity, progress: checkpoint.progress, states: checkpoint.log.hi.length, frontier: checkpoint.frontier.ids.length }));
  const { hi, lo, parent, action } = checkpoint.log;
  const { frontier } = checkpoint;
  const chunks: Uint8Array[] = [];
  if ('chunks' in frontier) chunks.push(...frontier.chunks);
  else for (let i = 0; i < frontier.states.length || i === 0; i += CHUNK) chunks.push(serializeStates(frontier.states.slice(i, i + CHUNK)));
  const parts: Uint8Array[] = [
    Buffer.from(MAGIC),
    u32(header.length),
    header,
    bytesOf(hi),
    bytesOf(lo),
    bytesOf(parent),
    bytesOf(action),
    bytesOf(checkpoint.frontier.ids),
    u32(chunks.length),
    ...chunks.flatMap((c) => [u32(c.length), c]),
  ];
  const digest = createHash('sha256');
  for (const p of parts) digest.update(p);
  parts.push(new Uint8Array(digest.digest()));

  const target = checkpointFile(dir);
  const temporary = path.join(dir, `${FILE}.${process.pid}.tmp`);
  const fd = openSync(temporary, 'w');
  let bytes = 0;
  try {
    for (const p of parts) {
      let off = 0;
      while (off < p.length) off += writeSync(fd, p, off, p.length - off);
      bytes += p.length;
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, target);
  syncFolder(dir);
  return bytes;
}

/** Reads the checkpoint in `dir`, checking its format and checksum (not yet its identity). */
export function readCheckpoint<S>(dir: string): Checkpoint<S> {
  const file = checkpointFile(dir);
  if (!existsSync(file)) throw new CheckpointError(`${dir}: no checkpoint here (${FILE} is missing); run with --checkpoint ${dir} first`);
  const data = readFileSync(file);
  const damaged = (why: string) => new CheckpointError(`${file}: damaged checkpoint (${why}); delete it and start again, or resume from a copy`);
  const magic = data.subarray(0, MAGIC.length).toString();
  if (data.length < MAGIC.length + 4 + 32 || (magic !== MAGIC && magic !== MAGIC_1)) throw new CheckpointError(`${file}: not a faultline checkpoint (or one of another format)`);
  const body = data.subarray(0, data.length - 32);
  if (!createHash('sha256').update(body).digest().equals(data.subarray(data.length - 32))) throw damaged('its checksum does not match');
  let at = MAGIC.length;
  const headerLength = data.readUInt32LE(at);
  at += 4;
  let header: { identity: CheckpointIdentity; progress: CheckpointProgress; states: number; frontier: number };
  try {
    header = JSON.parse(data.subarray(at, at + headerLength).toString());
  } catch {
    throw damaged('its header is not JSON');
  }
  at += headerLength;
  const n = header.states;
  // Each part copied into an ArrayBuffer of its own: aligned for the typed arrays.
  const take = (bytes: number): ArrayBuffer => {
    if (!Number.isSafeInteger(bytes) || bytes < 0 || at + bytes > body.length) throw damaged('it is shorter than its header says');
    const copy = new Uint8Array(bytes);
    copy.set(data.subarray(at, at + bytes));
    at += bytes;
    return copy.buffer;
  };
  const hi = new Uint32Array(take(4 * n));
  const lo = new Uint32Array(take(4 * n));
  const parent = new Int32Array(take(4 * n));
  const action = new Uint32Array(take(4 * n));
  const ids = new Int32Array(take(4 * header.frontier));
  const chunks = magic === MAGIC_1 ? 1 : new DataView(take(4)).getUint32(0, true);
  const states: S[] = [];
  for (let c = 0; c < chunks; c++) {
    const length = new DataView(take(4)).getUint32(0, true);
    if (at + length > body.length) throw damaged('it is shorter than its header says');
    let chunk: S[];
    try {
      chunk = deserialize(data.subarray(at, at + length)) as S[];
    } catch {
      throw damaged('its states do not decode');
    }
    at += length;
    if (!Array.isArray(chunk)) throw damaged('its states do not decode');
    for (const state of chunk) states.push(state);
  }
  if (at !== body.length || states.length !== ids.length) throw damaged('its parts do not add up');
  return { identity: header.identity, progress: header.progress, log: { hi, lo, parent, action }, frontier: { ids, states } };
}

/** The first difference between a checkpoint's identity and the check asked for, or undefined. */
export function identityDifference(saved: CheckpointIdentity, asked: CheckpointIdentity): string | undefined {
  if (saved.faultline !== asked.faultline) return `it was written by faultline ${saved.faultline}, this is ${asked.faultline}`;
  if (saved.spec !== asked.spec) return `it checks ${saved.spec}, not ${asked.spec}`;
  if (saved.specSha256 !== asked.specSha256) return "the spec's source changed since it was written";
  const params = (p: Record<string, unknown>) => JSON.stringify(Object.entries(p).sort(([a], [b]) => a.localeCompare(b)));
  if (params(saved.params) !== params(asked.params)) return `its params are ${params(saved.params)}, not ${params(asked.params)}`;
  const environment = (e: Record<string, unknown> | undefined) => (e ? JSON.stringify(Object.entries(e).sort(([a], [b]) => a.localeCompare(b))) : 'none');
  if (environment(saved.environment) !== environment(asked.environment)) return `its environment is ${environment(saved.environment)}, not ${environment(asked.environment)}`;
  if (JSON.stringify(saved.search) !== JSON.stringify(asked.search)) return `its search options are ${JSON.stringify(saved.search)}, not ${JSON.stringify(asked.search)}`;
  return undefined;
}

/** Removes a checkpoint (after the search it belongs to completed). */
export function removeCheckpoint(dir: string): void {
  rmSync(checkpointFile(dir), { force: true });
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function bytesOf(a: Uint32Array | Int32Array): Uint8Array {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function syncFolder(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems cannot fsync a folder; the rename is still atomic.
  }
}
