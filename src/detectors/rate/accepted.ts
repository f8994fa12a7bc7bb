/**
 * @module detectors/rate/accepted
 * "Learn as normal" feedback for the rate detector: counts a person accepted for a source ('*') or
 * one of its templates — up to an observed spike, down to an observed drop, or its silence.
 * Re-applied at start by the feedback policy, so not snapshotted; bounded (LRU).
 */
import type { LearnAsNormal } from '../../core/detector.js';

/** A learned spike count is accepted up to this factor above it (a drop this factor below it). */
const ACCEPT_HEADROOM = 1.5;

interface Accepted {
  hi: number;
  lo: number;
  silence: boolean;
}

export class AcceptedCounts {
  /** Per `source\0template` (or `source\0*`). */
  private readonly accepted = new Map<string, Accepted>();

  constructor(private readonly max: number) {}

  /** Records a lesson; false when it is not one of the rate detector's (spike, drop, silence). */
  learn(what: LearnAsNormal): boolean {
    const f = what.feature ?? '';
    const obs = what.observed;
    const silence = f.endsWith('_silence');
    const spike = f.endsWith('_spike') && obs !== undefined && Number.isFinite(obs);
    const drop = f.endsWith('_drop') && obs !== undefined && Number.isFinite(obs);
    if (!silence && !spike && !drop) return false;
    const key = `${what.source}\0${what.templateId ?? '*'}`;
    const a = this.accepted.get(key) ?? { hi: Number.NEGATIVE_INFINITY, lo: Number.POSITIVE_INFINITY, silence: false };
    if (silence) a.silence = true;
    if (spike) a.hi = Math.max(a.hi, obs);
    if (drop) a.lo = Math.min(a.lo, obs);
    this.accepted.delete(key);
    this.accepted.set(key, a);
    if (this.accepted.size > this.max) this.accepted.delete(this.accepted.keys().next().value as string);
    return true;
  }

  /** True when a person accepted count `c` (or silence) of this series as normal. */
  accepts(name: string, tid: number | '*', c: number, kind: 'spike' | 'drop' | 'silence'): boolean {
    if (this.accepted.size === 0) return false;
    const a = this.accepted.get(`${name}\0${tid}`);
    if (!a) return false;
    if (kind === 'silence') return a.silence;
    return kind === 'spike' ? c <= a.hi * ACCEPT_HEADROOM : c >= a.lo / ACCEPT_HEADROOM;
  }
}
