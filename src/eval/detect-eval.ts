/**
 * @module eval/detect-eval
 * `eval detect`: detection quality on labeled session data (HDFS block sessions) under both
 * protocols, scored on the held-back test split:
 * - **unsupervised**: features, model and threshold fitted on the whole training split
 *   (anomalies included), labels unused;
 * - **semi-supervised**: fitted on the normal part of the training split only.
 * Thresholds come from label-free rules (SPOT, contamination, the model's own); nothing is chosen
 * by looking at test labels. Test labels are used for the metrics and for one reference line, the
 * *sequence ceiling*: the best F1 any function of the event sequence can reach on the test split
 * (sessions with identical sequences get the same verdict), which bounds every detector here.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AnomalogError } from '../core/errors.js';
import { SequenceDetector, type NoveltyGate, type ThresholdRule } from '../detectors/model/detector.js';
import type { BatchModelKind, ModelOptions } from '../detectors/model/models.js';
import type { ModelDeps } from '../models/index.js';
import { loadSequences, selectSplit, subset, type SequenceDataset } from '../features/sequences.js';
import type { VectorizerOptions } from '../features/vectorize.js';
import { detectionMetrics, prf, type DetectionMetrics } from './detect-metrics.js';

export type Protocol = 'unsupervised' | 'semi-supervised';

export interface DetectEvalOptions {
  dataset: string;
  models: BatchModelKind[];
  protocols: Protocol[];
  thresholds: ThresholdRule[];
  features?: Partial<VectorizerOptions>;
  modelOptions?: ModelOptions;
  modelDeps?: ModelDeps;
  /** Novelty gate (a session with a template unseen at fit is anomalous; 'severe': at error severity or worse). */
  novelty?: NoveltyGate;
  /** Called after each model is evaluated (progress). */
  onRow?: (row: DetectEvalRow) => void;
}

export interface DetectEvalRow extends DetectionMetrics {
  dataset: string;
  protocol: Protocol;
  model: string;
  threshold: string;
  trainSessions: number;
  testSessions: number;
  fitMs: number;
  scoreMs: number;
}

export interface DetectEvalReport {
  rows: DetectEvalRow[];
  ceiling: { precision: number; recall: number; f1: number; anomaliesLikeNormal: number; testAnomalies: number };
}

/** Finds the sessions CSV: a file, or DIR/*.sessions.csv, or DIR/hdfs/*.sessions.csv. */
export function resolveSessionsFile(path: string): string {
  if (!existsSync(path)) throw new AnomalogError('ANOMALOG_ERR_INPUT_NOT_FOUND', `Dataset ${path} does not exist.`);
  if (statSync(path).isFile()) return path;
  for (const dir of [path, join(path, 'hdfs')]) {
    if (!existsSync(dir)) continue;
    const f = readdirSync(dir).filter((n) => n.endsWith('.sessions.csv')).sort();
    if (f.length > 0) return join(dir, f[0]);
  }
  throw new AnomalogError('ANOMALOG_ERR_DATASET_INVALID', `No *.sessions.csv in ${path} or ${join(path, 'hdfs')}.`, {
    hint: 'Point --dataset at ../shared/datasets or at a sessions CSV (BlockId,Split,Label,EventSequence).',
  });
}

export function thresholdName(t: ThresholdRule, novelty: NoveltyGate = false): string {
  const gate = novelty === 'severe' ? ' + severe novelty' : novelty ? ' + novelty' : '';
  if (t.rule === 'auto') return `auto${gate}`;
  if (t.rule === 'spot') return `spot(q=${t.q ?? 1e-3})${gate}`;
  if (t.rule === 'contamination') return `contamination(${t.contamination})${gate}`;
  return `model${gate}`;
}

/**
 * Best F1 reachable by any function of the exact event sequence: sessions with the same sequence get
 * the same verdict, so the best detector flags a prefix of the sequence groups sorted by anomaly share.
 * Uses test labels: a bound, not a detector.
 */
