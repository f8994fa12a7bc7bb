import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { LogEvent } from '../../core/event.js';
import { loadSequences } from '../../features/sequences.js';
import { SequenceDetector } from './detector.js';
import { detectEvents, parseDuration, parseWindowSpec, trainOnEvents } from './events.js';

const FIXTURE = resolve(import.meta.dirname, '../../../test/fixtures/hdfs/sessions-sample.csv');

describe('SequenceDetector on the HDFS fixture', () => {
  const ds = loadSequences(FIXTURE);
  const labels = ds.labels as Int8Array;

  it('flags a truncated session and a session with a write exception, not the common normal pattern', () => {
    const det = SequenceDetector.train(ds.sequences, { model: 'pca', threshold: { rule: 'contamination', contamination: 0.05 } });
    const res = det.detect(ds.sequences);
    const byKey = new Map(res.map((r) => [r.sessionKey, r]));
    const truncated = byKey.get('blk_8201117867106038775'); // T5 T1 (labelled Anomaly)
    const exception = byKey.get('blk_3447884879668134874'); // T5 T1 T1 T8 (labelled Anomaly)
    const normal = byKey.get('blk_-1678953999018234643'); // the usual 13-event pattern
    expect(truncated?.anomalous).toBe(true);
    expect(exception?.anomalous).toBe(true);
    expect(normal?.anomalous).toBe(false);
    expect(exception?.explanation.map((c) => c.feature)).toContain('T8');
    const t8 = exception?.explanation.find((c) => c.feature === 'T8');
    expect(t8?.observed).toBe(1);
    expect(t8?.expected).toBeLessThan(0.1);
    // Everything flagged is labelled Anomaly here (labels only checked, never fitted on).
    for (let i = 0; i < res.length; i++) if (res[i].anomalous) expect(labels[i]).toBe(1);
  });

  it('fits mined invariants on raw counts (--model invariants) and names the broken relation', () => {
    // Features asked for are overridden: the relations hold between raw counts, not scaled ones.
    const det = SequenceDetector.train(ds.sequences, { model: 'invariants', features: { scaling: 'standard', tfidf: true } });
    expect(det.toJSON().features.options.scaling).toBe('none');
    const key = (t: number[]) => ({ key: 'probe', templates: Int32Array.from(t) });
    // A healthy block: allocate, 3 × receiving, 3 × received, 3 × stored, 3 × responder terminating.
    const healthy = [5, 1, 1, 1, 4, 4, 4, 2, 2, 2, 3, 3, 3];
    const [ok, bad] = det.detect([key(healthy), key([...healthy, 2])]);
    expect(ok.anomalous).toBe(false);
    expect(bad.anomalous).toBe(true);
    // T2 (addStoredBlock) logged 4 times for 3 replicas: the relation with T2 is named, both sides given.
    const item = bad.explanation.find((c) => /T2\b/.test(c.feature));
    expect(item?.feature).toMatch(/^count (T2 = T\d|T\d = T2) \(held in \d+\.\d% of \d+ training sessions\)$/);
    expect([item?.observed, item?.expected].sort()).toEqual([3, 4]);
    const back = SequenceDetector.fromJSON(JSON.parse(JSON.stringify(det.toJSON())));
    expect(back.detect([key([...healthy, 2])])[0].explanation).toEqual(bad.explanation);
  });

  it('round-trips the artifact with the same scores and decisions; rejects a newer version', () => {
    for (const model of ['if', 'ensemble'] as const) {
      const det = SequenceDetector.train(ds.sequences, {
        model,
        modelOptions: { if: { n_trees: 30, seed: 3 }, members: ['if', 'pca'] },
        threshold: { rule: 'spot', q: 1e-3 },
      });
      const json = JSON.parse(JSON.stringify(det.toJSON()));
      expect(json.format).toBe('anomalog-detector');
      expect(json.training.sessions).toBe(ds.sequences.length);
      const back = SequenceDetector.fromJSON(json);
      expect(Array.from(back.score(ds.sequences))).toEqual(Array.from(det.score(ds.sequences)));
      expect(back.threshold.threshold).toBe(det.threshold.threshold);
      expect(() => SequenceDetector.fromJSON({ ...json, version: 99 })).toThrow(/version 99/);
    }
  });
});

