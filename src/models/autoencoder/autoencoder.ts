/**
 * @module models/autoencoder/autoencoder
 * Dense autoencoder (in → hidden → code → hidden → out) over standardised features, hand-written
 * on Float32Array (see ./network.ts and README.md for why not TensorFlow.js).
 *
 * fit() standardises each column by its mean and standard deviation. A column that is constant in
 * training gets scale 1/√n: the spread it would have if one of the n rows had differed by one (a
 * count of one, e.g. a template seen once), so a never-seen template weighs like a one-in-n event
 * instead of a mere 1-σ deviation. fit() then holds out `validation_share` of the rows (seeded
 * shuffle), trains with Adam on mini-batches and stops early when the validation MSE has not improved by `min_delta` (relative) for
 * `patience` epochs, keeping the best weights. score(x) = mean squared reconstruction error over
 * the standardised features; `threshold` = the (1 − contamination) quantile of the scores of all
 * fit rows. explain(x) = per-feature squared reconstruction error / d (sums to the score);
 * `expected` is the reconstruction in the original units.
 */
import type { FeatureContribution, Matrix, Model, ModelArtifact } from '../../core/model.js';
import { assertMatrix, byContributionDesc, notFitted, parseOptions, quantileSorted, trainingStats } from '../artifact.js';
import type { TrainingStats } from '../artifact.js';
import { Rng } from '../random.js';
import { autoencoderConfigSchema } from './config.js';
import type { AutoencoderConfig, AutoencoderOptions } from './config.js';
import { DenseNetwork } from './network.js';
import type { AdamSettings } from './network.js';

export const AUTOENCODER_KIND = 'ae';
export const AUTOENCODER_VERSION = 1;

/** What training did, stored in the artifact. */
export interface TrainingLog {
  epochs: number;
  bestEpoch: number;
  bestValidationLoss: number | null;
  trainLoss: number;
  trainRows: number;
  validationRows: number;
}

export interface AutoencoderParams {
  options: AutoencoderConfig;
  sizes: number[];
  mean: number[];
  scale: number[];
  weights: number[][];
  biases: number[][];
  threshold: number;
  log: TrainingLog;
  training: TrainingStats;
}

export interface AutoencoderState {
  net: DenseNetwork;
  mean: Float64Array;
  scale: Float64Array;
  threshold: number;
  log: TrainingLog;
  stats: TrainingStats;
}

const SCORE_BATCH = 256;

export class Autoencoder implements Model {
  readonly kind = AUTOENCODER_KIND;
  readonly options: AutoencoderConfig;
  private state: AutoencoderState | null = null;

  constructor(options: AutoencoderOptions = {}) {
    this.options = parseOptions(autoencoderConfigSchema, options, 'autoencoder');
  }

  /** (1 − contamination) quantile of the fit rows' reconstruction errors. */
  get threshold(): number {
    if (!this.state) throw notFitted('autoencoder');
    return this.state.threshold;
  }

  get trainingLog(): TrainingLog | null {
    return this.state?.log ?? null;
  }

  get trainingStats(): TrainingStats | null {
    return this.state?.stats ?? null;
  }

  fit(X: Matrix): void {
    assertMatrix(X, 'Autoencoder fit', undefined, 1);
    const o = this.options;
    const d = X.cols;
    const { mean, scale } = standardisation(X);
    const Z = standardise(X, mean, scale);
    const code = Math.min(o.code_units, Math.max(1, d - 1));
    const net = new DenseNetwork([d, o.hidden_units, code, o.hidden_units, d], o.activation);
    const rng = new Rng(o.seed);
    net.initialize(rng);
    const order = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) order[i] = i;
    rng.shuffle(order);
    const nVal = X.rows >= 10 ? Math.floor(X.rows * o.validation_share) : 0;
    const train = order.subarray(0, X.rows - nVal);
    const val = gather(Z, d, order.subarray(X.rows - nVal));
    const log = trainLoop(net, Z, d, train, val, nVal, rng, o);
    const state: AutoencoderState = { net, mean, scale, threshold: 0, log, stats: trainingStats(new Float64Array(1)) };
    this.state = state;
    const scores = this.score(X);
    state.stats = trainingStats(scores);
    state.threshold = quantileSorted(Float64Array.from(scores).sort(), 1 - o.contamination);
  }

  score(X: Matrix): Float64Array {
    const st = this.state;
    if (!st) throw notFitted('autoencoder');
    assertMatrix(X, 'Autoencoder score', st.mean.length, 0);
    const d = X.cols;
    const out = new Float64Array(X.rows);
    const buf = new Float32Array(SCORE_BATCH * d);
    for (let start = 0; start < X.rows; start += SCORE_BATCH) {
      const n = Math.min(SCORE_BATCH, X.rows - start);
      for (let r = 0; r < n; r++) {
        const src = (start + r) * d;
        for (let f = 0; f < d; f++) buf[r * d + f] = (X.data[src + f] - st.mean[f]) / st.scale[f];
      }
      const rec = st.net.forward(buf, n);
      for (let r = 0; r < n; r++) {
        let e = 0;
        for (let f = 0; f < d; f++) {
          const diff = rec[r * d + f] - buf[r * d + f];
          e += diff * diff;
        }
        out[start + r] = e / d;
      }
    }
    return out;
  }

  explain(x: Float64Array): FeatureContribution[] {
    const st = this.state;
    if (!st) throw notFitted('autoencoder');
    const d = st.mean.length;
    assertMatrix({ rows: 1, cols: x.length, data: x }, 'Autoencoder explain', d);
    const z = new Float32Array(d);
    for (let f = 0; f < d; f++) z[f] = (x[f] - st.mean[f]) / st.scale[f];
    const rec = st.net.forward(z, 1);
    const out: FeatureContribution[] = [];
    for (let f = 0; f < d; f++) {
      const diff = rec[f] - z[f];
      out.push({ index: f, contribution: (diff * diff) / d, observed: x[f], expected: st.mean[f] + rec[f] * st.scale[f] });
    }
    return out.sort(byContributionDesc);
  }

  toJSON(): ModelArtifact<AutoencoderParams> {
    const st = this.state;
    if (!st) throw notFitted('autoencoder');
    return {
      kind: AUTOENCODER_KIND,
      version: AUTOENCODER_VERSION,
      params: {
        options: { ...this.options },
        sizes: [...st.net.sizes],
        mean: Array.from(st.mean),
        scale: Array.from(st.scale),
        weights: st.net.W.map((w) => Array.from(w)),
        biases: st.net.b.map((b) => Array.from(b)),
        threshold: st.threshold,
        log: { ...st.log },
        training: { ...st.stats },
      },
    };
  }

  /** Installs a validated state (used by the artifact loader). */
  restore(state: AutoencoderState): void {
    this.state = state;
  }
}

