/**
 * @module detectors/rate/silence
 * A source's runs of empty intervals: what each teaches its baselines and occupancy, and the
 * silence judgement — improbable (its baseline frozen: a dead source must not learn that silence is
 * normal), reported once when the source is steady, has lived its warm-up before the silence and
 * is past its longest habitual gap. A run costs O(templates + hours), not O(templates × intervals):
 * templates learn it in closed form, the source takes at once each hour-long stretch whose
 * judgement is known and steps through the rest. The step-by-step version is the tests' oracle
 * (`catchup.property.test.ts` overrides `stretchOf` and `learnEmpty`).
 */
import type { Anomaly } from '../../core/event.js';
import type { AcceptedCounts } from './accepted.js';
import type { RateConfig } from './config.js';
import { silenceAnomaly } from './findings.js';
import { idleShare } from './series.js';
import { learnOccupancy, type SourceSeries, type TemplateSeries } from './state.js';
import { lowerTail } from './tail.js';

export interface EmptyRunsOptions {
  config: RateConfig;
  /** EWMA weights of counts and of occupancy. */
  alpha: number;
  occAlpha: number;
  accepted: AcceptedCounts;
  /** Reports a silence finding (episodes and the alarm budget are the detector's). */
  report(s: SourceSeries, a: Anomaly, out: Anomaly[]): void;
}

export class EmptyRuns {
  protected readonly config: RateConfig;
  protected readonly alpha: number;
  protected readonly occAlpha: number;
  private readonly ms: number;
  /** Below this expected count over a silence, it has probability > √tail_probability: not improbable. */
  private readonly minSilentMass: number;

  constructor(private readonly o: EmptyRunsOptions) {
    this.config = o.config;
    this.alpha = o.alpha;
    this.occAlpha = o.occAlpha;
    this.ms = o.config.interval_seconds * 1000;
    this.minSilentMass = -Math.log(o.config.tail_probability) / 2;
  }

  /**
   * Closes `n` empty intervals from s.interval on (s.interval ends after them). The source is judged
   * interval by interval (its silence), except in stretches of one hour where the judgement is
   * known (`stretchOf`): those it learns at once. Its templates only learn "no events" — they
   * decide nothing in an empty interval —, so they learn the whole run at once (`learnEmpty`).
   * A gap costs O(templates + hours), not O(templates × intervals).
   */
  close(name: string, s: SourceSeries, n: number, out: Anomaly[]): void {
    const perHour = 3_600_000 / this.ms;
    const seasonal = this.config.seasonal && this.ms <= 3_600_000;
    const offset = this.config.utc_offset_minutes * 60_000;
    let idle = 0;
    let zeros = 0;
    for (let i = 0; i < n; ) {
      const h = seasonal ? s.season.hourOf(s.interval * this.ms, offset) : -1;
      // What the source expects now (its hour's profile once known), read in place: no allocation per interval.
      const ready = s.season.ready(h, perHour, this.config.seasonal_min_days);
      const mean = ready ? s.season.stats[2 * h] : s.base.mean;
      const variance = ready ? s.season.stats[2 * h + 1] : s.base.variance;
      const len = s.silent > 0 ? this.hourStretch(s, h, ready, n - i, offset) : 0;
      const stretch = len > 1 ? this.stretchOf(name, s, mean, variance, len) : undefined;
      if (stretch !== undefined) {
        // What `len` steps below would do, without a judgement to make: closed forms (equal within rounding).
        if (!s.silenceReported) {
          s.occupancy = idleShare(s.occupancy, s.occupancyN, len, this.alpha);
          s.occupancyN += len;
          s.shape.learnIdle(len, this.occAlpha);
          idle += len;
        }
        if (stretch === 'learn') {
          s.season.learnZeros(h, len, perHour);
          s.base.learnZeros(len, this.alpha);
          zeros += len;
        }
        s.silent += len;
        s.interval += len;
        i += len;
        continue;
      }
      if (s.silent === 0) s.occupancyBefore = s.occupancy;
      s.silent++;
      // Learned even while the baseline is frozen (bursty sources show here as often empty), but not
      // during a silence already reported: a steady source's outage must not make it look bursty.
      if (!s.silenceReported) {
        learnOccupancy(s, 0, this.alpha);
        s.shape.learnOccupancy(false, this.occAlpha);
        idle++;
      }
      // Judged once the source has lived `warmup_intervals` before the silence began: the silence's
      // own empty intervals are no evidence that it writes steadily (a package install writes for 6
      // minutes, then nothing for months). Until then an empty run is learned, and may become its habit.
      const lived = s.interval - s.silent + 1 - s.born >= this.config.warmup_intervals;
      // P(no event)^silent is at least e^(−mean·silent) (Poisson; a negative binomial's is higher):
      // far from the threshold it cannot be improbable, and its tail is not computed.
      const p = lived && s.base.n >= this.config.warmup_intervals && mean * s.silent > this.minSilentMass ? Math.pow(lowerTail(0, mean, Math.max(variance, mean)), s.silent) : 1;
      const improbable = p < this.config.tail_probability;
      const steady = s.occupancyBefore >= this.config.silence_min_occupancy;
      if (improbable && steady && s.silent >= this.config.silence_intervals && s.silent > s.longestGap && !s.silenceReported && !this.o.accepted.accepts(name, '*', 0, 'silence')) {
        s.silenceReported = true;
        this.o.report(s, silenceAnomaly(this.config, name, s, p, mean), out);
      }
      i++;
      s.interval++;
      if (improbable) continue; // frozen: a dead source must not teach its baseline that silence is normal
      s.season.learn(h, 0, perHour);
      s.base.learn(0, this.alpha);
      zeros++;
    }
    if (idle > 0 || zeros > 0) for (const t of s.templates.values()) this.learnEmpty(t, idle, zeros);
  }

