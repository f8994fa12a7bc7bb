/**
 * @module features/vectorize
 * Sessions/windows → feature vectors, for batch (`train`, `detect`, `eval`: ordered event lists) and
 * for serve (the streaming model detector: count windows, count-windows.ts) alike. Columns, in order:
 * template counts (vocabulary learned at fit) · unknown-template count · template transitions
 * (bigrams incl. start/end markers, the most frequent `maxBigrams` seen at fit) · unseen-transition
 * count · extras (log event count, distinct templates, distinct unknown templates: `#new templates`)
 * · Markov surprisal · error and warn shares.
 * Optional sublinear counts (log1p), TF-IDF and scaling (standard or min-max); everything learned
 * at fit time (vocabulary, bigrams, idf, scaling, raw means for explanations) serialises to JSON.
 * Rows are built sparse (CSR) first, so thousands of templates stay cheap; `transform` densifies
 * for the models, which take dense matrices. Its options, stored format and the old count-features
 * format are vectorizer-format.ts.
 *
 * Serve's windows are counters, not event lists (a window of a million events costs as much as one
 * of ten): `fitCounts`/`transformCounts` build the same columns from them — the `max_vocabulary`
 * templates present in most windows, the unknown column, extras and level shares; log1p counts and
 * standard scaling; no transitions (they need the order).
 *
 * @example
 * const v = Vectorizer.fit(train.sequences, { tfidf: true });
 * const X = v.transform(test.sequences); // Matrix, rows = sessions
 * const s = Vectorizer.fitCounts(reservoir.items, 300); // serve
 * const x = s.transformCounts([closed.counts]);
 */
import { AnomalogError } from '../core/errors.js';
import type { Matrix } from '../core/model.js';
import type { Sequence } from './sequences.js';
import { learnBigrams, minMaxStats, type SparseRows, standardStats } from './column-stats.js';
import { TransitionModel } from './markov.js';
import { Vocabulary } from './vocabulary.js';
import { type ClosedCounts, COUNT_WINDOW_OPTIONS, type CountFeaturesJSON, countFeaturesToJSON, DEFAULT_VECTORIZER_OPTIONS, EXTRA_NAMES, LEVEL_NAMES, MARKOV_NAMES, type VectorizerJSON, type VectorizerOptions } from './vectorizer-format.js';

export { type ClosedCounts, COUNT_WINDOW_OPTIONS, type CountFeaturesJSON, DEFAULT_VECTORIZER_OPTIONS, type VectorizerJSON, type VectorizerOptions } from './vectorizer-format.js';

export type { SparseRows } from './column-stats.js';

/** What a column means, for explanations. */
export interface ColumnInfo {
  feature: string;
  templateId?: number;
}

export class Vectorizer {
  private readonly bigramIndex = new Map<number, number>();

  private constructor(
    readonly options: VectorizerOptions,
    readonly vocabulary: Vocabulary,
    private readonly bigrams: number[],
    private readonly bigramDf: number[],
    private idf: Float64Array | null,
    private shift: Float64Array | null,
    private scale: Float64Array | null,
    private rawMean: Float64Array,
    private markov: TransitionModel | null = null,
    private rawStd: Float64Array = new Float64Array(0),
    private readonly hasLevels = false,
  ) {
    for (let i = 0; i < bigrams.length; i++) this.bigramIndex.set(bigrams[i], i);
  }

  /** Learns vocabulary, transitions, idf and scaling from unlabeled sequences. */
  static fit(seqs: readonly Sequence[], opts: Partial<VectorizerOptions> = {}): Vectorizer {
    if (seqs.length === 0) throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', 'Cannot fit features on zero sessions.');
    const options = { ...DEFAULT_VECTORIZER_OPTIONS, ...opts };
    const vocab = Vocabulary.fit(seqs.map((s) => s.templates));
    if (typeof options.bigrams === 'boolean') options.bigrams = options.bigrams ? 'columns' : 'off';
    const [bigrams, bigramDf] = options.bigrams !== 'off' ? learnBigrams(seqs, vocab, options.maxBigrams) : [[], []];
    const markov = options.markov ? TransitionModel.fit(seqs.map((s) => s.templates), vocab) : null;
    const hasLevels = seqs.some((s) => s.levels !== undefined);
    const v = new Vectorizer(options, vocab, bigrams, bigramDf, null, null, null, new Float64Array(0), markov, new Float64Array(0), hasLevels);
    const raw = v.rawSparse(seqs);
    const [rawMean, rawStd] = standardStats(raw);
    v.rawMean = rawMean;
    v.rawStd = rawStd;
    if (options.tfidf) v.idf = v.computeIdf(seqs.length);
    if (options.scaling !== 'none') {
      const weighted = v.weightSparse(raw);
      [v.shift, v.scale] = options.scaling === 'standard' ? standardStats(weighted) : minMaxStats(weighted);
    }
    return v;
  }