describe('threshold rules and the novelty gate', () => {
  const seq = (key: string, ids: number[]) => ({ key, templates: Int32Array.from(ids) });
  const train = [...Array.from({ length: 60 }, (_, i) => seq(`n${i}`, i % 3 === 0 ? [1, 2, 3, 3] : [1, 2, 3])), seq('odd', [1, 2])];

  it('fits once and derives detectors for several label-free rules', () => {
    const fitted = SequenceDetector.fit(train, { model: 'pca' });
    const q = fitted.withThreshold({ rule: 'contamination', contamination: 0.1 });
    const own = fitted.withThreshold({ rule: 'model' });
    expect(q.threshold.kind).toBe('quantile');
    expect(own.threshold.kind).toBe('fixed');
    expect(Array.from(q.score(train))).toEqual(Array.from(own.score(train)));
  });

  it('flags a session with a template unseen at fit only when the gate is on', () => {
    const fresh = [seq('new', [1, 2, 3, 42])];
    const rule = { rule: 'spot' as const, q: 1e-3 };
    const plain = SequenceDetector.train(train, { model: 'if', threshold: rule, modelOptions: { if: { seed: 1 } } });
    const gated = SequenceDetector.train(train, { model: 'if', threshold: rule, modelOptions: { if: { seed: 1 } }, novelty: true });
    expect(plain.detect(fresh)[0].anomalous).toBe(false);
    const d = gated.detect(fresh)[0];
    expect(d.anomalous).toBe(true);
    expect(gated.detect([seq('usual', [1, 2, 3])])[0].anomalous).toBe(false);
    expect(SequenceDetector.fromJSON(JSON.parse(JSON.stringify(gated.toJSON()))).detect(fresh)[0].anomalous).toBe(true);
  });

  it('severe gate: an unseen error-level template flags the window, an unseen info-level one does not move the count model', () => {
    const lv = (key: string, ids: number[], levels: number[]) => ({ key, templates: Int32Array.from(ids), levels: Uint8Array.from(levels) });
    const fit = Array.from({ length: 80 }, (_, i) => lv(`w${i}`, i % 4 === 0 ? [1, 2, 3, 3, 4] : [1, 2, 3, 4], i % 4 === 0 ? [0, 0, 1, 1, 2] : [0, 0, 1, 2]));
    const det = SequenceDetector.train(fit, { model: 'pca', novelty: 'severe' });
    const usual = lv('usual', [1, 2, 3, 4], [0, 0, 1, 2]);
    const newError = lv('err', [1, 2, 3, 4, 50, 50], [0, 0, 1, 2, 2, 2]);
    const newInfo = lv('info', [1, 2, 3, 4, 60, 60, 60], [0, 0, 1, 2, 0, 0, 0]);
    const [u, e, i] = det.detect([usual, newError, newInfo]);
    expect(u.anomalous).toBe(false);
    expect(e.anomalous).toBe(true);
    expect(e.explanation[0]).toMatchObject({ feature: '<unseen template>', templateId: 50, observed: 2, expected: 0 });
    expect(i.anomalous).toBe(false);
    // The model scores the known part of the window: the info-level newcomer leaves the score as it was.
    expect(i.score).toBeCloseTo(u.score, 12);
    // Without severities (e.g. --sequences input) the severe gate takes any unseen template.
    const bare = SequenceDetector.train(fit.map((w) => ({ key: w.key, templates: w.templates })), { model: 'pca', novelty: 'severe' });
    expect(bare.detect([{ key: 'info', templates: newInfo.templates }])[0].anomalous).toBe(true);
  });

  it('fits the next-event model on sequences (--model next): flags an unexpected order and explains the miss', () => {
    const det = SequenceDetector.train(train, { model: 'next', threshold: { rule: 'model' }, modelOptions: { next: { history: 3, top_k: 2 } } });
    const [usual, swapped] = det.detect([seq('usual', [1, 2, 3]), seq('swapped', [2, 1, 3])]);
    expect(usual.anomalous).toBe(false);
    expect(swapped.anomalous).toBe(true);
    expect(swapped.explanation[0].feature).toMatch(/^T2 at start \(expected T1\)/);
    const back = SequenceDetector.fromJSON(JSON.parse(JSON.stringify(det.toJSON())));
    expect(back.kind).toBe('next');
    expect(Array.from(back.score([seq('swapped', [2, 1, 3])]))).toEqual([swapped.score]);
  });

  it('the auto threshold (the default rule) takes the contamination quantile on tied session scores', () => {
    const tied = [
      ...Array.from({ length: 400 }, (_, i) => seq(`a${i}`, [1, 2, 3])),
      ...Array.from({ length: 100 }, (_, i) => seq(`b${i}`, [1, 2, 3, 3])),
      ...Array.from({ length: 12 }, (_, i) => seq(`c${i}`, [1, 2])),
    ];
    const det = SequenceDetector.train(tied, { model: 'pca' });
    expect(det.toJSON().hyperParameters.threshold.rule).toBe('auto');
    expect(det.threshold.kind).toBe('quantile');
    // SPOT puts its threshold beyond the 12 tied outliers; auto flags them (2.3 % < 3 %) and nothing else.
    expect(SequenceDetector.train(tied, { model: 'pca', threshold: { rule: 'spot' } }).detect([seq('odd', [1, 2])])[0].anomalous).toBe(false);
    expect(det.detect([seq('odd', [1, 2])])[0].anomalous).toBe(true);
    expect(det.detect([seq('usual', [1, 2, 3]), seq('usual2', [1, 2, 3, 3])]).map((d) => d.anomalous)).toEqual([false, false]);
  });
});

