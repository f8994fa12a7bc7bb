/**
 * @module eval/bgl-eval
 * Detection on raw BGL logs (Loghub BGL_20k): the label token (first token of each line: `-` for
 * normal, an alert category otherwise) is stripped before the line enters anomalog and kept aside
 * for the metrics only. Lines are parsed with the BGL layout (the Loghub header without <Label>),
 * grouped into fixed time windows on event time, and a window is anomalous iff it holds an alert
 * line. Time-ordered split: windows starting before the time of the `trainShare` quantile of lines
 * are training, the rest test. Both protocols as for HDFS; plus the reference rule "the window
 * holds a template never seen in training".
 */
import { readFileSync } from 'node:fs';
import { AnomalogError } from '../core/errors.js';
import type { LogEvent } from '../core/event.js';
import { SequenceDetector } from '../detectors/model/detector.js';
import type { ClosedWindow } from '../features/session-window.js';
import { TimeWindower } from '../features/time-window.js';
import { Vocabulary } from '../features/vocabulary.js';
import { LogParser } from '../parsers/pipeline.js';
import { detectionMetrics } from './detect-metrics.js';
import { thresholdName, type DetectEvalOptions, type DetectEvalRow } from './detect-eval.js';

export const BGL_LAYOUT = '<Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>';

/** The HDFS options, with a raw BGL file and its time-ordered split instead of a sessions dataset. */
export interface BglEvalOptions extends Omit<DetectEvalOptions, 'dataset'> {
  file: string;
  windowMs: number;
  trainShare: number;
}

export interface BglWindows {
  windows: ClosedWindow[];
  labels: Int8Array;
  splitTs: number;
  lines: number;
  alertLines: number;
}

/** Parses BGL lines (label stripped) into labelled time windows. */
export function bglWindows(text: string, windowMs: number, trainShare: number): BglWindows {
  const raw = text.split('\n').filter((l) => l.length > 0);
  const alert = new Uint8Array(raw.length);
  const lines = raw.map((l, i) => {
    const sp = l.indexOf(' ');
    alert[i] = l.slice(0, sp) === '-' ? 0 : 1;
    return { text: l.slice(sp + 1), line: i + 1 };
  });
  const parser = new LogParser({ source: 'bgl', format: BGL_LAYOUT, multiline: false });
  const events: LogEvent[] = parser.pushLines(lines, 0).concat(parser.flush(0));
  events.sort((a, b) => a.ts - b.ts || (a.line ?? 0) - (b.line ?? 0));
  if (events.length === 0 || !Number.isFinite(events[0].ts)) throw new AnomalogError('ANOMALOG_ERR_DATASET_INVALID', 'No BGL line parsed with a timestamp.');
  const win = new TimeWindower({ size_ms: windowMs, max_events: 1_000_000 });
  const windows = [...win.add(events), ...win.flush()].sort((a, b) => a.window.start - b.window.start);
  const anomalousStart = new Set<number>();
  let alertLines = 0;
  for (const e of events) {
    if (alert[(e.line ?? 1) - 1]) {
      alertLines++;
      anomalousStart.add(Math.floor(e.ts / windowMs) * windowMs);
    }
  }
  const labels = Int8Array.from(windows, (w) => (anomalousStart.has(w.window.start) ? 1 : 0));
  const splitTs = events[Math.min(events.length - 1, Math.floor(trainShare * events.length))].ts;
  return { windows, labels, splitTs, lines: events.length, alertLines };
}

export function runBglEval(opts: BglEvalOptions): { rows: DetectEvalRow[]; summary: string } {
  let text: string;
  try {
    text = readFileSync(opts.file, 'utf8');
  } catch (e) {
    throw new AnomalogError('ANOMALOG_ERR_INPUT_NOT_FOUND', `Cannot read ${opts.file}.`, { cause: e });
  }
  const bw = bglWindows(text, opts.windowMs, opts.trainShare);
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  bw.windows.forEach((w, i) => (w.window.start < bw.splitTs ? trainIdx : testIdx).push(i));
  const pick = (idx: number[]) => idx.map((i) => bw.windows[i]);
  const yTest = Int8Array.from(testIdx, (i) => bw.labels[i]);
  const rows: DetectEvalRow[] = [];
  const name = opts.file.split('/').pop() ?? opts.file;
  for (const protocol of opts.protocols) {
    const fitIdx = protocol === 'unsupervised' ? trainIdx : trainIdx.filter((i) => bw.labels[i] === 0);
    const fit = pick(fitIdx);
    const test = pick(testIdx);
    const base = { dataset: name, protocol, trainSessions: fit.length, testSessions: test.length };
    // Reference rule: the window holds a template never seen in the fitting windows.
    const t0 = performance.now();
    const vocab = Vocabulary.fit(fit.map((w) => w.templates));
    const novel = test.map((w) => w.templates.some((t) => !vocab.has(t)));
    const novelty: DetectEvalRow = { ...base, model: 'novelty', threshold: 'unseen template', fitMs: performance.now() - t0, scoreMs: 0, ...detectionMetrics(yTest, novel.map(Number), novel) };
    rows.push(novelty);
    opts.onRow?.(novelty);
    for (const model of opts.models) {
      const a = performance.now();
      const fitted = SequenceDetector.fit(fit, { model, features: opts.features, modelOptions: opts.modelOptions, modelDeps: opts.modelDeps, novelty: opts.novelty });
      const fitMs = performance.now() - a;
      for (const th of opts.thresholds) {
        const det = fitted.withThreshold(th);
        const b = performance.now();
        const res = det.detect(test);
        const c = performance.now();
        const row: DetectEvalRow = {
          ...base,
          model,
          threshold: thresholdName(th, opts.novelty),
          fitMs,
          scoreMs: c - b,
          ...detectionMetrics(yTest, Float64Array.from(res, (r) => r.score), res.map((r) => r.anomalous)),
        };
        rows.push(row);
        opts.onRow?.(row);
      }
    }
  }
  const trainAnom = trainIdx.filter((i) => bw.labels[i] === 1).length;
  const summary =
    `BGL: ${bw.lines} lines (${bw.alertLines} alert lines, label token stripped), ${bw.windows.length} non-empty ${opts.windowMs / 60_000}-min windows; ` +
    `time-ordered split at ${new Date(bw.splitTs).toISOString()} (${opts.trainShare} of lines): train ${trainIdx.length} windows (${trainAnom} anomalous), ` +
    `test ${testIdx.length} windows (${yTest.reduce((s, x) => s + x, 0)} anomalous).`;
  return { rows, summary };
}