  /**
   * Learns the columns of serve's count windows (`COUNT_WINDOW_OPTIONS`): the `maxVocabulary`
   * templates present in most windows, the unknown column, extras and error/warn shares.
   */
  static fitCounts(windows: readonly ClosedCounts[], maxVocabulary: number): Vectorizer {
    if (windows.length === 0) throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', 'Cannot fit features on zero windows.');
    const vocab = Vocabulary.fitCounts(windows.map((w) => w.ids), maxVocabulary);
    const v = new Vectorizer({ ...COUNT_WINDOW_OPTIONS }, vocab, [], [], null, null, null, new Float64Array(0), null, new Float64Array(0), true);
    const raw = v.countRows(windows);
    [v.rawMean, v.rawStd] = standardStats(raw);
    [v.shift, v.scale] = standardStats(v.weightSparse(raw));
    return v;
  }

  static fromJSON(j: VectorizerJSON | CountFeaturesJSON): Vectorizer {
    if (!j || typeof j !== 'object') throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', 'Feature state is missing.');
    if (!('options' in j) && 'ids' in j) return Vectorizer.fromJSON(countFeaturesToJSON(j));
    if (j.version !== 1) {
      throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_VERSION', `Feature state version ${String(j.version)} is not supported (expected 1).`);
    }
    const f = (a: number[] | null) => (a ? Float64Array.from(a) : null);
    const vocab = Vocabulary.fromJSON(j.vocabulary);
    return new Vectorizer(
      { ...DEFAULT_VECTORIZER_OPTIONS, ...j.options },
      vocab,
      j.bigrams,
      j.bigramDf,
      f(j.idf),
      f(j.shift),
      f(j.scale),
      Float64Array.from(j.rawMean),
      j.markov ? TransitionModel.fromJSON(j.markov, vocab) : null,
      Float64Array.from(j.rawStd ?? []),
      Boolean(j.levels),
    );
  }

  toJSON(): VectorizerJSON {
    const a = (x: Float64Array | null) => (x ? Array.from(x) : null);
    return {
      version: 1,
      options: { ...this.options },
      vocabulary: this.vocabulary.toJSON(),
      bigrams: [...this.bigrams],
      bigramDf: [...this.bigramDf],
      idf: a(this.idf),
      shift: a(this.shift),
      scale: a(this.scale),
      rawMean: Array.from(this.rawMean),
      rawStd: Array.from(this.rawStd),
      levels: this.hasLevels,
      markov: this.markov ? this.markov.toJSON() : null,
    };
  }

  /** Number of transition columns (incl. the unseen-transition column). */
  private get bigramColumns(): number {
    const b = this.options.bigrams;
    return b === 'columns' ? this.bigrams.length + 1 : b === 'unseen' ? 1 : 0;
  }

  private get countColumns(): number {
    return this.vocabulary.columns + this.bigramColumns;
  }

  get columns(): number {
    return this.levelStart + (this.hasLevels ? LEVEL_NAMES.length : 0);
  }

  private get levelStart(): number {
    return this.extraStart + (this.markov ? MARKOV_NAMES.length : 0);
  }

  private get extraStart(): number {
    return this.countColumns + (this.options.extras ? EXTRA_NAMES.length : 0);
  }

  /** Human meaning of every column. */
  columnInfo(col: number): ColumnInfo {
    const V = this.vocabulary.size;
    if (col < V) return { feature: `T${this.vocabulary.ids[col]}`, templateId: this.vocabulary.ids[col] };
    if (col === V) return { feature: '<unknown template>' };
    const b = col - V - 1;
    if (b === this.bigramColumns - 1) return { feature: '<unseen transition>' };
    if (b >= 0 && b < this.bigramColumns - 1) return { feature: this.bigramName(this.bigrams[b]) };
    if (col >= this.levelStart) return { feature: LEVEL_NAMES[col - this.levelStart] ?? `#${col}` };
    if (col >= this.extraStart) return { feature: MARKOV_NAMES[col - this.extraStart] ?? `#${col}` };
    return { feature: EXTRA_NAMES[col - this.countColumns] ?? `#${col}` };
  }

