import { spawnSync } from 'node:child_process';
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
