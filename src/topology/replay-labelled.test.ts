import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validate } from '../config/load.js';
import { serveConfigSchema } from '../config/schema.js';
import { loadLineLabelled } from '../eval/stream/datasets.js';
import { evaluateStream as evaluate, type StreamEvalOptions } from '../eval/stream/evaluate.js';
import type { StreamDataset } from '../eval/stream/datasets.js';
import { replayLabelled, stepLines } from './replay-labelled.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ds = loadLineLabelled(join(root, 'test/fixtures/eval-stream/BGL_2k.head400.log'), 'cut');
// 400 lines are too few for novelty's default warm-up (1,000 events): a shorter one, so there is something to score.
const YAML = 'detectors:\n  novelty:\n    warmup_events: 100\n';
const config = validate(parse(YAML), serveConfigSchema);
const evaluateStream = (d: StreamDataset, o: Omit<StreamEvalOptions, 'replay'>) => evaluate(d, { ...o, replay: (lines, operator) => replayLabelled({ lines, operator, config }) });

describe('replayLabelled (eval stream) on a cut of BGL_2k', () => {
  it('stores exactly what `anomalog replay` stores for the same lines, label stripped', async () => {
    // The file a user would hold: the cut without its label tokens; its source id as replay names it.
    const dir = mkdtempSync(join(tmpdir(), 'anomalog-eval-stream-'));
    const file = relative(root, join(dir, 'bgl.log'));
    writeFileSync(join(root, file), ds.lines.map((l) => l.text).join('\n') + '\n');
    writeFileSync(join(dir, 'anomalog.yaml'), YAML);
    const run = await replayLabelled({ lines: ds.lines.map((l) => ({ ...l, source: `file:${file}` })), config });
    expect(run.events).toHaveLength(400);
    expect(run.anomalies.length).toBeGreaterThan(5);
    expect(new Set(run.anomalies.map((a) => a.detector))).toContain('novelty');
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/bin.ts'), 'replay', '--json', '--config', join(dir, 'anomalog.yaml'), file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    const replayed = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(replayed).toEqual(JSON.parse(JSON.stringify(run.anomalies)));
    // No label token reached the pipeline.
    for (const a of run.anomalies) for (const c of a.context) expect(c).toMatch(/^\d{10} /);
  }, 60_000);

  it('scores the run: hits and false alarms add up, the same on a second run', async () => {
    const a = await evaluateStream(ds, { feedback: 'none' });
    const b = await evaluateStream(ds, { feedback: 'none' });
    expect(b.score).toEqual(a.score);
    const s = a.score;
    expect(a).toMatchObject({ lines: 400, normalLines: 306, alertLines: 94, categories: 4, tsMismatches: 0 });
    expect(s.episodes.total).toBe(6);
    expect(s.firsts.total).toBe(4);
    const hits = Object.values(s.byDetector).reduce((n, d) => n + d.hits, 0);
    expect(hits + s.falseAlarms).toBe(s.anomalies);
    expect(s.falseAlarmsPer1kNormal).toBeCloseTo((1000 * s.falseAlarms) / 306, 10);
    // The strict rule can only find fewer episodes than the time rule.
    expect(a.strict?.episodes.detected).toBeLessThanOrEqual(s.episodes.detected);
  }, 60_000);

  it('simulates an operator who answers through the feedback service once the delay has passed in log time', async () => {
    const now = await replayLabelled({ lines: ds.lines, config, operator: { delayMs: 0, verdict: (a) => (a.ts % 2 === 0 ? 'real' : 'noise') } });
    expect(now.answers.real + now.answers.noise).toBe(now.anomalies.length);
    const answered: [number, number][] = [];
    const hour = await replayLabelled({ lines: ds.lines, config, chunkLines: 20, operator: { delayMs: 3_600_000, verdict: () => 'real', onAnswer: (a, _v, at) => answered.push([a.ts, at]) } });
    expect(answered).toHaveLength(hour.answers.real);
    expect(answered.length).toBeGreaterThan(0);
    // Answered once the event time reaches the anomaly's ts + 1 h, at the latest by the end of the
    // first batch (20 lines) reaching it (the parser may hold a batch's last line for multi-line joining).
    const ends: number[] = [];
    for (let i = 0, t = 0; i < ds.lines.length; i++) {
      t = Math.max(t, ds.lines[i].ts);
      if (i % 20 === 19 || i === ds.lines.length - 1) ends.push(t);
    }
    for (const [ts, at] of answered) {
      expect(at).toBeGreaterThanOrEqual(ts + 3_600_000);
      expect(at).toBeLessThanOrEqual(ends.find((e) => e >= ts + 3_600_000) ?? Infinity);
    }
    const never = await replayLabelled({ lines: ds.lines, config, operator: { delayMs: 1e13, verdict: () => 'noise' } });
    expect(never.answers).toEqual({ real: 0, noise: 0 });
    // Nobody answered: the same anomalies as without an operator.
    const plain = await replayLabelled({ lines: ds.lines, config });
    expect(never.anomalies.map((a) => a.id)).toEqual(plain.anomalies.map((a) => a.id));
    // eval stream's operator: real for what names an episode's line (the strict rule), noise for the rest.
    const sim = await evaluateStream(ds, { feedback: 'simulated' });
    const answers = sim.feedback.answers ?? { real: 0, noise: 0 };
    const strict = sim.strict ?? sim.score;
    const hits = Object.values(strict.byDetector).reduce((n, d) => n + d.hits, 0);
    expect(answers.real + answers.noise).toBeGreaterThan(0);
    expect(answers.real).toBeLessThanOrEqual(hits);
    expect(answers.noise).toBeLessThanOrEqual(strict.falseAlarms);
    expect(sim.feedback).toMatchObject({ mode: 'simulated', delayMs: 3_600_000, operatorRule: 'lines' });
    // With the looser rule it confirms at least as much.
    const loose = await evaluateStream(ds, { feedback: 'simulated', operatorRule: 'time' });
    expect(loose.feedback.operatorRule).toBe('time');
    expect(loose.feedback.answers?.noise).toBeLessThanOrEqual(loose.score.falseAlarms);
  }, 60_000);
});

describe('stepLines (how far a step with an operator reads before answers are due)', () => {
  const MIN = 60_000;
  const lines = [0, 1, 2, 10, 30, 31, 32].map((m, i) => ({ source: 's', text: `l${i}`, line: i + 1, ts: m * MIN }));
  it('ends before a line beyond the span, and before the first line later than the next answer', () => {
    expect(stepLines(lines, 0, 500)).toBe(7);
    expect(stepLines(lines, 0, 500, 15 * MIN)).toBe(4);
    // An answer due at 5 min is given before the 10-minute line is read.
    expect(stepLines(lines, 0, 500, 15 * MIN, 5 * MIN)).toBe(3);
    // A due time already passed still reads one line (the loop always moves on).
    expect(stepLines(lines, 4, 500, 15 * MIN, 0)).toBe(1);
    expect(stepLines(lines, 4, 2, 15 * MIN)).toBe(2);
  });
});
