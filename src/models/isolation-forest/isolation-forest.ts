/**
 * @module models/isolation-forest/isolation-forest
 * Isolation Forest (Liu, Ting & Zhou, "Isolation Forest", ICDM 2008).
 *
 * Each tree is grown on a random subsample of ψ rows to height ⌈log2 ψ⌉ by splitting on a random
 * non-constant feature at a uniform random value. The score of x is s = 2^(−E[h(x)]/c(ψ)), where
 * h is the path length (depth + c(leaf size)) and c(n) = 2H(n−1) − 2(n−1)/n the average path of an
 * unsuccessful BST search. All trees live in flat typed arrays (feature, threshold, left, right,
 * size); there are no per-node objects.
 *
 * explain() is **path attribution**: at every split on x's path, from a node holding n training
 * rows into a child holding m, the expected remaining depth drops from c(n) to 1 + c(m); the
 * difference c(n) − 1 − c(m) is credited to the split feature. Per tree these credits sum exactly
 * to c(ψ) − h(x), so averaged over trees the contributions add up to c(ψ) − E[h(x)], the path
 * shortening that drives the score (positive = more anomalous). `expected` is the training median.
 */
import type { FeatureContribution, Matrix, Model, ModelArtifact } from '../../core/model.js';
import { assertMatrix, byContributionDesc, notFitted, parseOptions, quantileSorted, trainingStats } from '../artifact.js';
import type { TrainingStats } from '../artifact.js';
import { Rng } from '../random.js';
import { isolationForestConfigSchema } from './config.js';
import { growTree, nonConstantColumns, trimForest } from './grow.js';
import type { Forest, Scratch } from './grow.js';
import type { IsolationForestConfig, IsolationForestOptions } from './config.js';

export const ISOLATION_FOREST_KIND = 'if';
export const ISOLATION_FOREST_VERSION = 1;

const EULER_GAMMA = 0.5772156649015329;

