import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { casRegisterModel, checkLinearizable, checkSequentiallyConsistent, kvModel } from '../../../checker/history/index.ts';
import { historyReportCsp, renderHistoryHtml, renderHistoryMarkdown, renderHistoryText } from '../../../counterexamples/history/index.ts';
import { events } from '../../checker/history/helpers.ts';

const stale = events([
  [0, 'invoke', 'write', 1],
  [0, 'ok', 'write', 1],
  [3, 'invoke', 'write', 9],
  [3, 'info', 'write', ':timed-out'],
  [1, 'invoke', 'read', null],
  [1, 'ok', 'read', null],
]);
const violation = checkLinearizable(stale, casRegisterModel());
const ok = checkSequentiallyConsistent(stale, casRegisterModel());

describe('renderHistoryText', () => {
  it('a consistent history is one line', () => {
    expect(renderHistoryText(ok, { file: 'h.log' })).toMatch(/^h\.log: sequentially consistent \(cas-register model, 3 operations, \d+\.\d{3} s\)$/);
  });

  it('a violation names the failing op, the possible states, the window and where the search got stuck', () => {
    const text = renderHistoryText(violation, { file: 'h.log' });
    expect(text.split('\n')[0]).toMatch(/^h\.log: not linearizable \(cas-register model, 3 operations/);
    expect(text).toContain('when op 2 (line 5, p1): read() → null completes');
    expect(text).toContain('one of the states 1, 9');
    expect(text).toMatch(/Failing window \(2 operations\):\n {2}op +line +process +operation\n {2}1 +3 +p3 +write\(9\) → \? +outcome unknown\n {2}2 +5 +p1 +read\(\) → null +<- fails here/);
    expect(text).toContain('Longest partial linearization: 1 operations');
    expect(text).toContain('op 2 p1 read() → null: the model returns 1');
  });

  it('a timeout says it gave up', () => {
    expect(renderHistoryText({ ...ok, verdict: 'timeout' })).toMatch(/^gave up \(time limit\) before deciding whether it is sequentially consistent/);
  });
});

describe('renderHistoryMarkdown', () => {
  it('has a summary table, the window and the linearization as tables', () => {
    const md = renderHistoryMarkdown(violation, { file: 'h_1.log', format: 'porcupine-etcd' });
    expect(md).toContain('# History check: h\\_1.log');
    expect(md).toContain('| format | porcupine-etcd |');
    expect(md).toContain('## Failing window');
    expect(md).toContain('| 2 | 5 | p1 | `read() → null` | **fails here** |');
    expect(md).toContain('| 1 | 0 | p0 | `write(1)` | `1` |');
    expect(md).toContain('- op 2 (p1) `read() → null`: the model returns `1`');
  });

  it('escapes table-breaking characters', () => {
    const h = events([
      [0, 'invoke', 'put', 'a|b', 'k|`x`'],
      [0, 'ok', 'put', 'a|b', 'k|`x`'],
      [1, 'invoke', 'get', null, 'k|`x`'],
      [1, 'ok', 'get', 'zz', 'k|`x`'],
    ]);
    const md = renderHistoryMarkdown(checkLinearizable(h, kvModel()));
    for (const line of md.split('\n').filter((l) => l.startsWith('| ') && l.includes('put'))) {
      expect(line.split(/(?<!\\)\|/).length).toBe(7); // 5 cells: no unescaped pipe inside one
    }
  });
});

describe('renderHistoryHtml', () => {
  const html = renderHistoryHtml(violation, { file: 'h.log' });

  it('is one self-contained page: no scripts, no links, no fetches', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(|https?:/i);
  });

  it("carries a CSP that allows its one style sheet by hash, and nothing else: no 'unsafe-inline'", () => {
    const sheet = /<style>([\s\S]*)<\/style>/.exec(html)![1];
    const hash = createHash('sha256').update(sheet, 'utf8').digest('base64');
    const csp = `default-src 'none'; script-src 'none'; style-src 'sha256-${hash}'; img-src 'none'; base-uri 'none'; form-action 'none'`;
    expect(historyReportCsp(sheet)).toBe(csp);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${csp}">`);
    expect(html.match(/<style>/g)).toHaveLength(1);
    // Bars are placed by id rules in that sheet, not by style attributes (which the CSP would block).
    expect(html).not.toMatch(/\sstyle=/);
    expect(html.match(/ id="e\d+"/g)).toHaveLength(11); // 3 × (row line, name), 3 bars, the cut, the timeline
    expect(sheet).toMatch(/#e0 \{ top:18px \}/);
    // A consistent history's page has the same policy for its own sheet.
    const plain = renderHistoryHtml(ok, { file: 'h.log' });
    expect(plain).toContain(historyReportCsp(/<style>([\s\S]*)<\/style>/.exec(plain)![1]));
  });

  it('draws one row per process and one bar per operation', () => {
    expect(html.match(/class="proc"/g)).toHaveLength(3);
    expect(html.match(/<div class="op[ "]/g)).toHaveLength(3);
    expect(html).toMatch(/class="op unknown window"[^>]*>write\(9\) → \?</);
    expect(html).toMatch(/class="op window failing"[^>]*>read\(\) → null</);
    expect(html).toMatch(/class="op linearized"[^>]*><span class="badge">1<\/span>write\(1\)</);
  });

  it('escapes every piece of text from the history', () => {
    const h = events([
      ['<b>', 'invoke', 'put', '<script>alert("x")</script>', "k'&"],
      ['<b>', 'ok', 'put', '<script>alert("x")</script>', "k'&"],
      [1, 'invoke', 'get', null, "k'&"],
      [1, 'ok', 'get', '<img src=x>', "k'&"],
    ]);
    const page = renderHistoryHtml(checkLinearizable(h, kvModel()), { file: '<evil>.log' });
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<b>');
    expect(page).not.toContain('<evil>');
    expect(page).toContain('&lt;script&gt;');
    expect(page).toContain('&lt;evil&gt;.log');
  });
});
