import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/bin.ts'), 'eval', 'stream', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

describe('anomalog eval stream', () => {
  it('scores a labelled file of one’s own, as a table and as JSON', () => {
    const file = 'test/fixtures/eval-stream/BGL_2k.head400.log';
    const json = cli(['--file', file, '--json']);
    expect(json.status).toBe(0);
    const out = JSON.parse(json.stdout) as { feedback: string; config: string; results: { dataset: string; lines: number; normalLines: number; score: { rule: string; episodes: { total: number }; firsts: { total: number } }; strict: unknown }[] };
    expect(out).toMatchObject({ feedback: 'none', config: 'zero config' });
    expect(out.results).toHaveLength(1);
    expect(out.results[0]).toMatchObject({ lines: 400, normalLines: 306, score: { rule: 'time', episodes: { total: 6 }, firsts: { total: 4 } } });
    expect(out.results[0].strict).toMatchObject({ rule: 'lines' });
    const table = cli(['--file', file]);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/\| dataset \| lines \| normal \| rule \| episodes detected \|/);
    expect(table.stdout).toMatch(/\| BGL_2k\.head400 \| 400 \| 306 \| time \| \d+\/6 /);
  }, 60_000);

  it('cuts episodes in time order by default, in reading order with --episodes reading (a file that jumps back in time)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anomalog-eval-stream-'));
    try {
      const t0 = 1118000000;
      const at = (label: string, sec: number, what: string) => `${label} ${sec} 2005.06.05 R02-M1-N0-C:J12-U11 2005-06-05-19.33.20.000000 R02-M1-N0-C:J12-U11 RAS KERNEL ${label === '-' ? 'INFO' : 'FATAL'} ${what}`;
      // KERNDTLB at 0 s and 10 h, then the file jumps back to 20 min and on to 10 h 10 min.
      const lines = [at('KERNDTLB', t0, 'data TLB error interrupt'), at('-', t0 + 60, 'generating core.1'), at('KERNDTLB', t0 + 36_000, 'data TLB error interrupt'), at('KERNDTLB', t0 + 1_200, 'data TLB error interrupt'), at('KERNDTLB', t0 + 36_600, 'data TLB error interrupt')];
      const file = join(dir, 'jumps.log');
      writeFileSync(file, lines.join('\n') + '\n');
      const total = (args: string[]) => {
        const r = cli(['--file', file, '--json', ...args]);
        expect(r.status, r.stderr).toBe(0);
        const out = JSON.parse(r.stdout) as { episodes: string; results: { score: { episodes: { total: number }; perEpisode: { start: number; end: number }[] } }[] };
        return { order: out.episodes, total: out.results[0].score.episodes.total, backwards: out.results[0].score.perEpisode.filter((e) => e.end < e.start).length };
      };
      // Time order: [0, 20 min] and [10 h, 10 h 10 min]. Reading order (the shared check's): the 20-min line
      // joins the 10-h episode, which then ends before it starts, and 10 h 10 min starts a third.
      expect(total([])).toEqual({ order: 'time', total: 2, backwards: 0 });
      expect(total(['--episodes', 'reading'])).toEqual({ order: 'reading', total: 3, backwards: 1 });
      // Absolute gaps in the file's order: the 20-min line is 9 h 40 min from the last one read — a new
      // episode — and the 10 h 10 min line is as far from it: a fourth; none is inverted.
      expect(total(['--episodes', 'gap'])).toEqual({ order: 'gap', total: 4, backwards: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('says how to point at the data when it is absent, and rejects unknown datasets', () => {
    const none = cli(['--dataset', join(root, 'no-such-dir')]);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/No labelled dataset under .*no-such-dir.*ANOMALOG_ERR_INPUT_NOT_FOUND/s);
    expect(none.stderr).toMatch(/--dataset/);
    const missing = cli(['--dataset', join(root, 'no-such-dir'), '--only', 'BGL_20k']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/Dataset BGL_20k is not under/);
    const unknown = cli(['--only', 'nope']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown dataset 'nope'.*ANOMALOG_ERR_CLI_USAGE/s);
  }, 60_000);
});
