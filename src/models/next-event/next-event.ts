/**
 * @module models/next-event/next-event
 * Count-based next-event prediction over recent history (DeepLog's idea — Du et al., "DeepLog:
 * Anomaly Detection and Diagnosis from System Logs through Deep Learning", CCS 2017 — without the
 * LSTM): at fit, for every context (the last 1…`history` template ids before an event, session start
 * included) count which template came next. An event is *predicted* iff it is among the `top_k`
 * most frequent successors of the longest context seen at least `min_support` times (shorter contexts
 * back it off; the empty context is the template frequencies) and followed it at least `min_share`
 * of the time (so the rare transitions of anomalies in unlabeled training data stay misses). The end of a session is predicted
 * like an event, so a truncated session misses too. A sequence's score is its number of missed
 * events; the model's own threshold is 0.5 (DeepLog: one miss makes the session anomalous).
 *
 * Works on template-id sequences, not on feature vectors: `fitSequences` / `scoreSequences`, and
 * `predicts(history, next)` for a streaming detector that keeps each key's recent history.
 *
 * @example
 * const m = new NextEventModel({ history: 10, top_k: 9 });
 * m.fitSequences(train.map((s) => s.templates));
 * const misses = m.scoreSequences(test.map((s) => s.templates));
 */
import { AnomalogError } from '../../core/errors.js';
import { nextEventConfigSchema, type NextEventConfig, type NextEventOptions } from './config.js';

export const NEXT_EVENT_KIND = 'next';
export const NEXT_EVENT_VERSION = 1;
/** Pseudo template ids: session start (context only) and session end (predicted like an event). */
export const START = -1;
export const END = -2;

export interface NextEventParams {
  options: NextEventConfig;
  /** Context keys (comma-joined ids, oldest first) with their successors [id, count] by count descending. */
  contexts: [string, [number, number][]][];
  trainingScores: { n: number; flagged: number };
}

export interface NextEventArtifact {
  kind: typeof NEXT_EVENT_KIND;
  version: number;
  params: NextEventParams;
}

/** One prediction: was `next` in the top k, and which successors were (most frequent first). */
export interface Prediction {
  hit: boolean;
  /** Length of the context used (0 = template frequencies). */
  context: number;
  expected: number[];
}

interface Ctx {
  total: number;
  /** Successors by count, descending; the first `top_k` (ties at the k-th included) are predicted. */
  next: [number, number][];
  top: Set<number>;
}

export class NextEventModel {
  readonly kind = NEXT_EVENT_KIND;
  readonly options: NextEventConfig;
  /** DeepLog's rule: any missed event. */
  readonly threshold = 0.5;
  private contexts = new Map<string, Ctx>();
  private fitted = { n: 0, flagged: 0 };