  /** Mean raw (unweighted, unscaled) value of each column over the training sessions. */
  expectedRaw(col: number): number {
    return this.rawMean[col] ?? 0;
  }

  /** Training standard deviation of a raw column (1 where the column was constant). */
  spreadRaw(col: number): number {
    return this.rawStd[col] ?? 1;
  }

  /** Raw values: counts and extras before sublinear/TF-IDF/scaling (what a person reads). */
  rawSparse(seqs: readonly Sequence[]): SparseRows {
    const cols = this.columns;
    const indptr = new Int32Array(seqs.length + 1);
    const idx: number[] = [];
    const val: number[] = [];
    const acc = new Map<number, number>();
    for (let r = 0; r < seqs.length; r++) {
      acc.clear();
      this.accumulate(seqs[r], acc);
      const keys = [...acc.keys()].sort((a, b) => a - b);
      for (const k of keys) {
        idx.push(k);
        val.push(acc.get(k) ?? 0);
      }
      indptr[r + 1] = idx.length;
    }
    return { rows: seqs.length, cols, indptr, indices: Int32Array.from(idx), values: Float64Array.from(val) };
  }

  /** Model input: raw → sublinear → TF-IDF → scaling, as a dense matrix. */
  transform(seqs: readonly Sequence[]): Matrix {
    return this.transformRaw(this.rawSparse(seqs));
  }

  /** Model input of count windows (a vectorizer from `fitCounts`). */
  transformCounts(windows: readonly ClosedCounts[]): Matrix {
    return this.transformRaw(this.countRows(windows));
  }

  /** Raw values of one count window (counts, not logged): what a person reads. */
  rawCounts(w: ClosedCounts): Float64Array {
    const r = this.countRows([w]);
    const out = new Float64Array(r.cols);
    for (let p = 0; p < r.values.length; p++) out[r.indices[p]] = r.values[p];
    return out;
  }

  /** Training deviation of a model-input column (1 without scaling or where the column was constant). */
  deviation(col: number): number {
    return this.scale?.[col] ?? 1;
  }

  /** Whether the template has a column of its own. */
  has(templateId: number): boolean {
    return this.vocabulary.has(templateId);
  }

