import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from './main.js';

const FIXTURE = resolve(import.meta.dirname, '../../test/fixtures/hdfs/sessions-sample.csv');
const dir = mkdtempSync(join(tmpdir(), 'anomalog-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('anomalog train → detect', () => {
  it('trains on the fixture, writes a versioned artifact and detects with it (JSON lines)', async () => {
    const model = join(dir, 'model.json');
    const t = await run(['train', '--sequences', FIXTURE, '--model', 'pca', '--threshold', 'contamination', '--contamination', '0.05', '-o', model]);
    expect(t.code).toBe(0);
    expect(t.err).toMatch(/trained pca on 320/);
    const art = JSON.parse(readFileSync(model, 'utf8'));
    expect(art).toMatchObject({ format: 'anomalog-detector', version: 1, modelKind: 'pca', threshold: { kind: 'quantile' } });
    expect(art.features.vocabulary.ids).toContain(8);
    expect(art.hyperParameters.threshold).toEqual({ rule: 'contamination', contamination: 0.05 });

    const d = await run(['detect', '--sequences', FIXTURE, '--model', model, '--json']);
    expect(d.code).toBe(0);
    const rows = d.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.anomalous).toBe(true);
      expect(r.score).toBeGreaterThan(r.threshold);
      expect(typeof r.sessionKey).toBe('string');
      expect(r.explanation.length).toBeGreaterThan(0);
    }
    expect(rows.map((r) => r.sessionKey)).toContain('blk_3447884879668134874'); // T5 T1 T1 T8

    const all = await run(['detect', '--sequences', FIXTURE, '--model', model, '--json', '--all']);
    expect(all.out.trim().split('\n')).toHaveLength(320);
  });

  it('--model invariants: mined relations on raw counts, each flagged session explained by the relation it breaks', async () => {
    const model = join(dir, 'invariants.json');
    const t = await run(['train', '--sequences', FIXTURE, '--model', 'invariants', '-o', model]);
    expect(t.code).toBe(0);
    const art = JSON.parse(readFileSync(model, 'utf8'));
    expect(art.modelKind).toBe('invariants');
    expect(art.features.options).toMatchObject({ scaling: 'none', bigrams: 'off', extras: false });
    expect(art.model.params.invariants.length).toBeGreaterThan(0);
    const d = await run(['detect', '--sequences', FIXTURE, '--model', model, '--json']);
    const rows = d.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const side = '(\\d·)?T\\d+( \\+ (\\d·)?T\\d+)*';
      expect(r.explanation[0].feature).toMatch(new RegExp(`^count ${side} = ${side} \\(held in [\\d.]+% of \\d+ training sessions\\)$`));
      expect(r.explanation[0].observed).not.toBe(r.explanation[0].expected);
    }
    const text = await run(['detect', '--sequences', FIXTURE, '--model', model]);
    expect(text.out).toMatch(/ANOMALY .* — count .*T\d+ = .*\(held in [\d.]+% of 320 training sessions\) \d+ \(expected \d+\)/);
  });

  it('without --model and --threshold: the autoencoder, the severe novelty gate and the auto threshold', async () => {
    const model = join(dir, 'default.json');
    const t = await run(['train', '--sequences', FIXTURE, '-o', model]);
    expect(t.code).toBe(0);
    expect(t.err).toMatch(/trained ae with the severe novelty gate on 320 .* threshold auto → (quantile|spot)/);
    const art = JSON.parse(readFileSync(model, 'utf8'));
    expect(art.modelKind).toBe('ae');
    expect(art.hyperParameters).toMatchObject({ novelty: 'severe', threshold: { rule: 'auto' } });
    const d = await run(['detect', '--sequences', FIXTURE, '--model', model, '--json']);
    const flagged = d.out.trim().split('\n').map((l) => JSON.parse(l).sessionKey);
    // It flags something, at most about the 3 % contamination share, and only sessions labelled Anomaly (labels never fitted on).
    expect(flagged.length).toBeGreaterThan(0);
    expect(flagged.length).toBeLessThan(320 * 0.05);
    const anomalies = new Set(readFileSync(FIXTURE, 'utf8').split('\n').filter((l) => /,Anomaly\b/.test(l)).map((l) => l.split(',')[0]));
    for (const k of flagged) expect(anomalies.has(k)).toBe(true);
    const bad = await run(['train', '--sequences', FIXTURE, '--novelty', 'sometimes', '-o', model]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/--novelty takes any, severe or off/);
  });

  it('trains on raw log lines grouped by a session key and detects with the stored miner state', async () => {
    const layout = '<Date> <Time> <Pid> <Level> <Component>: <Content>';
    const lines = (blocks: number, offset: number, odd = false) => {
      const out: string[] = [];
      for (let b = 0; b < blocks; b++) {
        const id = `blk_${1000 + offset + b}`;
        const t = (offset + b) * 10;
        const hhmmss = (s: number) => `20${String(Math.floor(s / 60) % 60).padStart(2, '0')}${String(s % 60).padStart(2, '0')}`;
        out.push(`081109 ${hhmmss(t)} 35 INFO dfs.FSNamesystem: BLOCK* NameSystem.allocateBlock: /user/root/part-${b}. ${id}`);
        out.push(`081109 ${hhmmss(t + 1)} 143 INFO dfs.DataNode$DataXceiver: Receiving block ${id} src: /10.250.19.102:54106 dest: /10.250.19.102:50010`);
        if (odd && b === 0) out.push(`081109 ${hhmmss(t + 2)} 143 WARN dfs.DataNode$DataXceiver: writeBlock ${id} received exception java.io.IOException: Connection reset by peer`);
        else out.push(`081109 ${hhmmss(t + 2)} 145 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block ${id} terminating`);
      }
      return out.join('\n') + '\n';
    };
    const trainLog = join(dir, 'train.log');
    const testLog = join(dir, 'test.log');
    writeFileSync(trainLog, lines(80, 0));
    writeFileSync(testLog, lines(5, 200, true));
    const model = join(dir, 'raw-model.json');
    const t = await run(['train', trainLog, '--format', layout, '--session-key', 'blk_-?\\d+', '--model', 'pca', '--threshold', 'model', '--novelty', '-o', model]);
    expect(t.code).toBe(0);
    const art = JSON.parse(readFileSync(model, 'utf8'));
    expect(art.windowing).toMatchObject({ mode: 'session', key_regex: 'blk_-?\\d+' });
    expect(art.parser).toBeDefined();
    const d = await run(['detect', testLog, '--model', model, '--json', '--all']);
    expect(d.code).toBe(0);
    const rows = d.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(5);
    expect(rows.filter((r) => r.anomalous).map((r) => r.sessionKey)).toEqual(['blk_1200']);
    const odd = rows.find((r) => r.sessionKey === 'blk_1200');
    expect(odd.window.end).toBeGreaterThanOrEqual(odd.window.start);
    expect(odd.context.join('\n')).toMatch(/writeBlock/);
  });

  it('fails clearly on a missing model file and on missing input', async () => {
    const missing = await run(['detect', '--sequences', FIXTURE, '--model', join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/ANOMALOG_ERR_INPUT_NOT_FOUND/);
    const noInput = await run(['train', '--model', 'if', '-o', join(dir, 'x.json')]);
    expect(noInput.code).toBe(2);
    expect(noInput.err).toMatch(/--session-key|--sequences/);
    // Too little log for the window: said in the user's terms, not the model's.
    const tiny = join(dir, 'tiny.log');
    writeFileSync(tiny, '081109 203615 148 INFO dfs.DataNode: PacketResponder 1 terminating\n081109 203616 148 INFO dfs.DataNode: PacketResponder 2 terminating\n');
    const short = await run(['train', tiny, '--window', '5m', '--model', 'pca', '-o', join(dir, 'tiny.json')]);
    expect(short.code).toBe(1);
    expect(short.err).toMatch(/holds only one closed window of 5m; a model needs at least two.*Use a shorter --window.*\[ANOMALOG_ERR_MODEL_INVALID\]/);
  });

  it('has --help with examples on every command', async () => {
    for (const cmd of [['train'], ['detect'], ['eval', 'detect']]) {
      const h = await run([...cmd, '--help']);
      expect(h.code).toBe(0);
      expect(h.out).toMatch(/Examples:/);
    }
  });
});