  /**
   * The empty intervals from s.interval on (at most `max`) that fall in hour `h` and in which its
   * profile does not turn ready (their steps would read it): a stretch that reads one baseline.
   */
  private hourStretch(s: SourceSeries, h: number, ready: boolean, max: number, offset: number): number {
    let len = max;
    if (h < 0) return len;
    const start = s.interval * this.ms + offset;
    len = Math.min(len, Math.ceil(((Math.floor(start / 3_600_000) + 1) * 3_600_000 - start) / this.ms));
    // Rounding of odd interval lengths: the stretch's last interval must still be of hour h.
    while (len > 1 && s.season.hourOf((s.interval + len - 1) * this.ms, offset) !== h) len--;
    if (!ready) {
      const days = this.config.seasonal_min_days * (3_600_000 / this.ms);
      len = Math.min(len, Math.ceil(days - s.season.seen[h]));
      while (len > 1 && s.season.seen[h] + (len - 1) >= days) len--;
    }
    return len;
  }

  /**
   * What the next `len` empty intervals of a silence already begun (one hour's stretch, expected
   * count `mean`, variance `variance` now) would do if stepped: 'learn' when none of them can be
   * judged improbable, 'frozen' when every one is and none can report, undefined when it must be
   * stepped. Learning a zero lowers the mean and raises variance / mean, so −ln P(no event) only
   * falls: its value now × the silence at the stretch's end bounds every step's −ln p (e^(−mean)
   * bounds P(no event) from below without computing it). Frozen, nothing is learned: P(no event)
   * stays and p only falls with the silence. The tests' step-by-step oracle answers undefined.
   */
  protected stretchOf(name: string, s: SourceSeries, mean: number, variance: number, len: number): 'learn' | 'frozen' | undefined {
    const limit = 2 * this.minSilentMass * (1 - 1e-9);
    if (Math.max(mean, 0) * (s.silent + len) < limit / 2) return 'learn';
    const p0 = lowerTail(0, mean, Math.max(variance, mean));
    if ((s.silent + len) * -Math.log(p0) < limit) return 'learn';
    // The first step's judgement, as `close` makes it (the silence began at s.interval − s.silent).
    const silent = s.silent + 1;
    const lived = s.interval - s.silent - s.born >= this.config.warmup_intervals;
    if (!(lived && s.base.n >= this.config.warmup_intervals && mean * silent > this.minSilentMass && Math.pow(p0, silent) < this.config.tail_probability)) return undefined;
    const mayReport = !s.silenceReported && s.occupancyBefore >= this.config.silence_min_occupancy && !this.o.accepted.accepts(name, '*', 0, 'silence');
    return mayReport ? undefined : 'frozen';
  }

  /**
   * A template's share of a run of empty intervals: `idle` of them lower its occupancy, `zeros`
   * (those the source's baseline was not frozen in) are learned as a count of 0. Closed form;
   * the step-by-step version is the tests' oracle.
   */
  protected learnEmpty(t: TemplateSeries, idle: number, zeros: number): void {
    t.shape.learnIdle(idle, this.occAlpha);
    if (zeros === 0) return;
    t.base.learnZeros(zeros, this.alpha);
    t.level = 0;
  }
}
