/**
 * @module features/count-features
 * Count windows → feature vectors for the streaming model detector (`serve`; the windows are counted
 * by count-windows.ts). Columns: one per template of
 * the vocabulary (the `max_vocabulary` templates present in most reservoir windows), one shared
 * unknown-template column, then log event count, distinct templates, distinct unknown templates,
 * error share and warn share. Template counts are log1p'd; every column is standardised with the
 * training mean and deviation. Raw (unlogged) means and deviations are kept for explanations
 * ("seen 340 times, about 2 expected"). Everything learned serialises to JSON with the model.
 *
 * Unlike vectorize.ts (which takes the ordered event list of a session), this works from
 * counters, so a window of a million events costs as much as one of ten.
 *
 * @example
 * const f = CountFeatures.fit(reservoir.items, 300);
 * const X = f.transform([closed.counts]); // Matrix with one row
 */
import { AnomalogError } from '../core/errors.js';
import type { Matrix } from '../core/model.js';

/** A closed window: what the reservoir keeps and the model scores. */
export interface ClosedCounts {
  key: string;
  start: number;
  end: number;
  /** Template ids (ascending) and their counts. */
  ids: number[];
  counts: number[];
  events: number;
  errors: number;
  warns: number;
}

export interface CountFeaturesJSON {
  version: 1;
  /** Template ids in column order. */
  ids: number[];
  mean: number[];
  std: number[];
  rawMean: number[];
  rawStd: number[];
}

const EXTRAS = ['#events', '#distinct templates', '#unknown templates', 'error share', 'warn share'] as const;

export interface ColumnMeaning {
  feature: string;
  templateId?: number;
}

export class CountFeatures {
  private readonly index = new Map<number, number>();

  private constructor(
    readonly ids: readonly number[],
    private readonly mean: Float64Array,
    private readonly std: Float64Array,
    private readonly rawMean: Float64Array,
    private readonly rawStd: Float64Array,
  ) {
    for (let i = 0; i < ids.length; i++) this.index.set(ids[i], i);
  }

  static fit(windows: readonly ClosedCounts[], maxVocabulary: number): CountFeatures {
    if (windows.length === 0) throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', 'Cannot fit features on zero windows.');
    const df = new Map<number, number>();
    for (const w of windows) for (const id of w.ids) df.set(id, (df.get(id) ?? 0) + 1);
    const ids = [...df.keys()]
      .sort((a, b) => (df.get(b) as number) - (df.get(a) as number) || a - b)
      .slice(0, maxVocabulary)
      .sort((a, b) => a - b);
    const cols = ids.length + 1 + EXTRAS.length;
    const empty = new Float64Array(cols);
    const f = new CountFeatures(ids, empty, empty.map(() => 1), empty, empty.map(() => 1));
    const raw = f.rows(windows, false);
    const logged = f.rows(windows, true);
    const [rawMean, rawStd] = columnStats(raw);
    const [mean, std] = columnStats(logged);
    return new CountFeatures(ids, mean, std, rawMean, rawStd);
  }

  static fromJSON(j: CountFeaturesJSON): CountFeatures {
    if (!j || typeof j !== 'object' || !Array.isArray(j.ids)) throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', 'The model features are malformed.');
    if (j.version !== 1) throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_VERSION', `Model features version ${String(j.version)} is not supported (expected 1).`);
    const cols = j.ids.length + 1 + EXTRAS.length;
    const arr = (a: unknown) => {
      if (!Array.isArray(a) || a.length !== cols) throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', 'The model feature statistics are malformed.');
      return Float64Array.from(a as number[]);
    };
    return new CountFeatures(j.ids, arr(j.mean), arr(j.std), arr(j.rawMean), arr(j.rawStd));
  }

  /** Whether the template has a column of its own. */
  has(templateId: number): boolean {
    return this.index.has(templateId);
  }

  get columns(): number {
    return this.ids.length + 1 + EXTRAS.length;
  }

  /** The model's input: log1p counts, standardised. */
  transform(windows: readonly ClosedCounts[]): Matrix {
    const X = this.rows(windows, true);
    const cols = this.columns;
    for (let r = 0; r < X.rows; r++) for (let c = 0; c < cols; c++) X.data[r * cols + c] = (X.data[r * cols + c] - this.mean[c]) / this.std[c];
    return X;
  }

  /** Raw values of one window (counts, not logged): what a person reads. */
  raw(w: ClosedCounts): Float64Array {
    return this.rows([w], false).data;
  }

  /** Training deviation of a model-input column (log1p counts for template columns). */
  deviation(col: number): number {
    return this.std[col] ?? 1;
  }

  expectedRaw(col: number): number {
    return this.rawMean[col] ?? 0;
  }

  spreadRaw(col: number): number {
    return this.rawStd[col] ?? 1;
  }

  column(col: number): ColumnMeaning {
    const V = this.ids.length;
    if (col < V) return { feature: `T${this.ids[col]}`, templateId: this.ids[col] };
    if (col === V) return { feature: '<unknown template>' };
    return { feature: EXTRAS[col - V - 1] ?? `#${col}` };
  }

  toJSON(): CountFeaturesJSON {
    return { version: 1, ids: [...this.ids], mean: [...this.mean], std: [...this.std], rawMean: [...this.rawMean], rawStd: [...this.rawStd] };
  }

  private rows(windows: readonly ClosedCounts[], logged: boolean): Matrix {
    const cols = this.columns;
    const V = this.ids.length;
    const data = new Float64Array(windows.length * cols);
    for (let r = 0; r < windows.length; r++) {
      const w = windows[r];
      const o = r * cols;
      let unknownDistinct = 0;
      for (let i = 0; i < w.ids.length; i++) {
        const c = this.index.get(w.ids[i]);
        if (c === undefined) unknownDistinct++;
        data[o + (c ?? V)] += w.counts[i];
      }
      if (logged) for (let c = 0; c <= V; c++) data[o + c] = Math.log1p(data[o + c]);
      const events = Math.max(0, w.events);
      data[o + V + 1] = logged ? Math.log1p(events) : events;
      data[o + V + 2] = w.ids.length;
      data[o + V + 3] = unknownDistinct;
      data[o + V + 4] = events > 0 ? w.errors / events : 0;
      data[o + V + 5] = events > 0 ? w.warns / events : 0;
    }
    return { rows: windows.length, cols, data };
  }
}

/** Mean and standard deviation per column (deviation 1 where the column is constant). */
function columnStats(X: Matrix): [Float64Array, Float64Array] {
  const { rows, cols, data } = X;
  const mean = new Float64Array(cols);
  const std = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c] += data[r * cols + c];
  for (let c = 0; c < cols; c++) mean[c] /= rows;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) std[c] += (data[r * cols + c] - mean[c]) ** 2;
  for (let c = 0; c < cols; c++) {
    const s = Math.sqrt(std[c] / rows);
    std[c] = s > 1e-9 ? s : 1;
  }
  return [mean, std];
}
