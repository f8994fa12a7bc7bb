/**
 * @module detectors/model/training
 * One training of the streaming model detector, as a pure function of plain data (so it runs the
 * same in a worker thread or inline): reservoir windows → count features → model → label-free
 * threshold on the training scores → a versioned JSON artifact. `TrainedModel` loads an artifact
 * and scores/explains closed windows.
 *
 * @example
 * const artifact = trainWindows({ source: 'api', version: 1, windows, model: 'if', seed: 42, max_vocabulary: 300, threshold });
 * const m = TrainedModel.fromArtifact(artifact);
 * const { score, anomalous } = m.score(closed);
 */
import { performance } from 'node:perf_hooks';
import { AnomalogError } from '../../core/errors.js';
import type { Contribution } from '../../core/event.js';
import type { Model, ModelArtifact } from '../../core/model.js';
import { trainingStats, type TrainingStats } from '../../models/artifact.js';
import { DEFAULT_SPOT_OPTIONS, FixedThreshold, quantile, QuantileThreshold, SpotThreshold, thresholdFromJSON, type Threshold, type ThresholdJSON } from '../../models/threshold/index.js';
import type { ModelDetectorConfig } from './config.js';
import type { ClosedCounts, WindowSpec } from '../../features/count-windows.js';
import { type CountFeaturesJSON, Vectorizer, type VectorizerJSON } from '../../features/vectorize.js';
import { createModel, restoreModel, type ModelKind } from './models.js';

export const STREAM_MODEL_FORMAT = 'anomalog-stream-model';
export const STREAM_MODEL_VERSION = 1;

export interface TrainJob {
  source: string;
  /** Version the new model gets (previous + 1). */
  version: number;
  windows: ClosedCounts[];
  model: ModelKind;
  seed: number;
  max_vocabulary: number;
  threshold: ModelDetectorConfig['threshold'];
}

/** Smallest deviation the range guard measures in (log1p-count units: a factor of about 1.3). */
const GUARD_FLOOR = 0.25;

export interface StreamModelArtifact {
  format: typeof STREAM_MODEL_FORMAT;
  version: typeof STREAM_MODEL_VERSION;
  source: string;
  modelVersion: number;
  modelKind: ModelKind;
  /** The vectorizer's state (`CountFeaturesJSON`: models stored before serve used the batch vectorizer). */
  features: VectorizerJSON | CountFeaturesJSON;
  model: ModelArtifact;
  threshold: ThresholdJSON;
  /** Text of the vocabulary's templates (set by the detector before saving), for explanations after a restart. */
  templates?: Record<string, string>;
  /** Per-column minimum and maximum of the (standardised) training vectors, for the range guard. */
  range: { min: number[]; max: number[] };
  training: { windows: number; templates: number; columns: number; flagged: number; scores: TrainingStats };
  /** The windows it was trained on (published models carry it: a detector with other windows refuses them). */
  windowing?: WindowSpec;
}

export interface WindowScore {
  score: number;
  threshold: number;
  /** The model's threshold or the range guard says so. */
  anomalous: boolean;
  /** Largest distance beyond the training range, in training deviations (0 inside), and its column. */
  beyond: number;
  column: number;
}

/**
 * SPOT needs about `minPeaks` (10) scores above its initial level to fit a tail: with fewer
 * training windows (n < 10 / (1 − level), 500 at the default level) it would flag everything above
 * the largest training score — a false-alarm rate of about 1/(n + 1) per window (2 % after 50
 * windows). Small sets get a margin instead: max + (max − p90).
 */
