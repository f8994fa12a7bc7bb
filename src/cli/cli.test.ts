import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { randomLines } from '../../test/harness/rng.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const HDFS = join(root, 'test/fixtures/logs/loghub-samples/HDFS.log');
const LAYOUT = '<Date> <Time> <Pid> <Level> <Component>: <Content>';

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/bin.ts'), ...args], { cwd: root, input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('anomalog CLI', () => {
  it('lists every command in --help', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['parse', 'templates', 'layout', 'eval']) expect(r.out).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
  });

  it('parse --json prints one event per line with the documented keys', () => {
    const r = cli(['parse', '--json', '--format', LAYOUT, HDFS]);
    expect(r.code).toBe(0);
    const rows = r.out.trim().split('\n').map((l) => JSON.parse(l));
    const lines = readFileSync(HDFS, 'utf8').split('\n').length;
    expect(rows).toHaveLength(lines);
    for (const k of ['line', 'ts', 'level', 'templateId', 'template', 'params']) expect(rows[0]).toHaveProperty(k);
    expect(rows[0].line).toBe(1);
    expect(rows[0].template).toBe('PacketResponder <NUM> for block <ID> terminating');
    expect(rows.map((x) => x.line)).toEqual(rows.map((_, i) => i + 1));
  });

  it('layout prints the inferred layout, its fit, and --json the same as data; the layout pins as --format', () => {
    const r = cli(['layout', HDFS]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`layout: ${LAYOUT}`);
    const j = JSON.parse(cli(['layout', '--json', HDFS]).out);
    const lines = readFileSync(HDFS, 'utf8').split('\n').length;
    expect(j).toEqual({ format: 'inferred', layout: LAYOUT, messageLayout: null, records: lines, fit: lines, firstMisfitLine: null, layoutChanges: 0 });
    const pinned = cli(['parse', '--json', '--format', j.layout, HDFS]).out;
    expect(cli(['parse', '--json', HDFS]).out.replace(/"ts":\d+/g, '')).toBe(pinned.replace(/"ts":\d+/g, ''));
  });

  it('reads standard input with -', () => {
    const r = cli(['parse', '--json', '-'], 'a 1\na 2\nb\n');
    const rows = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => x.templateId)).toEqual([1, 1, 2]);
  });

  it('says how many records did not match the layout and where the first one is', () => {
    const lines = readFileSync(HDFS, 'utf8').trim().split('\n');
    const r = cli(['parse', '--no-multiline', '--format', LAYOUT, '-'], [lines[0], lines[1], 'not a header line', lines[2], 'nor this'].join('\n') + '\n');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/2 records did not match the format \(the first at line 3\)/);
  });

  it('templates --json counts every event, most frequent first', () => {
    const r = cli(['templates', '--json', '--format', LAYOUT, HDFS]);
    const rows = r.out.trim().split('\n').map((l) => JSON.parse(l));
    const total = rows.reduce((a, t) => a + t.count, 0);
    expect(total).toBe(readFileSync(HDFS, 'utf8').split('\n').length);
    for (let i = 1; i < rows.length; i++) expect(rows[i - 1].count).toBeGreaterThanOrEqual(rows[i].count);
  });

  it('keeps template ids across runs with --state and matches only with --match-only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anomalog-'));
    const state = join(dir, 'miner.json');
    const a = cli(['parse', '--json', '--state', state, '-'], 'user 1 in\nuser 2 out\n');
    expect(existsSync(state)).toBe(true);
    const b = cli(['parse', '--json', '--state', state, '--match-only', '-'], 'user 9 out\nsomething new\n');
    const ida = a.out.trim().split('\n').map((l) => JSON.parse(l).templateId);
    const idb = b.out.trim().split('\n').map((l) => JSON.parse(l).templateId);
    expect(idb[0]).toBe(ida[1]);
    expect(idb[1]).toBe(0);
  });

  it('fails with one clear line and a non-zero code', () => {
    const missing = cli(['parse', '/nonexistent/app.log']);
    expect(missing.code).toBe(1);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
    expect(missing.err).toMatch(/Cannot read \/nonexistent\/app.log.*ANOMALOG_ERR_INPUT_NOT_FOUND/);
    const bad = cli(['parse', '--similarity', '2', HDFS]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--similarity must be a number within 0..1/);
    const unknown = cli(['nope']);
    expect(unknown.code).toBe(2);
    // Commander's usage errors carry the stable code too.
    const noFile = cli(['parse']);
    expect(noFile.code).toBe(2);
    expect(noFile.err.split('\n')[0]).toBe("anomalog: missing required argument 'file' [ANOMALOG_ERR_CLI_USAGE]");
  });
});

describe('anomalog parse --mask', () => {
  it('applies extra masks from the command line and rejects bad ones', () => {
    const r = cli(['parse', '--json', '--mask', 'ORDER=ORD-[A-Z]+', '-'], 'order ORD-ABC shipped\norder ORD-XYZ shipped\n');
    const rows = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows[0].template).toBe('order <ORDER> shipped');
    expect(rows[1].params).toEqual(['ORD-XYZ']);
    const bad = cli(['parse', '--mask', 'lower=x', '-'], 'a\n');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/upper-case NAME/);
  });
});

describe('anomalog parse/templates --no-flood-guard', () => {
  // 3,000 random lines: each a new message type. Past 1,000 templates the guard sends most to overflow.
  const flood = randomLines(3000, 9).join('\n') + '\n';
  const rowsOf = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l) as { templateId: number; count: number; template: string });

  it('templates: a flood goes to an overflow template, said on stderr; --no-flood-guard mines every line', () => {
    const guarded = cli(['templates', '--json', '--format', 'plain', '--no-multiline', '-'], flood);
    expect(guarded.code).toBe(0);
    const g = rowsOf(guarded.out);
    expect(g.length).toBeGreaterThan(1000);
    expect(g.length).toBeLessThan(2000);
    // Most frequent first: the overflow template of 5-token lines, holding every line not mined.
    expect(g[0].template).toBe('<*> <*> <*> <*> <*>');
    const said = /anomalog: (\d+) lines of a flood of new message types went to overflow templates without being mined \(--no-flood-guard mines every line\)/.exec(guarded.err);
    expect(said, guarded.err).not.toBeNull();
    expect(Number(said![1])).toBe(g[0].count);
    expect(g.reduce((a, t) => a + t.count, 0)).toBe(3000);

    const off = cli(['templates', '--json', '--no-flood-guard', '--format', 'plain', '--no-multiline', '-'], flood);
    expect(off.code).toBe(0);
    const o = rowsOf(off.out);
    expect(o).toHaveLength(3000);
    expect(o.every((t) => t.count === 1)).toBe(true);
    expect(off.err).not.toContain('flood');
  });

  it('parse --no-flood-guard gives each line of the flood its own template', () => {
    const ids = (args: string[]) => new Set(rowsOf(cli(['parse', '--json', ...args, '--format', 'plain', '--no-multiline', '-'], flood).out).map((r) => r.templateId)).size;
    expect(ids(['--no-flood-guard'])).toBe(3000);
    expect(ids([])).toBeLessThan(2000);
  });
});
