import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('anomalog replay', () => {
  it('runs the streaming pipeline over a historical log by its timestamps', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anomalog-replay-'));
    const sample = readFileSync(join(root, 'test/fixtures/logs/loghub-samples/HDFS.log'), 'utf8').split(/\r?\n/);
    const lines = [...sample, ...sample, '081111 101010 99 ERROR dfs.DataNode: Disk failure on volume /data/3'];
    writeFileSync(join(dir, 'hdfs.log'), lines.join('\n') + '\n');
    writeFileSync(join(dir, 'anomalog.yaml'), 'detectors:\n  novelty:\n    warmup_events: 6\n    rare_count: 0\n');
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'src/cli/bin.ts'), 'replay', '--json', '--config', join(dir, 'anomalog.yaml'), '--format', '<Date> <Time> <Pid> <Level> <Component>: <Content>', join(dir, 'hdfs.log')],
      { cwd: root, encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.status).toBe(0);
    const found = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ detector: 'novelty', severity: expect.stringMatching(/error|critical/) });
    expect(found[0].title).toMatch(/Disk failure/);
    expect(found[0].ts).toBe(Date.UTC(2008, 10, 11, 10, 10, 10));
    expect(r.stderr).toMatch(/replayed \d+ events, 1 anomalies/);
    const bad = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/bin.ts'), 'replay', '--speed', 'fast', join(dir, 'hdfs.log')], { cwd: root, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--speed must be like 100x or max/);
  });
});