function makeThreshold(rule: TrainJob['threshold'], scores: Float64Array): Threshold {
  if (rule.method === 'quantile') return QuantileThreshold.fit(scores, rule.contamination);
  if (scores.length * (1 - rule.level) < DEFAULT_SPOT_OPTIONS.minPeaks) {
    let max = -Infinity;
    for (const s of scores) if (s > max) max = s;
    const margin = Math.max(0, max - quantile(scores, 0.9));
    return new FixedThreshold(max + margin, 'small training set: max + (max − p90)');
  }
  try {
    return SpotThreshold.fit(scores, { q: rule.q, level: rule.level });
  } catch {
    // Degenerate score sets (e.g. all equal) fall back to the contamination quantile.
    return QuantileThreshold.fit(scores, rule.contamination);
  }
}

/** A training's artifact and how long it took (kept out of the artifact: it is not deterministic). */
export interface TrainResult {
  artifact: StreamModelArtifact;
  ms: number;
}

/** Fits features, model and threshold on the windows and times it; what a worker thread runs. */
export function timedTraining(job: TrainJob): TrainResult {
  const started = performance.now();
  const artifact = trainWindows(job);
  return { artifact, ms: Math.round(performance.now() - started) };
}

/** Fits features, model and threshold on the windows. */
export function trainWindows(job: TrainJob): StreamModelArtifact {
  if (job.windows.length < 2) throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', 'A model needs at least two windows to train on.');
  const features = Vectorizer.fitCounts(job.windows, job.max_vocabulary);
  const X = features.transformCounts(job.windows);
  const model = createModel(job.model, { if: { seed: job.seed }, ae: { seed: job.seed, max_epochs: 50 } });
  model.fit(X);
  const scores = model.score(X);
  const threshold = makeThreshold(job.threshold, scores);
  let flagged = 0;
  for (const s of scores) if (threshold.isAnomalous(s)) flagged++;
  return {
    format: STREAM_MODEL_FORMAT,
    version: STREAM_MODEL_VERSION,
    source: job.source,
    modelVersion: job.version,
    modelKind: job.model,
    features: features.toJSON(),
    model: model.toJSON(),
    threshold: threshold.toJSON(),
    range: columnRange(X.data, X.rows, X.cols),
    training: {
      windows: job.windows.length,
      templates: features.vocabulary.size,
      columns: features.columns,
      flagged,
      scores: trainingStats(scores),
    },
  };
}

export class TrainedModel {
  private constructor(
    readonly artifact: StreamModelArtifact,
    readonly features: Vectorizer,
    private readonly model: Model,
    private readonly threshold: Threshold,
  ) {}

  static fromArtifact(raw: unknown): TrainedModel {
    const a = raw as Partial<StreamModelArtifact>;
    if (!a || typeof a !== 'object' || a.format !== STREAM_MODEL_FORMAT) {
      throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', `Not a streaming model artifact (format "${STREAM_MODEL_FORMAT}" expected).`);
    }
    if (a.version !== STREAM_MODEL_VERSION) {
      throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_VERSION', `Streaming model artifact version ${String(a.version)} is not supported (this build reads ${STREAM_MODEL_VERSION}).`);
    }
    if (!a.features || !a.model || !a.threshold || !a.training || !a.range || !Array.isArray(a.range.min) || !Array.isArray(a.range.max) || typeof a.modelVersion !== 'number') {
      throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', 'The streaming model artifact lacks features, model, threshold or training sections.');
    }
    return new TrainedModel(a as StreamModelArtifact, Vectorizer.fromJSON(a.features), restoreModel(a.model), thresholdFromJSON(a.threshold));
  }

  get version(): number {
    return this.artifact.modelVersion;
  }

  get kind(): ModelKind {
    return this.artifact.modelKind;
  }

  /** Median training score: with the threshold, the scale of "how far beyond". */
  get typicalScore(): number {
    return this.artifact.training.scores.p50;
  }

