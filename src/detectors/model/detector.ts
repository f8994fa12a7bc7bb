/**
 * @module detectors/model/detector
 * The model detector over closed sessions/windows: vectorizer (vocabulary, transitions, scaling)
 * + model + label-free threshold, trained together and stored as one versioned JSON artifact.
 *
 * @example
 * const d = SequenceDetector.train(train.sequences, { model: 'if', threshold: { rule: 'spot', q: 1e-3 } });
 * writeFileSync('model.json', JSON.stringify(d.toJSON()));
 * const results = SequenceDetector.fromJSON(JSON.parse(text)).detect(test.sequences);
 */
import { AnomalogError } from '../../core/errors.js';
import type { Contribution } from '../../core/event.js';
import type { Model, ModelArtifact } from '../../core/model.js';
import type { Sequence } from '../../features/sequences.js';
import { Vectorizer, type VectorizerJSON, type VectorizerOptions } from '../../features/vectorize.js';
import { trainingStats, type TrainingStats } from '../../models/artifact.js';
import { readsCounts, type ModelDeps } from '../../models/index.js';
import { describeViolations, hasViolations } from './relations.js';
import {
  autoThreshold,
  FixedThreshold,
  QuantileThreshold,
  SpotThreshold,
  thresholdFromJSON,
  type Threshold,
  type ThresholdJSON,
} from '../../models/threshold/index.js';
import { createModel, ownThreshold, restoreModel, type BatchModelKind, type ModelOptions } from './models.js';
import { describeMiss, isSequenceModel } from './sequence-models.js';

export const DETECTOR_FORMAT = 'anomalog-detector';
export const DETECTOR_VERSION = 1;

export type ThresholdRule =
  | { rule: 'auto'; q?: number; level?: number; contamination?: number }
  | { rule: 'spot'; q?: number; level?: number }
  | { rule: 'contamination'; contamination: number }
  | { rule: 'model' };

export interface TrainOptions {
  model: BatchModelKind;
  modelOptions?: ModelOptions;
  /** Collaborators such as a preloaded libsvm engine (not stored in the artifact). */
  modelDeps?: ModelDeps;
  features?: Partial<VectorizerOptions>;
  threshold?: ThresholdRule;
  /**
   * Novelty gate: a session/window holding a template never seen at fit time is anomalous
   * whatever its score (DESIGN's `novelty` detector folded into the model decision). `true` or
   * `'any'`: any unseen template; `'severe'`: an unseen template logged at error severity or worse
   * (any unseen template when the input carries no severities, e.g. `--sequences`).
   */
  novelty?: NoveltyGate;
  /** How the training sequences were made (stored for `detect` to redo it). */
  windowing?: Record<string, unknown>;
}

/** A fitted vectorizer + model, waiting for a threshold rule. */
export interface FittedModel {
  withThreshold(rule: ThresholdRule): SequenceDetector;
}

export type NoveltyGate = boolean | 'any' | 'severe';

/** The rule used when none is given: SPOT on a continuous score tail, the 0.03 quantile on a tied one (threshold/auto.ts). */
export const DEFAULT_THRESHOLD: ThresholdRule = { rule: 'auto', q: 1e-3, level: 0.98, contamination: 0.03 };

/**
 * What `anomalog train` fits without `--model`: the autoencoder with the severe-novelty gate and the
 * `auto` threshold. Chosen on development splits cut from the *training* data only (BENCHMARKS.md,
 * "Batch defaults"): the autoencoder had the best F1 of the four models on the HDFS development split
 * and tied PCA on the BGL one; the gate adds the unseen-error signal count models are blind to.
 */
export const DEFAULT_MODEL = { model: 'ae', novelty: 'severe' } as const satisfies Pick<TrainOptions, 'model' | 'novelty'>;

/** The features of a model that reads raw counts (`input: 'counts'`): one count column per template (and the unknown one), nothing else. */
export const COUNT_FEATURES: Partial<VectorizerOptions> = { scaling: 'none', sublinear: false, tfidf: false, bigrams: 'off', extras: false, markov: false };