  constructor(options: NextEventOptions = {}) {
    const r = nextEventConfigSchema.safeParse(options);
    if (!r.success) throw new AnomalogError('ANOMALOG_ERR_CONFIG_INVALID', `Invalid next-event options: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    this.options = r.data;
  }

  get trainingStats(): { n: number; flagged: number } | null {
    return this.fitted.n > 0 ? { ...this.fitted } : null;
  }

  /** Learns successor counts for every context of every sequence. */
  fitSequences(seqs: ReadonlyArray<ArrayLike<number>>): this {
    if (seqs.length === 0) throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', 'Cannot fit the next-event model on zero sequences.');
    const h = this.options.history;
    const counts = new Map<string, Map<number, number>>();
    const hist: number[] = [];
    for (const t of seqs) {
      hist.length = 0;
      hist.push(START);
      for (let i = 0; i <= t.length; i++) {
        const next = i < t.length ? t[i] : END;
        for (let len = 0; len <= Math.min(h, hist.length); len++) {
          const key = hist.slice(hist.length - len).join(',');
          let m = counts.get(key);
          if (!m) counts.set(key, (m = new Map()));
          m.set(next, (m.get(next) ?? 0) + 1);
        }
        hist.push(next);
        if (hist.length > h) hist.shift();
      }
    }
    const entries = [...counts].map(([k, m]) => [k, [...m].sort((a, b) => b[1] - a[1] || a[0] - b[0])] as [string, [number, number][]]);
    this.load(entries);
    const s = this.scoreSequences(seqs);
    let flagged = 0;
    for (const x of s) if (x > this.threshold) flagged++;
    this.fitted = { n: seqs.length, flagged };
    return this;
  }

  /** Predicts `next` (a template id or END) after `history` (oldest first; START may lead). */
  predicts(history: ArrayLike<number>, next: number): Prediction {
    const h = Math.min(this.options.history, history.length);
    for (let len = h; len >= 0; len--) {
      let key = '';
      for (let j = history.length - len; j < history.length; j++) key += (j > history.length - len ? ',' : '') + history[j];
      const c = this.contexts.get(key);
      if (!c || c.total < this.options.min_support) continue;
      return { hit: c.top.has(next), context: len, expected: c.next.slice(0, this.options.top_k).map((x) => x[0]) };
    }
    // Nothing learned at all (empty model): nothing is predictable, nothing is held against the event.
    return { hit: true, context: 0, expected: [] };
  }

  /** Missed events per sequence (the session end counts as an event). */
  scoreSequences(seqs: ReadonlyArray<ArrayLike<number>>): Float64Array {
    const out = new Float64Array(seqs.length);
    const h = this.options.history;
    const hist: number[] = [];
    for (let r = 0; r < seqs.length; r++) {
      const t = seqs[r];
      hist.length = 0;
      hist.push(START);
      let misses = 0;
      for (let i = 0; i <= t.length; i++) {
        const next = i < t.length ? t[i] : END;
        if (!this.predicts(hist, next).hit) misses++;
        hist.push(next);
        if (hist.length > h) hist.shift();
      }
      out[r] = misses;
    }
    return out;
  }

  /** The missed events of one sequence: position, template id (END = −2) and what was expected. */
  explainSequence(t: ArrayLike<number>): { position: number; template: number; expected: number[] }[] {
    const out: { position: number; template: number; expected: number[] }[] = [];
    const hist: number[] = [START];
    for (let i = 0; i <= t.length; i++) {
      const next = i < t.length ? t[i] : END;
      const p = this.predicts(hist, next);
      if (!p.hit) out.push({ position: i, template: next, expected: p.expected });
      hist.push(next);
      if (hist.length > this.options.history) hist.shift();
    }
    return out;
  }

  toJSON(): NextEventArtifact {
    const contexts: [string, [number, number][]][] = [...this.contexts].map(([k, c]) => [k, c.next.map((x) => [x[0], x[1]] as [number, number])]);
    return { kind: NEXT_EVENT_KIND, version: NEXT_EVENT_VERSION, params: { options: { ...this.options }, contexts, trainingScores: { ...this.fitted } } };
  }

  static fromJSON(raw: unknown): NextEventModel {
    const a = raw as Partial<NextEventArtifact>;
    if (!a || typeof a !== 'object' || a.kind !== NEXT_EVENT_KIND) throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', 'Not a next-event model artifact.');
    if (a.version !== NEXT_EVENT_VERSION) {
      throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_VERSION', `Next-event model version ${String(a.version)} is not supported (this build reads ${NEXT_EVENT_VERSION}).`);
    }
    const p = a.params;
    if (!p || !Array.isArray(p.contexts)) throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', 'The next-event model artifact lacks its contexts.');
    const m = new NextEventModel(p.options);
    m.load(p.contexts);
    m.fitted = { ...p.trainingScores };
    return m;
  }

  /** Installs contexts (successors sorted by count), keeping the `max_contexts` most frequent. */
  private load(entries: [string, [number, number][]][]): void {
    const total = (n: [number, number][]) => n.reduce((s, x) => s + x[1], 0);
    let list = entries;
    if (list.length > this.options.max_contexts) list = [...list].sort((a, b) => total(b[1]) - total(a[1]) || (a[0] < b[0] ? -1 : 1)).slice(0, this.options.max_contexts);
    this.contexts = new Map();
    const k = this.options.top_k;
    for (const [key, next] of list) {
      const top = new Set<number>();
      const kth = next[Math.min(k, next.length) - 1]?.[1] ?? 0;
      const n = total(next);
      for (const [id, c] of next) if ((top.size < k || c === kth) && c >= this.options.min_share * n) top.add(id);
      this.contexts.set(key, { total: n, next, top });
    }
  }
}