/** Mini-batch Adam with early stopping; leaves the best (lowest validation loss) weights in `net`. */
function trainLoop(
  net: DenseNetwork,
  Z: Float32Array,
  d: number,
  train: Int32Array,
  val: Float32Array,
  nVal: number,
  rng: Rng,
  o: AutoencoderConfig,
): TrainingLog {
  const adam: AdamSettings = { learningRate: o.learning_rate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
  const batch = new Float32Array(Math.min(o.batch_size, train.length) * d);
  let best = Infinity;
  let bestEpoch = 0;
  let bestW = net.W.map((w) => w.slice());
  let bestB = net.b.map((b) => b.slice());
  let trainLoss = Number.NaN;
  let epoch = 0;
  while (epoch < o.max_epochs) {
    epoch++;
    rng.shuffle(train);
    let sum = 0;
    for (let start = 0; start < train.length; start += o.batch_size) {
      const n = Math.min(o.batch_size, train.length - start);
      for (let r = 0; r < n; r++) {
        const src = train[start + r] * d;
        for (let f = 0; f < d; f++) batch[r * d + f] = Z[src + f];
      }
      sum += net.trainBatch(batch, n, adam) * n;
    }
    trainLoss = sum / train.length;
    if (nVal === 0) continue;
    const v = meanSquaredError(net, val, nVal, d);
    if (v < best * (1 - o.min_delta)) {
      best = v;
      bestEpoch = epoch;
      bestW = net.W.map((w) => w.slice());
      bestB = net.b.map((b) => b.slice());
    } else if (epoch - bestEpoch >= o.patience) {
      break;
    }
  }
  if (nVal > 0) {
    for (let l = 0; l < net.W.length; l++) {
      net.W[l].set(bestW[l]);
      net.b[l].set(bestB[l]);
    }
  }
  return {
    epochs: epoch,
    bestEpoch: nVal > 0 ? bestEpoch : epoch,
    bestValidationLoss: nVal > 0 ? best : null,
    trainLoss,
    trainRows: train.length,
    validationRows: nVal,
  };
}

function meanSquaredError(net: DenseNetwork, Z: Float32Array, n: number, d: number): number {
  let e = 0;
  for (let start = 0; start < n; start += SCORE_BATCH) {
    const m = Math.min(SCORE_BATCH, n - start);
    const rec = net.forward(Z.subarray(start * d, (start + m) * d), m);
    for (let i = 0; i < m * d; i++) {
      const diff = rec[i] - Z[start * d + i];
      e += diff * diff;
    }
  }
  return e / (n * d);
}

function standardisation(X: Matrix): { mean: Float64Array; scale: Float64Array } {
  const { rows, cols, data } = X;
  const mean = new Float64Array(cols);
  const scale = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let f = 0; f < cols; f++) mean[f] += data[i * cols + f];
  for (let f = 0; f < cols; f++) mean[f] /= rows;
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < cols; f++) scale[f] += (data[i * cols + f] - mean[f]) ** 2;
  }
  for (let f = 0; f < cols; f++) {
    const sd = Math.sqrt(scale[f] / rows);
    scale[f] = sd > 0 ? sd : 1 / Math.sqrt(rows);
  }
  return { mean, scale };
}

function standardise(X: Matrix, mean: Float64Array, scale: Float64Array): Float32Array {
  const out = new Float32Array(X.data.length);
  for (let i = 0; i < X.rows; i++) {
    for (let f = 0; f < X.cols; f++) out[i * X.cols + f] = (X.data[i * X.cols + f] - mean[f]) / scale[f];
  }
  return out;
}

function gather(Z: Float32Array, d: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * d);
  for (let r = 0; r < rows.length; r++) out.set(Z.subarray(rows[r] * d, rows[r] * d + d), r * d);
  return out;
}