function gateMode(g: NoveltyGate | undefined): 'off' | 'any' | 'severe' {
  if (g === 'severe') return 'severe';
  return g === true || g === 'any' ? 'any' : 'off';
}

export interface DetectorArtifact {
  format: typeof DETECTOR_FORMAT;
  version: number;
  modelKind: BatchModelKind;
  model: ModelArtifact;
  features: VectorizerJSON;
  threshold: ThresholdJSON;
  hyperParameters: { model: ModelOptions; features: VectorizerOptions; threshold: ThresholdRule; novelty?: NoveltyGate };
  /** `severities`: some training event was logged at warning severity or worse (the input carries levels). */
  training: { sessions: number; templates: number; columns: number; flagged: number; scores: TrainingStats; severities?: boolean };
  windowing?: Record<string, unknown>;
}

export interface Detection {
  sessionKey: string;
  window?: { start: number; end: number };
  source?: string;
  score: number;
  anomalous: boolean;
  threshold: number;
  explanation: Contribution[];
  /** Sample raw lines of the window/session (raw-log input only). */
  context?: string[];
}

function buildThreshold(rule: ThresholdRule, model: Model, scores: Float64Array): Threshold {
  if (rule.rule === 'auto') return autoThreshold(scores, { q: rule.q ?? 1e-3, level: rule.level ?? 0.98, contamination: rule.contamination ?? 0.03 });
  if (rule.rule === 'contamination') return QuantileThreshold.fit(scores, rule.contamination);
  if (rule.rule === 'spot') return SpotThreshold.fit(scores, { q: rule.q ?? 1e-3, level: rule.level ?? 0.98 });
  const own = ownThreshold(model);
  if (own === null) {
    throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', `The ${model.kind} model has no threshold of its own.`, { hint: 'Use --threshold spot or contamination.' });
  }
  return new FixedThreshold(own, `${model.kind} own threshold`);
}

export class SequenceDetector {
  private constructor(
    readonly vectorizer: Vectorizer,
    readonly model: Model,
    readonly threshold: Threshold,
    private readonly meta: Omit<DetectorArtifact, 'format' | 'version' | 'model' | 'features' | 'threshold'>,
  ) {}

  /** Fits features, model and threshold on unlabeled sequences. */
  static train(seqs: readonly Sequence[], opts: TrainOptions): SequenceDetector {
    return SequenceDetector.fit(seqs, opts).withThreshold(opts.threshold ?? DEFAULT_THRESHOLD);
  }

  /** Fits features and model once; `withThreshold` then makes detectors for any threshold rule. */
  static fit(seqs: readonly Sequence[], opts: TrainOptions): FittedModel {
    // Count models (mined invariants) read raw template counts: scaling or extra columns would hide the integer relations.
    const vectorizer = Vectorizer.fit(seqs, readsCounts(opts.model) ? COUNT_FEATURES : opts.features);
    const X = vectorizer.transform(seqs);
    const model = createModel(opts.model, opts.modelOptions, opts.modelDeps);
    let scores: Float64Array;
    if (isSequenceModel(model)) {
      const ids = seqs.map((q) => q.templates);
      model.fitSequences(ids);
      scores = model.scoreSequences(ids);
    } else {
      model.fit(X);
      scores = model.score(X);
    }
    const severities = seqs.some((q) => q.levels !== undefined && q.levels.some((l) => l > 0));
    return {
      withThreshold(rule: ThresholdRule): SequenceDetector {
        const threshold = buildThreshold(rule, model, scores);
        let flagged = 0;
        for (const s of scores) if (threshold.isAnomalous(s)) flagged++;
        return new SequenceDetector(vectorizer, model, threshold, {
          modelKind: opts.model,
          hyperParameters: { model: opts.modelOptions ?? {}, features: { ...vectorizer.options }, threshold: rule, novelty: gateMode(opts.novelty) === 'off' ? false : (opts.novelty as NoveltyGate) },
          training: { sessions: seqs.length, templates: vectorizer.vocabulary.size, columns: X.cols, flagged, scores: trainingStats(scores), severities },
          windowing: opts.windowing,
        });
      },
    };
  }

