import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
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
    expect(bad.stderr).toMatch(/--speed must be a positive factor like 10 or 10x, or max, got 'fast'/);
    // Standard input, and a bare speed factor as `demo` takes it.
    const piped = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'src/cli/bin.ts'), 'replay', '--json', '--speed', '100000', '--config', join(dir, 'anomalog.yaml'), '--format', '<Date> <Time> <Pid> <Level> <Component>: <Content>', '-'],
      { cwd: root, encoding: 'utf8', timeout: 60_000, input: readFileSync(join(dir, 'hdfs.log'), 'utf8') },
    );
    expect(piped.status).toBe(0);
    const fromStdin = piped.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(fromStdin).toHaveLength(1);
    expect(fromStdin[0]).toMatchObject({ source: 'stdin', detector: 'novelty', ts: found[0].ts, title: expect.stringMatching(/Disk failure/) });
  });

  it('trains the model detector at event time and gives the same anomalies on every run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anomalog-replay-model-'));
    // Two hours of a quiet HDFS DataNode (the shapes of the Loghub HDFS sample), four lines a minute,
    // then one minute with a burst of 300 lines of one of its own templates: no new template, so
    // only a count model (or a rate detector) can tell.
    const lines: string[] = [];
    const stamp = (min: number, sec: number) => {
      const t = new Date(Date.UTC(2008, 10, 9, 20, 0, 0) + (min * 60 + sec) * 1000);
      const p = (n: number) => String(n).padStart(2, '0');
      return `081109 ${p(t.getUTCHours())}${p(t.getUTCMinutes())}${p(t.getUTCSeconds())}`;
    };
    const shapes = [
      (i: number) => `INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_${3886504906413966 + i} terminating`,
      (i: number) => `INFO dfs.DataNode$PacketResponder: Received block blk_${-907399258668773 - i} of size 67108864 from /10.250.${i % 200}.${i % 97}`,
      (i: number) => `INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: 10.251.${i % 90}.${i % 71}:50010 is added to blk_${7128370237687728 + i} size 67108864`,
      (i: number) => `INFO dfs.DataNode$DataXceiver: Receiving block blk_${1717858812220360 + i} src: /10.251.${i % 80}.${i % 60}:${40000 + i} dest: /10.251.${i % 80}.${i % 60}:50010`,
    ];
    for (let m = 0; m < 120; m++) for (let k = 0; k < 4; k++) lines.push(`${stamp(m, k * 15)} ${143 + k} ${shapes[k](m * 4 + k)}`);
    for (let k = 0; k < 300; k++) lines.push(`${stamp(120, Math.floor(k / 5))} 145 ${shapes[1](100_000 + k)}`);
    for (let m = 121; m < 125; m++) for (let k = 0; k < 4; k++) lines.push(`${stamp(m, k * 15)} ${143 + k} ${shapes[k](m * 4 + k)}`);
    writeFileSync(join(dir, 'hdfs.log'), lines.join('\n') + '\n');
    // Rate off and the model on (it is off by default): the model alone must see the burst.
    writeFileSync(join(dir, 'anomalog.yaml'), 'detectors:\n  rate:\n    enabled: false\n  model:\n    enabled: true\n');
    const run = () =>
      spawnSync(
        process.execPath,
        ['--import', 'tsx', join(root, 'src/cli/bin.ts'), 'replay', '--json', '--config', join(dir, 'anomalog.yaml'), '--format', '<Date> <Time> <Pid> <Level> <Component>: <Content>', join(dir, 'hdfs.log')],
        { cwd: root, encoding: 'utf8', timeout: 60_000 },
      );
    const a = run();
    const b = run();
    expect(a.status).toBe(0);
    const found = a.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const model = found.filter((x) => x.detector === 'model');
    expect(model.length).toBeGreaterThan(0);
    expect(model.map((x) => x.window?.start)).toContain(Date.UTC(2008, 10, 9, 22, 0, 0));
    expect(b.stdout).toBe(a.stdout);
  });
});

describe('anomalog replay over a finite file', () => {
  it('dates year-less lines by the file and does not call the end of the input a silence', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anomalog-replay-end-'));
    // Thirty steady minutes of a syslog file without years (two lines a second), then one error
    // never seen before. The file was last written on 1 Aug 2024.
    const lines: string[] = [];
    const start = Date.UTC(2024, 6, 10, 16, 0, 0);
    const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const stamp = (ms: number) => {
      const d = new Date(ms);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${mon[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
    };
    for (let i = 0; i < 3600; i++) {
      const t = start + i * 500;
      lines.push(i % 2 === 0 ? `${stamp(t)} web1 sshd[${1000 + (i % 50)}]: Accepted publickey for user${i % 7} from 10.0.0.${i % 200} port ${40000 + i}` : `${stamp(t)} web1 cron[${2000 + (i % 30)}]: (root) CMD (run-parts /etc/cron.hourly)`);
    }
    lines.push(`${stamp(start + 3600 * 500)} web1 kernel: EXT4-fs error (device sda1): ext4_find_entry: reading directory lblock 0`);
    const file = join(dir, 'syslog');
    writeFileSync(file, lines.join('\n') + '\n');
    utimesSync(file, new Date(Date.UTC(2024, 7, 1)), new Date(Date.UTC(2024, 7, 1)));
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/bin.ts'), 'replay', '--json', file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    const found = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(found.filter((a) => a.explanation.some((e: { feature: string }) => e.feature === 'source_silence'))).toEqual([]);
    const error = found.find((a) => /EXT4-fs error/.test(a.title));
    expect(error).toBeDefined();
    expect(new Date(error.ts).getUTCFullYear()).toBe(2024);
    expect(error.ts).toBe(start + 3600 * 500);
  });
});
