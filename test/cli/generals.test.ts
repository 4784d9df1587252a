import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI, `node bin/faultline.js …`, from the repo root (asynchronously, so tests run concurrently). */
function faultline(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/faultline.js', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const FIXTURES = 'test/fixtures/specs/generals';

describe.concurrent('faultline generals', () => {
  it('two-generals --max-drops 1: three runs, each pair indistinguishable to one general, agreement fails in run 2 (exit 1)', async () => {
    const r = await faultline('generals', 'protocols/two-generals.ts', '--max-drops', '1');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        'faultline generals protocols/two-generals.ts',
        '  spec      TwoGenerals(rounds=2)',
        '  params    (defaults)',
        '  network   unordered network, drops ≤ 1, dups ≤ 0, crashes ≤ 0 (crash-stop), partitions ≤ 0',
        '  generals  general-A and general-B; terminal Agreement says they agree',
        '  chain     3 runs, from every message arriving to none: each delivers one fewer and loses all the rest',
        '',
        'run 1 of 3: every message arrives (2 delivered)',
        '    1  deliver Messenger(n=1) general-A→general-B',
        '    2  deliver Messenger(n=2) general-B→general-A',
        '    general-A  received Messenger(n=2) from general-B  → attack',
        '    general-B  received Messenger(n=1) from general-A  → attack',
        '    Agreement holds',
        '',
        'run 2 of 3: 1 delivered, then 1 lost',
        '   general-B cannot tell it from run 1: the same view in both, so it does the same (attack)',
        '    1  deliver Messenger(n=1) general-A→general-B',
        '  ✗ 2  drop Messenger(n=2) general-B→general-A',
        '    general-A  received nothing                        → hold',
        '    general-B  received Messenger(n=1) from general-A  → attack  (as in run 1)',
        '    ✗ Agreement fails after step 2',
        '',
        'run 3 of 3: no message arrives (1 lost)',
        '   general-A cannot tell it from run 2: the same view in both, so it does the same (hold)',
        '    1  drop Messenger(n=1) general-A→general-B',
        '    general-A  received nothing  → hold  (as in run 2)',
        '    general-B  received nothing  → hold',
        '    Agreement holds',
        '',
        'Agreement fails in run 2: general-B cannot tell it from run 1 and does the same (attack); general-A, whose view differs, does hold',
        '',
        'verdict: violates Agreement in run 2 of 3 (1 delivered, 1 lost): general-A → hold, general-B → attack',
        '',
      ].join('\n'),
    );
  });

  it('rounds=3 under --loss: 4 runs; the run losing the last messenger fails (rounds 1–3 are pinned in test/checker/indistinguishability.test.ts)', async () => {
    const three = await faultline('generals', 'protocols/two-generals.ts', '--loss', '--param', 'rounds=3');
    expect(three.code).toBe(1);
    expect(three.stdout).toContain('  chain     4 runs, from every message arriving to none');
    expect(three.stdout).toContain('run 4 of 4: no message arrives (1 lost)\n   general-A cannot tell it from run 3');
    expect(three.stdout.trimEnd().split('\n').at(-1)).toBe('verdict: violates Agreement in run 2 of 4 (2 delivered, 1 lost): general-A → attack, general-B → hold');
  });

  it('--json: { chain: [ … ], verdict } with each run\'s messages, views, decisions and a replayable trace', async () => {
    const r = await faultline('generals', 'protocols/two-generals.ts', '--max-drops', '1', '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['spec', 'generals', 'agreement', 'chain', 'failure', 'verdict']);
    expect(out.verdict).toBe('violates Agreement in run 2 of 3 (1 delivered, 1 lost): general-A → hold, general-B → attack');
    expect(out.generals).toEqual(['general-A', 'general-B']);
    expect(out.agreement).toEqual({ name: 'Agreement', kind: 'terminal' });
    expect(out.failure).toEqual({ run: 2, property: 'Agreement', afterStep: 2 });
    expect(out.chain.map((c: { run: number; delivered: number; lost: number; steps: string[]; decisions: object; sameViewAsPrevious?: string; agrees: boolean }) => [
      c.run,
      c.delivered,
      c.lost,
      c.steps,
      c.decisions,
      c.sameViewAsPrevious,
      c.agrees,
    ])).toEqual([
      [1, 2, 0, ['deliver Messenger(n=1) general-A→general-B', 'deliver Messenger(n=2) general-B→general-A'], { 'general-A': 'attack', 'general-B': 'attack' }, undefined, true],
      [2, 1, 1, ['deliver Messenger(n=1) general-A→general-B', 'drop Messenger(n=2) general-B→general-A'], { 'general-A': 'hold', 'general-B': 'attack' }, 'general-B', false],
      [3, 0, 1, ['drop Messenger(n=1) general-A→general-B'], { 'general-A': 'hold', 'general-B': 'hold' }, 'general-A', true],
    ]);
    expect(out.chain[1].views['general-B']).toEqual([
      { event: 'start', state: { received: 0, attack: false } },
      { event: 'received Messenger(n=1) from general-A', state: { received: 1, attack: true } },
    ]);
    expect(out.chain[1].trace).toMatchObject({ format: 'faultline-trace', strategy: 'generals', property: { name: 'Agreement', kind: 'terminal' }, faults: { drops: 1 } });
    expect(out.chain[1].trace.steps).toHaveLength(2);
    expect(out.chain[0].trace.property).toEqual({ name: 'run 1', kind: 'generals' });
  });

  it('--md: a table and a Mermaid sequence diagram per run, lost messengers as -x arrows', async () => {
    const r = await faultline('generals', 'protocols/two-generals.ts', '--max-drops', '1', '--md');
    expect(r.code).toBe(1);
    expect(r.stdout.startsWith('# Two Generals: TwoGenerals(rounds=2)\n')).toBe(true);
    expect(r.stdout.match(/```mermaid\nsequenceDiagram\n/g)).toHaveLength(3);
    expect(r.stdout).toContain('## Run 2 of 3: 1 delivered, then 1 lost\n\n*general-B cannot tell it from run 1: the same view in both, so it does the same (attack)*');
    expect(r.stdout).toContain('| ✗ 2 | `drop Messenger(n=2) general-B→general-A` |');
    expect(r.stdout).toContain('| `general-B` | received Messenger(n=1) from general-A (as in run 1) | `attack` |');
    expect(r.stdout).toContain('    general_B-xgeneral_A: Messenger(n=2) (lost)\n    Note over general_A: hold\n    Note over general_B: attack\n```');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('**Verdict: violates Agreement in run 2 of 3 (1 delivered, 1 lost): general-A → hold, general-B → attack**');
  });

  it('no loss flag: no message can be lost, one run, and a search of every state agrees (exit 0)', async () => {
    const r = await faultline('generals', 'protocols/two-generals.ts');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  chain     1 run, from every message arriving until the link may lose no more (see below)');
    expect(r.stdout).toContain('the chain ends here: no message can be lost on this link (the environment allows no drops: pass --loss or --max-drops N)');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('verdict: agrees: Agreement holds in every reachable state (3 states) — no message can be lost on this link');
  });

  it('generals that never attack: agreement holds whatever is lost (exit 0)', async () => {
    const r = await faultline('generals', `${FIXTURES}/never-attack.ts`, '--loss');
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(
      'verdict: agrees: Agreement holds in every reachable state (7 states) — whatever is lost, general-A → hold, general-B → hold: the decision does not depend on the link',
    );
  });

  it('a run that never ends: --max-steps cuts it, exit 3 with the reason', async () => {
    const r = await faultline('generals', `${FIXTURES}/forever.ts`, '--max-steps', '30');
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('; … 9 more');
    expect(r.stdout).toContain('    the run is still going after 30 steps: cut here, undecided');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('verdict: incomplete: the run where every message arrives is still going after 30 steps (raise --max-steps)');
  });

  it('bad input, one line each (exit 2): three generals, no generals declared, an unknown agreement, two formats (the rest in test/checker/indistinguishability.test.ts)', async () => {
    const how = "declare generals: { role: 'general', decision: (local) => 'attack' | 'hold', agreement: 'Agreement' } in protocol({...}), with a role of two nodes and terminal: { Agreement: (w) => … } saying they agree";
    const cases: [string[], string][] = [
      [[`${FIXTURES}/three-generals.ts`], `faultline: ${FIXTURES}/three-generals.ts: the Two Generals chain needs exactly two generals, and generals names 3 (general-A, general-B, general-C): ${how}\n`],
      [['protocols/two-phase-commit.ts'], `faultline: protocols/two-phase-commit.ts: the Two Generals chain needs the protocol's two generals: ${how}\n`],
      [
        [`${FIXTURES}/unknown-agreement.ts`],
        `faultline: ${FIXTURES}/unknown-agreement.ts: the spec factory threw: generals.agreement: no property "Agrement" (declare it in terminal: { Agrement: (w) => … }) (check the --param values)\n`,
      ],
      [['protocols/two-generals.ts', '--json', '--md'], 'faultline: --json and --md: choose one output format\n'],
    ];
    const runs = await Promise.all(cases.map(([args]) => faultline('generals', ...args)));
    runs.forEach((r, i) => {
      expect(r.code, cases[i][0].join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(cases[i][1]);
    });
  });

  it('hostile names: escape sequences shown inert, an agreement property named __proto__ checked (fails with every message arriving)', async () => {
    const r = await faultline('generals', `${FIXTURES}/hostile-names.ts`, '--loss');
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('  spec      Hostile\\u001b[2J');
    expect(r.stdout).toContain('__proto__ fails in run 1, where every message arrives: no loss is needed to break it');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('verdict: violates __proto__ in run 1 of 2 (every message arrives): general-A\\u001b[31m → hold, general-B → attack');
    const md = await faultline('generals', `${FIXTURES}/hostile-names.ts`, '--loss', '--md');
    expect(md.stdout).not.toContain('\u001b');
  });
});
