/**
 * @module eval/detect-metrics
 * Detection quality: precision, recall, F1 from decisions, ROC-AUC from scores (Mann–Whitney U
 * with mid-ranks, so tied scores count one half, as in scikit-learn's roc_auc_score).
 */

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface DetectionMetrics extends Confusion {
  precision: number;
  recall: number;
  f1: number;
  /** NaN when one class is absent. */
  rocAuc: number;
}

/** Counts decisions against labels (1 = anomaly); rows with label −1 (unknown) are skipped. */
export function confusion(labels: ArrayLike<number>, predicted: ArrayLike<boolean | number>): Confusion {
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1) continue;
    const p = Boolean(predicted[i]);
    if (p && y === 1) c.tp++;
    else if (p) c.fp++;
    else if (y === 1) c.fn++;
    else c.tn++;
  }
  return c;
}

/** Precision, recall and F1; an empty denominator gives 0 (scikit-learn's zero_division=0). */
export function prf(c: Confusion): { precision: number; recall: number; f1: number } {
  const precision = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** Area under the ROC curve; ties between an anomaly and a normal row count 1/2. */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const idx: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === 0 || labels[i] === 1) idx.push(i);
  idx.sort((a, b) => scores[a] - scores[b]);
  let pos = 0;
  let rankSumPos = 0;
  for (let k = 0; k < idx.length; ) {
    let j = k;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[k]]) j++;
    const midRank = (k + j) / 2 + 1;
    for (let t = k; t <= j; t++) {
      if (labels[idx[t]] === 1) {
        pos++;
        rankSumPos += midRank;
      }
    }
    k = j + 1;
  }
  const neg = idx.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

export function detectionMetrics(labels: ArrayLike<number>, scores: ArrayLike<number>, predicted: ArrayLike<boolean | number>): DetectionMetrics {
  const c = confusion(labels, predicted);
  return { ...c, ...prf(c), rocAuc: rocAuc(labels, scores) };
}
