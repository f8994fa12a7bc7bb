/**
 * @module feedback/similar
 * Message types a person already judged, per source and detector, to judge their close variants the
 * same way: "ciod: Y coordinate <NUM> exceeds physical dimension <NUM>" marked noise also covers the
 * Z and T coordinates, and `ciod: Error loading <PATH>: invalid or missing program image, Exec format
 * error` marked noise covers `ciod: Error loading <*>: invalid or missing program image, No such file
 * or directory` — variants that template mining keeps apart (Drain routes by token count and leading
 * tokens) and that a per-fingerprint rule cannot reach (each is a new fingerprint).
 *
 * Two templates are close when they have the same number of tokens and at least `share` of the
 * positions hold the same token, or when at least `wordsShare` of their words together are shared
 * (Jaccard index, parsers/drain/words.ts). Real wins: a template close to one marked real is never
 * judged noise. `judge` names the judged template's fingerprint, so what a rule suppressed is counted
 * on that rule (and a person can undo the rule).
 * @example
 * const s = new SimilarTemplates(0.8, 500, 0.5);
 * s.add('app', 'novelty', 'ciod: Y coordinate <NUM> exceeds physical dimension <NUM>', 'noise', fp);
 * s.judge('app', 'novelty', 'ciod: Z coordinate <NUM> exceeds physical dimension <NUM>'); // { verdict: 'noise', fingerprint: fp }
 */
import { templateWords, wordOverlap } from '../parsers/drain/words.js';

interface JudgedTemplate {
  tokens: string[];
  words: Set<string>;
  fingerprint: string;
}

interface Judged {
  noise: JudgedTemplate[];
  real: JudgedTemplate[];
}

/** Tokens compared at most (templates are clipped by the detectors anyway). */
const MAX_TOKENS = 64;

export interface SimilarJudgement {
  verdict: 'noise' | 'real';
  /** The fingerprint of the judged template it is close to. */
  fingerprint: string;
}

export class SimilarTemplates {
  private readonly byKey = new Map<string, Judged>();

  /**
   * `share`: positional closeness (0: off); `perSource`: judged templates kept per source, detector
   * and verdict (newest); `wordsShare`: closeness by shared words (0: off).
   */
  constructor(
    private readonly share: number,
    private readonly perSource: number,
    private readonly wordsShare = 0,
    private readonly maxSources = 1000,
  ) {}

  get empty(): boolean {
    return this.byKey.size === 0;
  }

  private get on(): boolean {
    return this.share > 0 || this.wordsShare > 0;
  }

  add(source: string, detector: string, template: string, verdict: 'noise' | 'real', fingerprint: string): void {
    if (!this.on) return;
    const key = `${source}\u0000${detector}`;
    let j = this.byKey.get(key);
    if (j === undefined) {
      if (this.byKey.size >= this.maxSources) this.byKey.delete(this.byKey.keys().next().value as string);
      this.byKey.set(key, (j = { noise: [], real: [] }));
    }
    // The newest verdict of a fingerprint wins: it leaves the other list.
    j.noise = j.noise.filter((x) => x.fingerprint !== fingerprint);
    j.real = j.real.filter((x) => x.fingerprint !== fingerprint);
    const list = j[verdict];
    list.push({ tokens: tokens(template), words: templateWords(template), fingerprint });
    if (list.length > this.perSource) list.shift();
  }

  /** Forgets a fingerprint's judgement (a later verdict that is neither noise nor real). */
  remove(source: string, detector: string, fingerprint: string): void {
    const j = this.byKey.get(`${source}\u0000${detector}`);
    if (j === undefined) return;
    j.noise = j.noise.filter((x) => x.fingerprint !== fingerprint);
    j.real = j.real.filter((x) => x.fingerprint !== fingerprint);
  }

  /** How a template of `source` and `detector` would be judged by the closest ones marked before, if any. */
  judge(source: string, detector: string, template: string): SimilarJudgement | undefined {
    const j = this.byKey.get(`${source}\u0000${detector}`);
    if (j === undefined) return undefined;
    const t = tokens(template);
    const w = templateWords(template);
    const real = j.real.find((r) => this.close(t, w, r));
    if (real) return { verdict: 'real', fingerprint: real.fingerprint };
    const noise = j.noise.find((n) => this.close(t, w, n));
    return noise ? { verdict: 'noise', fingerprint: noise.fingerprint } : undefined;
  }

  private close(t: string[], w: Set<string>, b: JudgedTemplate): boolean {
    if (this.wordsShare > 0 && wordOverlap(w, b.words) >= this.wordsShare) return true;
    if (this.share <= 0 || t.length !== b.tokens.length || t.length === 0) return false;
    let same = 0;
    for (let i = 0; i < t.length; i++) if (t[i] === b.tokens[i]) same++;
    return same >= this.share * t.length;
  }
}

function tokens(template: string): string[] {
  return template.split(/\s+/, MAX_TOKENS).filter((x) => x !== '');
}
