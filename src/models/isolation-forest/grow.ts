/**
 * @module models/isolation-forest/grow
 * Growing isolation trees into flat typed arrays: an explicit stack instead of recursion, a
 * reusable index buffer partitioned in place, and no per-node objects or closures. Children are
 * allocated in pairs right after each other (right = left + 1), always after their parent.
 */
import type { Matrix } from '../../core/model.js';
import type { Rng } from '../random.js';

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

/** Growth scratch space reused across trees. */
export interface Scratch {
  idx: Int32Array;
  /** Columns that vary over the whole training set (the only ones a node can split on). */
  active: Int32Array;
  featPerm: Int32Array;
  stackNode: Int32Array;
  stackStart: Int32Array;
  stackEnd: Int32Array;
  stackDepth: Int32Array;
  /** Range of the feature chosen by the last pickSplitFeature call. */
  lo: number;
  hi: number;
}

/** Grows one tree over s.idx[0..psi) from node id `first`; returns the next free node id. */
export function growTree(X: Matrix, f: Forest, s: Scratch, rng: Rng, first: number, psi: number, maxDepth: number): number {
  const { idx, stackNode, stackStart, stackEnd, stackDepth } = s;
  let next = first + 1;
  stackNode[0] = first;
  stackStart[0] = 0;
  stackEnd[0] = psi;
  stackDepth[0] = 0;
  let sp = 1;
  while (sp > 0) {
    sp--;
    const node = stackNode[sp];
    const start = stackStart[sp];
    const end = stackEnd[sp];
    const depth = stackDepth[sp];
    f.size[node] = end - start;
    f.feature[node] = -1;
    if (depth >= maxDepth || end - start <= 1) continue;
    const feat = pickSplitFeature(X, s, rng, start, end);
    if (feat < 0) continue;
    let thr = s.lo + rng.float() * (s.hi - s.lo);
    if (thr >= s.hi) thr = s.lo;
    const i = partition(X, idx, start, end, feat, thr);
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

export function trimForest(f: Forest, used: number): Forest {
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
export function nonConstantColumns(X: Matrix): Int32Array {
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


/**
 * Draws features without replacement until one is not constant on rows idx[start..end); returns
 * it (its range in s.lo, s.hi) or −1 when every active feature is constant there.
 */
function pickSplitFeature(X: Matrix, s: Scratch, rng: Rng, start: number, end: number): number {
  const { idx, active, featPerm } = s;
  const data = X.data;
  const cols = X.cols;
  const nActive = active.length;
  for (let j = 0; j < nActive; j++) featPerm[j] = active[j];
  for (let remaining = nActive; remaining > 0; remaining--) {
    const k = rng.int(remaining);
    const cand = featPerm[k];
    featPerm[k] = featPerm[remaining - 1];
    featPerm[remaining - 1] = cand;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = start; i < end; i++) {
      const v = data[idx[i] * cols + cand];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi > lo) {
      s.lo = lo;
      s.hi = hi;
      return cand;
    }
  }
  return -1;
}

/** In-place partition of idx[start..end): rows with value <= thr first; returns the split point. */
function partition(X: Matrix, idx: Int32Array, start: number, end: number, feat: number, thr: number): number {
  const data = X.data;
  const cols = X.cols;
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
  return i;
}