describe('training and detection over LogEvent batches', () => {
  const ev = (ts: number, templateId: number, blk: string): LogEvent => ({
    ts,
    source: 'hdfs',
    message: `event ${templateId} for ${blk}`,
    raw: `${ts} event ${templateId} for ${blk}`,
    templateId,
    template: '',
    params: [],
  });

  function batch(start: number, blocks: number, pattern: number[]): LogEvent[] {
    const out: LogEvent[] = [];
    for (let b = 0; b < blocks; b++) for (let k = 0; k < pattern.length; k++) out.push(ev(start + b * 10 + k, pattern[k], `blk_${start + b}`));
    return out.sort((x, y) => x.ts - y.ts);
  }

  it('groups events into sessions, trains, and flags a session with an unseen template', async () => {
    const w = parseWindowSpec('1h');
    expect(w).toEqual({ mode: 'time', size_ms: 3_600_000 });
    expect(parseDuration('5m')).toBe(300_000);
    const session = { mode: 'session' as const, key_regex: 'blk_\\d+', inactivity_ms: 1_000 };
    const det = await trainOnEvents([batch(0, 200, [5, 1, 1, 2, 3])], session, { model: 'pca', threshold: { rule: 'model' } });
    expect(det.windowing).toMatchObject({ mode: 'session' });
    const found = [];
    for await (const d of detectEvents(det, [batch(100_000, 5, [5, 1, 1, 2, 3]), batch(200_000, 1, [5, 1, 9])], session)) found.push(...d);
    expect(found).toHaveLength(6);
    const flagged = found.filter((d) => d.anomalous);
    expect(flagged.map((d) => d.sessionKey)).toEqual(['blk_200000']);
    expect(flagged[0].window).toBeDefined();
    expect(flagged[0].context?.[0]).toContain('blk_200000');
    expect(flagged[0].explanation.map((c) => c.feature)).toContain('<unknown template>');
  });
});

describe('ModelDetector (streaming)', () => {
  const ev = (ts: number, templateId: number, key: string): LogEvent => ({ ts, source: 'svc', message: `step ${templateId} req=${key}`, raw: `${ts} step ${templateId} req=${key}`, templateId, template: `step ${templateId} req=<*>`, params: [key] });

  it('emits anomalies with deterministic ids when sessions close, by later events or by tick', async () => {
    const { ModelDetector } = await import('./model-detector.js');
    const session = { mode: 'session' as const, key_regex: 'req=(\\w+)', inactivity_ms: 100 };
    const train: LogEvent[] = [];
    for (let i = 0; i < 100; i++) train.push(ev(i * 1_000, 1, `r${i}`), ev(i * 1_000 + 5, 2, `r${i}`), ev(i * 1_000 + 9, 3, `r${i}`));
    const det = await trainOnEvents([train], session, { model: 'pca', threshold: { rule: 'model' }, novelty: true });
    const run = () => {
      const d = new ModelDetector(det, session);
      const first = d.observe([ev(500_000, 1, 'ok'), ev(500_005, 2, 'ok'), ev(500_009, 3, 'ok'), ev(500_010, 1, 'bad'), ev(500_012, 7, 'bad')]);
      return [first, d.tick(600_000), d.flush()];
    };
    const [first, ticked, rest] = run();
    expect(first).toEqual([]);
    expect(ticked.map((a) => a.sessionKey)).toEqual(['bad']);
    expect(rest).toEqual([]);
    const a = ticked[0];
    expect(a.detector).toBe('model');
    expect(a.title).toMatch(/^Session bad deviates from normal/);
    expect(a.context.length).toBe(2);
    expect(run()[1][0].id).toBe(a.id);
  });
});