/** Average path length of an unsuccessful BST search among n points (c(n) in the paper). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

export interface IsolationForestParams {
  options: IsolationForestConfig;
  cols: number;
  psi: number;
  roots: number[];
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  size: number[];
  median: number[];
  scoreThreshold: number;
  training: TrainingStats;
}

export class IsolationForest implements Model {
  readonly kind = ISOLATION_FOREST_KIND;
  readonly options: IsolationForestConfig;
  private forest: Forest | null = null;
  private leafPath: Float64Array = new Float64Array(0);
  private median: Float64Array = new Float64Array(0);
  private stats: TrainingStats | null = null;
  private scoreThreshold = 0.5;

  constructor(options: IsolationForestOptions = {}) {
    this.options = parseOptions(isolationForestConfigSchema, options, 'isolation forest');
  }

  /** The model's own decision threshold on score() (see `contamination`). */
  get threshold(): number {
    return this.scoreThreshold;
  }

  get trainingStats(): TrainingStats | null {
    return this.stats;
  }

  fit(X: Matrix): void {
    assertMatrix(X, 'Isolation Forest fit', undefined, 1);
    const { n_trees: nTrees, max_samples: maxSamples, seed } = this.options;
    const psi = Math.max(1, Math.min(maxSamples, X.rows));
    const maxDepth = Math.ceil(Math.log2(Math.max(psi, 2)));
    const perTree = 2 * psi - 1;
    const capacity = nTrees * perTree;
    const f: Forest = {
      cols: X.cols,
      psi,
      roots: new Int32Array(nTrees),
      feature: new Int32Array(capacity),
      threshold: new Float64Array(capacity),
      left: new Int32Array(capacity),
      right: new Int32Array(capacity),
      size: new Int32Array(capacity),
    };
    const rng = new Rng(seed);
    const all = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) all[i] = i;
    const active = nonConstantColumns(X);
    const s: Scratch = {
      idx: new Int32Array(psi),
      active,
      featPerm: new Int32Array(active.length),
      stackNode: new Int32Array(maxDepth + 2),
      stackStart: new Int32Array(maxDepth + 2),
      stackEnd: new Int32Array(maxDepth + 2),
      stackDepth: new Int32Array(maxDepth + 2),
      lo: 0,
      hi: 0,
    };
    let next = 0;
    for (let t = 0; t < nTrees; t++) {
      // Subsample ψ rows without replacement (partial Fisher–Yates over the row indices).
      for (let i = 0; i < psi; i++) {
        const j = i + rng.int(X.rows - i);
        const tmp = all[i];
        all[i] = all[j];
        all[j] = tmp;
        s.idx[i] = all[i];
      }
      f.roots[t] = next;
      next = growTree(X, f, s, rng, next, psi, maxDepth);
    }
    this.setForest(trimForest(f, next));
    this.median = columnMedians(X);
    this.calibrate(this.score(X));
  }

  score(X: Matrix): Float64Array {
    const f = this.forest;
    if (!f) throw notFitted('isolation forest');
    assertMatrix(X, 'Isolation Forest score', f.cols, 0);
    const out = new Float64Array(X.rows);
    const { roots, feature, threshold, left } = f;
    // Children are allocated in pairs (right = left + 1), so the walk is branch-free; leafPath
    // holds depth + c(size) of every leaf.
    const leafPath = this.leafPath;
    const nTrees = roots.length;
    const norm = averagePathLength(f.psi) * nTrees;
    const data = X.data;
    const cols = X.cols;
    for (let r = 0; r < X.rows; r++) {
      const base = r * cols;
      let total = 0;
      for (let t = 0; t < nTrees; t++) {
        let node = roots[t];
        let feat = feature[node];
        while (feat >= 0) {
          node = left[node] + (data[base + feat] > threshold[node] ? 1 : 0);
          feat = feature[node];
        }
        total += leafPath[node];
      }
      out[r] = norm > 0 ? Math.pow(2, -total / norm) : 0.5;
    }
    return out;
  }

  explain(x: Float64Array): FeatureContribution[] {
    const f = this.forest;
    if (!f) throw notFitted('isolation forest');
    assertMatrix({ rows: 1, cols: x.length, data: x }, 'Isolation Forest explain', f.cols);
    const credit = new Float64Array(f.cols);
    const { roots, feature, threshold, left, right, size } = f;
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t];
      while (feature[node] >= 0) {
        const feat = feature[node];
        const child = x[feat] <= threshold[node] ? left[node] : right[node];
        credit[feat] += averagePathLength(size[node]) - 1 - averagePathLength(size[child]);
        node = child;
      }
    }
    const out: FeatureContribution[] = [];
    for (let j = 0; j < f.cols; j++) {
      out.push({ index: j, contribution: credit[j] / roots.length, observed: x[j], expected: this.median[j] });
    }
    return out.sort(byContributionDesc);
  }

  toJSON(): ModelArtifact<IsolationForestParams> {
    const f = this.forest;
    if (!f || !this.stats) throw notFitted('isolation forest');
    return {
      kind: ISOLATION_FOREST_KIND,
      version: ISOLATION_FOREST_VERSION,
      params: {
        options: { ...this.options },
        cols: f.cols,
        psi: f.psi,
        roots: Array.from(f.roots),
        feature: Array.from(f.feature),
        threshold: Array.from(f.threshold),
        left: Array.from(f.left),
        right: Array.from(f.right),
        size: Array.from(f.size),
        median: Array.from(this.median),
        scoreThreshold: this.scoreThreshold,
        training: { ...this.stats },
      },
    };
  }

  /** Installs a validated forest (used by fit and by the artifact loader). */
  restore(forest: Forest, median: Float64Array, scoreThreshold: number, stats: TrainingStats): void {
    this.setForest(forest);
    this.median = median;
    this.scoreThreshold = scoreThreshold;
    this.stats = stats;
  }

  private setForest(f: Forest): void {
    this.forest = f;
    const n = f.feature.length;
    // Children always follow their parent, so one forward pass assigns every depth.
    const depth = new Int32Array(n);
    this.leafPath = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (f.feature[i] >= 0) {
        depth[f.left[i]] = depth[i] + 1;
        depth[f.right[i]] = depth[i] + 1;
      } else {
        this.leafPath[i] = depth[i] + averagePathLength(f.size[i]);
      }
    }
  }

  private calibrate(trainScores: Float64Array): void {
    this.stats = trainingStats(trainScores);
    const c = this.options.contamination;
    this.scoreThreshold =
      c === 'auto' ? 0.5 : quantileSorted(Float64Array.from(trainScores).sort(), 1 - c);
  }
}

/** Per-column median of X. */
export function columnMedians(X: Matrix): Float64Array {
  const out = new Float64Array(X.cols);
  const col = new Float64Array(X.rows);
  for (let j = 0; j < X.cols; j++) {
    for (let i = 0; i < X.rows; i++) col[i] = X.data[i * X.cols + j];
    col.sort();
    out[j] = quantileSorted(col, 0.5);
  }
  return out;
}