  /**
   * Scores one window. `guard` > 0 also flags a window whose value of some feature lies more than
   * `guard` training deviations beyond everything seen in training: tree models cannot see such
   * values (Isolation Forest never splits on a column that was constant, e.g. a template that never
   * occurred, and isolates a point far beyond the range as early as the range's edge).
   */
  score(w: ClosedCounts, guard = 0): WindowScore {
    const X = this.features.transformCounts([w]);
    const s = this.model.score(X)[0];
    const score = Number.isFinite(s) ? s : Number.MAX_VALUE;
    const { min, max } = this.artifact.range;
    // The column named first: the template column furthest out when one is past the guard (a person
    // reads "this message 400 times" better than "#events"), else the furthest column overall.
    const templateCols = this.features.vocabulary.columns;
    let beyond = 0;
    let column = -1;
    let beyondT = 0;
    let columnT = -1;
    for (let c = 0; c < X.cols; c++) {
      const x = X.data[c];
      // In training deviations, but never finer than GUARD_FLOOR (a rare template seen twice instead of once is no news).
      const sd = this.features.deviation(c);
      const d = ((x > max[c] ? x - max[c] : x < min[c] ? min[c] - x : 0) * sd) / Math.max(sd, GUARD_FLOOR);
      if (d > beyond) {
        beyond = d;
        column = c;
      }
      if (c < templateCols && d > beyondT) {
        beyondT = d;
        columnT = c;
      }
    }
    if (guard > 0 && beyondT > guard) column = columnT;
    const anomalous = this.threshold.isAnomalous(score) || (guard > 0 && beyond > guard);
    return { score, threshold: this.threshold.threshold, anomalous, beyond, column };
  }

  /**
   * Top features for a person: the model's attribution restricted to features whose raw value
   * deviates from training by more than half a training deviation, completed by the largest
   * standardised deviations. Template text comes from `texts` (the window's own), else from the
   * artifact (a template absent from the window: "seen 0 times, about 115 expected").
   */
  explain(w: ClosedCounts, texts: ReadonlyMap<number, string>, top: number, first = -1): Contribution[] {
    const f = this.features;
    const raw = f.rawCounts(w);
    const x = f.transformCounts([w]).data;
    const z = (c: number) => Math.abs(raw[c] - f.expectedRaw(c)) / f.spreadRaw(c);
    const out: Contribution[] = [];
    const used = new Set<number>();
    const push = (c: number, contribution: number) => {
      const m = f.columnInfo(c);
      if (c === f.vocabulary.size) {
        // The unknown column: name its largest template in this window.
        let best = -1;
        for (let i = 0; i < w.ids.length; i++) if (!f.has(w.ids[i]) && (best < 0 || w.counts[i] > w.counts[best])) best = i;
        if (best >= 0) m.templateId = w.ids[best];
      }
      const e: Contribution = { feature: m.feature, observed: round(raw[c]), expected: round(f.expectedRaw(c)), contribution: round(contribution) };
      if (m.templateId !== undefined) {
        e.templateId = m.templateId;
        const t = texts.get(m.templateId) ?? this.artifact.templates?.[String(m.templateId)];
        if (t !== undefined) e.template = t;
      }
      out.push(e);
      used.add(c);
    };
    if (first >= 0 && first < f.columns) push(first, 0);
    for (const p of this.model.explain(x)) {
      if (out.length >= top) break;
      if (p.contribution > 0 && z(p.index) > 0.5 && !used.has(p.index)) push(p.index, p.contribution);
    }
    if (out.length < top) {
      const rest: number[] = [];
      for (let c = 0; c < f.columns; c++) if (!used.has(c) && z(c) > 0.5) rest.push(c);
      rest.sort((a, b) => z(b) - z(a) || a - b);
      for (const c of rest.slice(0, top - out.length)) push(c, 0);
    }
    return out;
  }
}

function columnRange(data: Float64Array, rows: number, cols: number): { min: number[]; max: number[] } {
  const min = new Array<number>(cols).fill(Infinity);
  const max = new Array<number>(cols).fill(-Infinity);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c];
      if (v < min[c]) min[c] = v;
      if (v > max[c]) max[c] = v;
    }
  }
  return { min, max };
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
