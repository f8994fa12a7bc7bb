/**
 * @module features/vocabulary
 * Template id → column. Learned at fit time; ids never seen at fit time map to one shared
 * "unknown" column (the last one) and are counted there. Serialisable with the model.
 */
import { AnomalogError } from '../core/errors.js';

export interface VocabularyJSON {
  /** Template ids in column order. */
  ids: number[];
  /** Number of training sequences each id appeared in (document frequency). */
  df: number[];
  docs: number;
}

export class Vocabulary {
  private readonly index = new Map<number, number>();

  private constructor(
    readonly ids: readonly number[],
    readonly df: readonly number[],
    readonly docs: number,
  ) {
    for (let i = 0; i < ids.length; i++) this.index.set(ids[i], i);
  }

  /**
   * Learns the vocabulary from sequences: every id seen at least `minCount` times, in ascending
   * id order (stable across runs regardless of the input order).
   */
  static fit(seqs: ReadonlyArray<ArrayLike<number>>, minCount = 1): Vocabulary {
    const counts = new Map<number, number>();
    const df = new Map<number, number>();
    const seen = new Set<number>();
    for (const s of seqs) {
      seen.clear();
      for (let i = 0; i < s.length; i++) {
        const id = s[i];
        counts.set(id, (counts.get(id) ?? 0) + 1);
        if (!seen.has(id)) {
          seen.add(id);
          df.set(id, (df.get(id) ?? 0) + 1);
        }
      }
    }
    const ids = [...counts.keys()].filter((id) => (counts.get(id) ?? 0) >= minCount).sort((a, b) => a - b);
    return new Vocabulary(ids, ids.map((id) => df.get(id) ?? 0), seqs.length);
  }

  /**
   * Learns the vocabulary from count windows (serve's count-windows.ts: each window's distinct
   * template ids): the `max` ids present in most windows (ties: lower id first), in ascending id order.
   */
  static fitCounts(windows: ReadonlyArray<readonly number[]>, max: number): Vocabulary {
    const df = new Map<number, number>();
    for (const ids of windows) for (const id of ids) df.set(id, (df.get(id) ?? 0) + 1);
    const ids = [...df.keys()]
      .sort((a, b) => (df.get(b) as number) - (df.get(a) as number) || a - b)
      .slice(0, max)
      .sort((a, b) => a - b);
    return new Vocabulary(ids, ids.map((id) => df.get(id) ?? 0), windows.length);
  }

  static fromJSON(j: VocabularyJSON): Vocabulary {
    if (!j || !Array.isArray(j.ids) || !Array.isArray(j.df) || j.ids.length !== j.df.length) {
      throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', 'The vocabulary in the model artifact is malformed.');
    }
    return new Vocabulary(j.ids, j.df, j.docs);
  }

  /** Known templates; the unknown column sits at index `size`. */
  get size(): number {
    return this.ids.length;
  }

  /** Column count including the unknown column. */
  get columns(): number {
    return this.ids.length + 1;
  }

  /** Column of a template id, or `size` (the unknown column) when unseen at fit time. */
  column(id: number): number {
    return this.index.get(id) ?? this.ids.length;
  }

  has(id: number): boolean {
    return this.index.has(id);
  }

  toJSON(): VocabularyJSON {
    return { ids: [...this.ids], df: [...this.df], docs: this.docs };
  }
}