  /** Same as `transform`, from rows already built by `rawSparse`. */
  transformRaw(raw: SparseRows): Matrix {
    const w = this.weightSparse(raw);
    const { rows, cols } = w;
    const data = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let p = w.indptr[r]; p < w.indptr[r + 1]; p++) data[r * cols + w.indices[p]] = w.values[p];
    }
    const { shift, scale } = this;
    if (shift && scale) {
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        for (let c = 0; c < cols; c++) data[o + c] = (data[o + c] - shift[c]) / scale[c];
      }
    }
    return { rows, cols, data };
  }

  private accumulate(seq: Sequence, acc: Map<number, number>): void {
    const t = seq.templates;
    const vocab = this.vocabulary;
    const V = vocab.size;
    const unknownIds = new Set<number>();
    const distinct = new Set<number>();
    let prev = V + 1; // start marker
    for (let i = 0; i < t.length; i++) {
      const c = vocab.column(t[i]);
      acc.set(c, (acc.get(c) ?? 0) + 1);
      distinct.add(t[i]);
      if (c === V) unknownIds.add(t[i]);
      if (this.options.bigrams !== 'off') this.addBigram(prev, c, acc);
      prev = c;
    }
    if (this.options.bigrams !== 'off' && t.length > 0) this.addBigram(prev, V + 2, acc);
    if (this.options.extras) {
      const e = this.countColumns;
      if (t.length > 0) acc.set(e, t.length); // log1p applied when weighting (weightSparse)
      if (distinct.size > 0) acc.set(e + 1, distinct.size);
      if (unknownIds.size > 0) acc.set(e + 2, unknownIds.size);
    }
    if (this.markov) {
      const [max, mean] = this.markov.score(t);
      const m = this.extraStart;
      if (max !== 0) acc.set(m, max);
      if (mean !== 0) acc.set(m + 1, mean);
    }
    if (this.hasLevels && seq.levels && seq.levels.length > 0) {
      let err = 0;
      let warn = 0;
      for (const l of seq.levels) {
        if (l === 2) err++;
        else if (l === 1) warn++;
      }
      const c = this.levelStart;
      if (err) acc.set(c, err / seq.levels.length);
      if (warn) acc.set(c + 1, warn / seq.levels.length);
    }
  }

  /** Raw sparse rows of count windows: template counts, unknown column, extras, level shares. */
  private countRows(windows: readonly ClosedCounts[]): SparseRows {
    if (this.options.bigrams !== 'off' || this.markov) throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', 'Count windows carry no event order: transitions and Markov columns need event lists.');
    const cols = this.columns;
    const V = this.vocabulary.size;
    const indptr = new Int32Array(windows.length + 1);
    const idx: number[] = [];
    const val: number[] = [];
    const acc = new Map<number, number>();
    for (let r = 0; r < windows.length; r++) {
      const w = windows[r];
      acc.clear();
      let unknownDistinct = 0;
      for (let i = 0; i < w.ids.length; i++) {
        const c = this.vocabulary.column(w.ids[i]);
        if (c === V) unknownDistinct++;
        acc.set(c, (acc.get(c) ?? 0) + w.counts[i]);
      }
      const events = Math.max(0, w.events);
      if (this.options.extras) {
        const e = this.countColumns;
        if (events > 0) acc.set(e, events); // log1p applied when weighting (weightSparse)
        if (w.ids.length > 0) acc.set(e + 1, w.ids.length);
        if (unknownDistinct > 0) acc.set(e + 2, unknownDistinct);
      }
      if (this.hasLevels && events > 0) {
        if (w.errors) acc.set(this.levelStart, w.errors / events);
        if (w.warns) acc.set(this.levelStart + 1, w.warns / events);
      }
      const keys = [...acc.keys()].sort((a, b) => a - b);
      for (const k of keys) {
        const v = acc.get(k) ?? 0;
        if (v === 0) continue;
        idx.push(k);
        val.push(v);
      }
      indptr[r + 1] = idx.length;
    }
    return { rows: windows.length, cols, indptr, indices: Int32Array.from(idx), values: Float64Array.from(val) };
  }

  private addBigram(a: number, b: number, acc: Map<number, number>): void {
    const base = this.vocabulary.columns;
    const j = this.bigramIndex.get(a * (this.vocabulary.size + 3) + b);
    const unseen = base + this.bigramColumns - 1;
    if (j !== undefined && this.options.bigrams === 'unseen') return;
    const col = j === undefined ? unseen : base + j;
    acc.set(col, (acc.get(col) ?? 0) + 1);
  }

  private bigramName(code: number): string {
    const n = this.vocabulary.size + 3;
    const name = (c: number) =>
      c < this.vocabulary.size ? `T${this.vocabulary.ids[c]}` : c === this.vocabulary.size ? '?' : c === this.vocabulary.size + 1 ? '^' : '$';
    return `${name(Math.floor(code / n))}→${name(code % n)}`;
  }

  private computeIdf(docs: number): Float64Array {
    const idf = new Float64Array(this.countColumns);
    const V = this.vocabulary.size;
    const df = (c: number) => {
      if (c < V) return this.vocabulary.df[c];
      const b = c - V - 1;
      return this.options.bigrams === 'columns' && b >= 0 && b < this.bigramDf.length ? this.bigramDf[b] : 0;
    };
    for (let c = 0; c < idf.length; c++) idf[c] = Math.log((1 + docs) / (1 + df(c))) + 1;
    return idf;
  }

  private weightSparse(raw: SparseRows): SparseRows {
    const values = Float64Array.from(raw.values);
    const limit = this.countColumns;
    const eventsCol = this.options.extras ? limit : -1;
    const { idf } = this;
    for (let p = 0; p < values.length; p++) {
      const c = raw.indices[p];
      if (c === eventsCol) values[p] = Math.log1p(values[p]);
      if (c >= limit) continue;
      if (this.options.sublinear) values[p] = Math.log1p(values[p]);
      if (idf) values[p] *= idf[c];
    }
    return { ...raw, values };
  }
}