  static fromJSON(raw: unknown): SequenceDetector {
    const a = raw as Partial<DetectorArtifact>;
    if (!a || typeof a !== 'object' || a.format !== DETECTOR_FORMAT) {
      throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', 'Not an anomalog model artifact (format "anomalog-detector" expected).');
    }
    if (a.version !== DETECTOR_VERSION) {
      throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_VERSION', `Model artifact version ${String(a.version)} is not supported (this build reads ${DETECTOR_VERSION}).`, {
        hint: 'Retrain the model with this version of anomalog.',
      });
    }
    if (!a.model || !a.features || !a.threshold || !a.hyperParameters || !a.training || !a.modelKind) {
      throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', 'The model artifact lacks model, features, threshold or training sections.');
    }
    return new SequenceDetector(Vectorizer.fromJSON(a.features), restoreModel(a.model), thresholdFromJSON(a.threshold), {
      modelKind: a.modelKind,
      hyperParameters: a.hyperParameters,
      training: a.training,
      windowing: a.windowing,
    });
  }

  get kind(): BatchModelKind {
    return this.meta.modelKind;
  }

  get training(): DetectorArtifact['training'] {
    return this.meta.training;
  }

  get windowing(): Record<string, unknown> | undefined {
    return this.meta.windowing;
  }

  /** Model scores (with the severe gate, of each sequence's known part: see `modelInput`). */
  score(seqs: readonly Sequence[]): Float64Array {
    const input = this.modelInput(seqs);
    if (isSequenceModel(this.model)) return this.model.scoreSequences(input.map((q) => q.templates));
    return this.model.score(this.vectorizer.transform(input));
  }

  /**
   * What the model scores. With the severe gate, templates unseen at fit are the gate's business
   * (judged by their severity), so the model scores the rest of the sequence: otherwise every
   * unseen info-level template (a new message variant, a parser split) would raise the count model's
   * score through the unknown-template columns and undo the gate's severity filter.
   */
  private modelInput(seqs: readonly Sequence[]): readonly Sequence[] {
    if (gateMode(this.meta.hyperParameters.novelty) !== 'severe') return seqs;
    const known = this.vectorizer.vocabulary;
    return seqs.map((s) => {
      let all = true;
      for (const t of s.templates) if (!known.has(t)) all = false;
      if (all) return s;
      const keep: number[] = [];
      for (let j = 0; j < s.templates.length; j++) if (known.has(s.templates[j])) keep.push(j);
      const out: Sequence = { ...s, templates: Int32Array.from(keep, (j) => s.templates[j]) };
      if (s.levels) out.levels = Uint8Array.from(keep, (j) => s.levels?.[j] ?? 0);
      return out;
    });
  }

  /** Scores and decides every sequence; explanations for anomalous ones (all with `explainAll`). */
  detect(seqs: readonly Sequence[], opts: { explainAll?: boolean; top?: number; online?: boolean } = {}): Detection[] {
    const input = this.modelInput(seqs);
    const raw = this.vectorizer.rawSparse(input);
    const X = this.vectorizer.transformRaw(raw);
    const sequential = isSequenceModel(this.model) ? this.model : null;
    const scores = sequential ? sequential.scoreSequences(input.map((q) => q.templates)) : this.model.score(X);
    const out: Detection[] = new Array(seqs.length);
    const gate = gateMode(this.meta.hyperParameters.novelty);
    for (let i = 0; i < seqs.length; i++) {
      const s = seqs[i];
      let anomalous = opts.online ? this.threshold.observe(scores[i]) : this.threshold.isAnomalous(scores[i]);
      const unseen = gate !== 'off' && !anomalous ? this.unseenTemplate(s, gate === 'severe') : undefined;
      if (unseen) anomalous = true;
      const d: Detection = { sessionKey: s.key, score: scores[i], anomalous, threshold: this.threshold.threshold, explanation: [] };
      if (s.window) d.window = s.window;
      if (s.source) d.source = s.source;
      const samples = (s as { samples?: string[] }).samples;
      if (anomalous && samples) d.context = samples;
      if (anomalous || opts.explainAll) {
        const row = X.data.subarray(i * X.cols, (i + 1) * X.cols);
        if (sequential) d.explanation = this.explainMisses(sequential, input[i], opts.top ?? 5);
        else if (hasViolations(this.model)) d.explanation = describeViolations(this.model.violations(row), (c) => this.vectorizer.columnInfo(c), opts.top ?? 5);
        else d.explanation = this.explainRow(row, raw, i, opts.top ?? 5);
      }
      if (unseen) d.explanation = [{ feature: '<unseen template>', templateId: unseen.id, observed: unseen.count, expected: 0, contribution: 0 }, ...d.explanation].slice(0, Math.max(1, opts.top ?? 5));
      out[i] = d;
    }
    return out;
  }

  /** Next-event model: the events it did not predict, in order (`T8 after T1 (expected T2, T3)`). */
  private explainMisses(m: { misses(t: ArrayLike<number>): { position: number; template: number; expected: number[] }[] }, s: Sequence, top: number): Contribution[] {
    return m.misses(s.templates).slice(0, top).map((x) => {
      const c: Contribution = { feature: describeMiss(x, x.position > 0 ? s.templates[x.position - 1] : undefined), observed: 1, expected: 0, contribution: 1 };
      if (x.template >= 0) c.templateId = x.template;
      return c;
    });
  }

  /**
   * The first template of the sequence unseen at fit (with `severe`: logged at error severity or
   * worse, unless severities are unknown — no levels on the sequence, none above info at training),
   * with its number of events in the sequence.
   */
  private unseenTemplate(s: Sequence, severe: boolean): { id: number; count: number } | undefined {
    const known = this.vectorizer.vocabulary;
    const levels = severe && this.meta.training.severities ? s.levels : undefined;
    let id: number | undefined;
    let count = 0;
    for (let j = 0; j < s.templates.length; j++) {
      const t = s.templates[j];
      if (id === undefined && !known.has(t) && (levels === undefined || levels[j] === 2)) id = t;
      if (t === id) count++;
    }
    return id === undefined ? undefined : { id, count };
  }

  /**
   * Top features for a person: the model's attribution (IF path, PCA residual, AE reconstruction
   * error, …) restricted to features whose raw value actually deviates from training (more than
   * half a training standard deviation), then completed by the largest standardised deviations.
   */
  private explainRow(x: Float64Array, raw: ReturnType<Vectorizer['rawSparse']>, row: number, top: number): Contribution[] {
    const v = this.vectorizer;
    const observed = new Map<number, number>();
    for (let p = raw.indptr[row]; p < raw.indptr[row + 1]; p++) observed.set(raw.indices[p], raw.values[p]);
    const obs = (c: number) => observed.get(c) ?? 0;
    const z = (c: number) => Math.abs(obs(c) - v.expectedRaw(c)) / v.spreadRaw(c);
    const out: Contribution[] = [];
    const used = new Set<number>();
    const push = (c: number, contribution: number) => {
      const info = v.columnInfo(c);
      const e: Contribution = { feature: info.feature, observed: round(obs(c)), expected: round(v.expectedRaw(c)), contribution: round(contribution) };
      if (info.templateId !== undefined) e.templateId = info.templateId;
      out.push(e);
      used.add(c);
    };
    for (const p of this.model.explain(Float64Array.from(x))) {
      if (out.length >= top) break;
      if (p.contribution > 0 && z(p.index) > 0.5) push(p.index, p.contribution);
    }
    if (out.length < top) {
      const rest: number[] = [];
      for (let c = 0; c < v.columns; c++) if (!used.has(c) && z(c) > 0.5) rest.push(c);
      rest.sort((a, b) => z(b) - z(a) || a - b);
      for (const c of rest.slice(0, top - out.length)) push(c, 0);
    }
    return out;
  }

  toJSON(): DetectorArtifact {
    return {
      format: DETECTOR_FORMAT,
      version: DETECTOR_VERSION,
      ...this.meta,
      model: this.model.toJSON(),
      features: this.vectorizer.toJSON(),
      threshold: this.threshold.toJSON(),
    };
  }
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