export function sequenceCeiling(test: SequenceDataset, train: SequenceDataset): DetectEvalReport['ceiling'] {
  const labels = test.labels as Int8Array;
  const groups = new Map<string, [number, number]>();
  const seqKey = (t: Int32Array) => t.join(' ');
  for (let i = 0; i < test.sequences.length; i++) {
    const k = seqKey(test.sequences[i].templates);
    const g = groups.get(k) ?? [0, 0];
    g[labels[i] === 1 ? 1 : 0]++;
    groups.set(k, g);
  }
  // The F1-optimal set of groups is a prefix of the groups sorted by anomaly share.
  const share = (x: [number, number]) => x[1] / (x[0] + x[1]);
  const g = [...groups.values()].sort((a, b) => share(b) - share(a) || b[1] - a[1]);
  let pos = 0;
  for (const [, anomalous] of g) pos += anomalous;
  let tp = 0;
  let fp = 0;
  let best = { tp: 0, fp: 0, f1: 0 };
  for (const [normal, anomalous] of g) {
    tp += anomalous;
    fp += normal;
    const f1 = (2 * tp) / (2 * tp + fp + (pos - tp));
    if (f1 > best.f1) best = { tp, fp, f1 };
  }
  ({ tp, fp } = best);
  const normalSeqs = new Set<string>();
  const trainLabels = train.labels as Int8Array;
  for (let i = 0; i < train.sequences.length; i++) if (trainLabels[i] === 0) normalSeqs.add(seqKey(train.sequences[i].templates));
  let like = 0;
  for (let i = 0; i < test.sequences.length; i++) if (labels[i] === 1 && normalSeqs.has(seqKey(test.sequences[i].templates))) like++;
  return { ...prf({ tp, fp, fn: pos - tp, tn: 0 }), anomaliesLikeNormal: like, testAnomalies: pos };
}

export function runDetectEval(opts: DetectEvalOptions): DetectEvalReport {
  const file = resolveSessionsFile(opts.dataset);
  const all = loadSequences(file);
  if (!all.labels || !all.splits) {
    throw new AnomalogError('ANOMALOG_ERR_DATASET_INVALID', `${file} needs Label and Split columns for evaluation.`);
  }
  const train = selectSplit(all, 'train');
  const test = selectSplit(all, 'test');
  const trainLabels = train.labels as Int8Array;
  const normalIdx: number[] = [];
  for (let i = 0; i < trainLabels.length; i++) if (trainLabels[i] === 0) normalIdx.push(i);
  const rows: DetectEvalRow[] = [];
  const name = file.split('/').pop() ?? file;
  for (const protocol of opts.protocols) {
    // Labels are dropped here: only the sequences go to training.
    const fitOn = protocol === 'unsupervised' ? train.sequences : subset(train, normalIdx).sequences;
    for (const model of opts.models) {
      const t0 = performance.now();
      const fitted = SequenceDetector.fit(fitOn, { model, features: opts.features, modelOptions: opts.modelOptions, modelDeps: opts.modelDeps, novelty: opts.novelty });
      const fitMs = performance.now() - t0;
      for (const th of opts.thresholds) {
        const det = fitted.withThreshold(th);
        const t1 = performance.now();
        const res = det.detect(test.sequences);
        const t2 = performance.now();
        const scores = Float64Array.from(res, (r) => r.score);
        const row: DetectEvalRow = {
          dataset: name,
          protocol,
          model,
          threshold: thresholdName(th, opts.novelty),
          trainSessions: fitOn.length,
          testSessions: test.sequences.length,
          fitMs,
          scoreMs: t2 - t1,
          ...detectionMetrics(test.labels as Int8Array, scores, res.map((r) => r.anomalous)),
        };
        rows.push(row);
        opts.onRow?.(row);
      }
    }
  }
  return { rows, ceiling: sequenceCeiling(test, train) };
}

const f3 = (x: number) => (Number.isNaN(x) ? '  n/a' : x.toFixed(3));

/** Markdown table of the report. */
export function formatDetectReport(r: DetectEvalReport): string {
  const c = r.ceiling;
  return (
    formatRows(r.rows) +
    '\n\n' +
    `Sequence ceiling on the test split (best F1 of any function of the event sequence; uses test labels, a bound not a detector): ` +
    `P ${f3(c.precision)} R ${f3(c.recall)} F1 ${f3(c.f1)}; ${c.anomaliesLikeNormal} of ${c.testAnomalies} test anomalies have exactly the event sequence of a normal training session.`
  );
}

/** Markdown table of evaluation rows. */
export function formatRows(rows: DetectEvalRow[]): string {
  const lines = [
    '| protocol | model | threshold | P | R | F1 | ROC-AUC | TP | FP | FN | fit ms | score ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const x of rows) {
    lines.push(
      `| ${x.protocol} | ${x.model} | ${x.threshold} | ${f3(x.precision)} | ${f3(x.recall)} | ${f3(x.f1)} | ${f3(x.rocAuc)} | ${x.tp} | ${x.fp} | ${x.fn} | ${x.fitMs.toFixed(0)} | ${x.scoreMs.toFixed(0)} |`,
    );
  }
  return lines.join('\n');
}
