/**
 * @module feedback/similar
 * New message types a person already judged, per source, to judge their close variants the same
 * way: "ciod: Y coordinate <NUM> exceeds physical dimension <NUM>" marked noise also covers the Z
 * and T coordinates, which template mining keeps apart (Drain routes by leading tokens) and which a
 * per-fingerprint rule cannot reach (each new template is a new fingerprint). Two templates are
 * close when they have the same number of tokens and at least `share` of the positions hold the same
 * token. Real wins: a template close to one marked real is never suppressed.
 * @example
 * const s = new SimilarTemplates(0.8, 500);
 * s.add('app', 'ciod: Y coordinate <NUM> exceeds physical dimension <NUM>', 'noise');
 * s.judge('app', 'ciod: Z coordinate <NUM> exceeds physical dimension <NUM>'); // 'noise'
 */

interface Judged {
  noise: string[][];
  real: string[][];
}

/** Tokens compared at most (templates are clipped by the detectors anyway). */
const MAX_TOKENS = 64;

export class SimilarTemplates {
  private readonly bySource = new Map<string, Judged>();

  /** `share` 0 disables; `perSource`: judged templates kept per source and verdict (newest). */
  constructor(
    private readonly share: number,
    private readonly perSource: number,
    private readonly maxSources = 1000,
  ) {}

  get empty(): boolean {
    return this.bySource.size === 0;
  }

  add(source: string, template: string, verdict: 'noise' | 'real'): void {
    if (this.share <= 0) return;
    let j = this.bySource.get(source);
    if (j === undefined) {
      if (this.bySource.size >= this.maxSources) this.bySource.delete(this.bySource.keys().next().value as string);
      this.bySource.set(source, (j = { noise: [], real: [] }));
    }
    const list = j[verdict];
    list.push(tokens(template));
    if (list.length > this.perSource) list.shift();
  }

  /** How a new template of `source` would be judged by the closest ones marked before, if any. */
  judge(source: string, template: string): 'noise' | 'real' | undefined {
    const j = this.bySource.get(source);
    if (j === undefined) return undefined;
    const t = tokens(template);
    if (j.real.some((r) => this.close(t, r))) return 'real';
    return j.noise.some((n) => this.close(t, n)) ? 'noise' : undefined;
  }

  private close(a: string[], b: string[]): boolean {
    if (a.length !== b.length || a.length === 0) return false;
    let same = 0;
    for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
    return same >= this.share * a.length;
  }
}

function tokens(template: string): string[] {
  return template.split(/\s+/, MAX_TOKENS).filter((x) => x !== '');
}
