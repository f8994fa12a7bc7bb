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

/** The fitted forest: nodes of all trees in flat arrays; tree t starts at node roots[t]. */
export interface Forest {
  cols: number;
  psi: number;
  roots: Int32Array;
  /** Split feature, or −1 for a leaf. */
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Number of training rows that reached the node. */
  size: Int32Array;
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

/** Growth scratch space reused across trees. */
interface Scratch {
  idx: Int32Array;
  /** Columns that vary over the whole training set (the only ones a node can split on). */
  active: Int32Array;
  featPerm: Int32Array;
  stackNode: Int32Array;
  stackStart: Int32Array;
  stackEnd: Int32Array;
  stackDepth: Int32Array;
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

/** Grows one tree over s.idx[0..psi) from node id `first`; returns the next free node id. */
function growTree(X: Matrix, f: Forest, s: Scratch, rng: Rng, first: number, psi: number, maxDepth: number): number {
  const { idx, active, featPerm, stackNode, stackStart, stackEnd, stackDepth } = s;
  const nActive = active.length;
  const data = X.data;
  const cols = X.cols;
  let next = first + 1;
  let sp = 0;
  stackNode[0] = first;
  stackStart[0] = 0;
  stackEnd[0] = psi;
  stackDepth[0] = 0;
  sp = 1;
  while (sp > 0) {
    sp--;
    const node = stackNode[sp];
    const start = stackStart[sp];
    const end = stackEnd[sp];
    const depth = stackDepth[sp];
    f.size[node] = end - start;
    f.feature[node] = -1;
    if (depth >= maxDepth || end - start <= 1) continue;
    // Draw features without replacement until one is not constant on this node.
    for (let j = 0; j < nActive; j++) featPerm[j] = active[j];
    let feat = -1;
    let lo = 0;
    let hi = 0;
    for (let remaining = nActive; remaining > 0 && feat < 0; remaining--) {
      const k = rng.int(remaining);
      const cand = featPerm[k];
      featPerm[k] = featPerm[remaining - 1];
      featPerm[remaining - 1] = cand;
      lo = Infinity;
      hi = -Infinity;
      for (let i = start; i < end; i++) {
        const v = data[idx[i] * cols + cand];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (hi > lo) feat = cand;
    }
    if (feat < 0) continue;
    let thr = lo + rng.float() * (hi - lo);
    if (thr >= hi) thr = lo;
    // Partition: rows with value <= thr go left.
    let i = start;
    let j = end - 1;
    while (i <= j) {
      if (data[idx[i] * cols + feat] <= thr) {
        i++;
      } else {
        const tmp = idx[i];
        idx[i] = idx[j];
        idx[j] = tmp;
        j--;
      }
    }
    const l = next++;
    const r = next++;
    f.feature[node] = feat;
    f.threshold[node] = thr;
    f.left[node] = l;
    f.right[node] = r;
    stackNode[sp] = r;
    stackStart[sp] = i;
    stackEnd[sp] = end;
    stackDepth[sp] = depth + 1;
    sp++;
    stackNode[sp] = l;
    stackStart[sp] = start;
    stackEnd[sp] = i;
    stackDepth[sp] = depth + 1;
    sp++;
  }
  return next;
}

function trimForest(f: Forest, used: number): Forest {
  return {
    ...f,
    feature: f.feature.slice(0, used),
    threshold: f.threshold.slice(0, used),
    left: f.left.slice(0, used),
    right: f.right.slice(0, used),
    size: f.size.slice(0, used),
  };
}

/** Indices of the columns of X that are not constant. */
function nonConstantColumns(X: Matrix): Int32Array {
  const out: number[] = [];
  for (let j = 0; j < X.cols; j++) {
    const first = X.data[j];
    for (let i = 1; i < X.rows; i++) {
      if (X.data[i * X.cols + j] !== first) {
        out.push(j);
        break;
      }
    }
  }
  return Int32Array.from(out);
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
