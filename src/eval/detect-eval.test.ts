import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSequencesCsv, selectSplit } from '../features/sequences.js';
import { bglWindows } from './bgl-eval.js';
import { formatDetectReport, resolveSessionsFile, runDetectEval, sequenceCeiling } from './detect-eval.js';

const dir = mkdtempSync(join(tmpdir(), 'anomalog-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sessionsCsv(): string {
  const rows = ['BlockId,Split,Label,EventSequence'];
  let n = 0;
  const add = (split: string, label: string, seq: string, times: number) => {
    for (let i = 0; i < times; i++) rows.push(`b${n++},${split},${label},${seq}`);
  };
  add('train', 'Normal', 'T5 T1 T1 T2 T3', 120);
  add('train', 'Normal', 'T5 T1 T2 T1 T3', 60);
  add('train', 'Anomaly', 'T5 T1', 4);
  add('test', 'Normal', 'T5 T1 T1 T2 T3', 40);
  add('test', 'Anomaly', 'T5 T1', 3);
  add('test', 'Anomaly', 'T5 T1 T8', 2);
  add('test', 'Anomaly', 'T5 T1 T1 T2 T3', 1); // same sequence as normals: no detector can catch it
  return rows.join('\n') + '\n';
}

describe('eval detect', () => {
  it('computes the sequence ceiling by hand-checkable counting', () => {
    const ds = parseSequencesCsv(sessionsCsv());
    const c = sequenceCeiling(selectSplit(ds, 'test'), selectSplit(ds, 'train'));
    // 5 of 6 anomalies have a sequence with an anomaly majority; the 6th shares the normal one.
    expect(c.precision).toBe(1);
    expect(c.recall).toBeCloseTo(5 / 6);
    expect(c.anomaliesLikeNormal).toBe(1);
    expect(c.testAnomalies).toBe(6);
  });

  it('runs both protocols per model and threshold, finding the dataset in a directory', () => {
    mkdirSync(join(dir, 'hdfs'), { recursive: true });
    writeFileSync(join(dir, 'hdfs', 'tiny.sessions.csv'), sessionsCsv());
    expect(resolveSessionsFile(dir)).toBe(join(dir, 'hdfs', 'tiny.sessions.csv'));
    const r = runDetectEval({ dataset: dir, models: ['pca'], protocols: ['unsupervised', 'semi-supervised'], thresholds: [{ rule: 'model' }] });
    expect(r.rows.map((x) => [x.protocol, x.trainSessions, x.testSessions])).toEqual([
      ['unsupervised', 184, 46],
      ['semi-supervised', 180, 46],
    ]);
    const semi = r.rows[1];
    // Normal-only fit: both truncated and T8 sessions deviate; nothing normal is flagged.
    expect(semi.tp).toBe(5);
    expect(semi.fp).toBe(0);
    expect(formatDetectReport(r)).toMatch(/Sequence ceiling/);
  });
});

describe('BGL windows', () => {
  it('strips the label token, windows by event time and labels windows holding an alert line', () => {
    const line = (label: string, epoch: number, msg: string) => {
      const d = new Date(epoch * 1000).toISOString();
      const date = d.slice(0, 10).replace(/-/g, '.');
      const time = `${d.slice(0, 10)}-${d.slice(11, 19).replace(/:/g, '.')}.000000`;
      return `${label} ${epoch} ${date} R00-M0-N0 ${time} R00-M0-N0 RAS KERNEL INFO ${msg}`;
    };
    const t0 = 1_117_838_400; // 2005-06-04T00:00:00Z
    const text = [
      line('-', t0 + 10, 'instruction cache parity error corrected'),
      line('-', t0 + 20, 'instruction cache parity error corrected'),
      line('KERNDTLB', t0 + 3_700, 'data TLB error interrupt'),
      line('-', t0 + 7_300, 'instruction cache parity error corrected'),
    ].join('\n');
    const w = bglWindows(text, 3_600_000, 0.5);
    expect(w.lines).toBe(4);
    expect(w.alertLines).toBe(1);
    expect(w.windows.map((x) => x.templates.length)).toEqual([2, 1, 1]);
    expect(Array.from(w.labels)).toEqual([0, 1, 0]);
    for (const x of w.windows) expect(x.samples.join('\n')).not.toMatch(/KERNDTLB|^- /);
  });
});
