/**
 * @module features/markov
 * A first-order Markov model of template transitions (start and end markers included), learned
 * at fit time: surprisal(a→b) = −ln((c(a,b) + α) / (c(a) + α·K)) with K possible successors.
 * Per session it yields the largest and the mean transition surprisal: an order-aware signal in
 * the spirit of DeepLog's next-event prediction, continuous and non-constant over training data
 * (so tree models can split on it), and large for transitions never or rarely seen at fit time.
 * Sparse: only observed transitions are stored.
 */
import type { Vocabulary } from './vocabulary.js';

export interface MarkovJSON {
  alpha: number;
  codes: number[];
  counts: number[];
  totals: number[];
}

export class TransitionModel {
  private readonly counts = new Map<number, number>();

  private constructor(
    private readonly vocab: Vocabulary,
    readonly alpha: number,
    private readonly totals: Float64Array,
  ) {}

  /** Columns: templates 0..V−1, unknown V, start V+1, end V+2. */
  private get width(): number {
    return this.vocab.size + 3;
  }

  static fit(seqs: ReadonlyArray<ArrayLike<number>>, vocab: Vocabulary, alpha = 0.5): TransitionModel {
    const m = new TransitionModel(vocab, alpha, new Float64Array(vocab.size + 3));
    const V = vocab.size;
    for (const t of seqs) {
      if (t.length === 0) continue;
      let prev = V + 1;
      for (let i = 0; i <= t.length; i++) {
        const c = i < t.length ? vocab.column(t[i]) : V + 2;
        const code = prev * m.width + c;
        m.counts.set(code, (m.counts.get(code) ?? 0) + 1);
        m.totals[prev]++;
        prev = c;
      }
    }
    return m;
  }

  static fromJSON(j: MarkovJSON, vocab: Vocabulary): TransitionModel {
    const m = new TransitionModel(vocab, j.alpha, Float64Array.from(j.totals));
    for (let i = 0; i < j.codes.length; i++) m.counts.set(j.codes[i], j.counts[i]);
    return m;
  }

  toJSON(): MarkovJSON {
    const codes = [...this.counts.keys()].sort((a, b) => a - b);
    return { alpha: this.alpha, codes, counts: codes.map((c) => this.counts.get(c) ?? 0), totals: Array.from(this.totals) };
  }

  surprisal(prev: number, next: number): number {
    const c = this.counts.get(prev * this.width + next) ?? 0;
    return -Math.log((c + this.alpha) / (this.totals[prev] + this.alpha * this.width));
  }

  /** [max, mean] transition surprisal of a sequence (0, 0 when empty). */
  score(t: ArrayLike<number>): [number, number] {
    if (t.length === 0) return [0, 0];
    const V = this.vocab.size;
    let prev = V + 1;
    let max = 0;
    let sum = 0;
    for (let i = 0; i <= t.length; i++) {
      const c = i < t.length ? this.vocab.column(t[i]) : V + 2;
      const s = this.surprisal(prev, c);
      if (s > max) max = s;
      sum += s;
      prev = c;
    }
    return [max, sum / (t.length + 1)];
  }
}
