/**
 * @module parsers/drain/flood-guard
 * The miner's cardinality guard (issue 17), as pattern and series limits work in Datadog, Loki and
 * Prometheus: a source whose lines are almost all never-seen message types is not producing
 * templates but noise (random strings, an attacker, a binary dump), and mining each line as its own
 * template costs every stage of the engine (a cluster, its eviction, a first sighting, a template
 * row) for nothing.
 *
 * The guard counts, per window of `window` learned lines, those that made (or would have made) a new
 * cluster. At the end of a window, once the miner holds `minClusters` clusters, a share of at least
 * `enterShare` puts the source in **flood mode**: a line that matches an existing cluster still
 * matches (tree search first, unchanged), but a line that would open a new cluster goes to one
 * overflow template per token count (all `<*>`), except about 1 in `sampleEvery` such lines (a
 * deterministic pseudo-random draw), which still opens its real cluster — so a type that genuinely recurs during a flood is learned. A window with a
 * share below `leaveShare` ends flood mode (hysteresis).
 *
 * Everything is counted in lines, never time, and the state is part of the miner's snapshot: the
 * same lines in the same order give the same templates in every host (in-process, engine threads,
 * Kafka partitions) and across a checkpoint and restore.
 *
 * Defaults (bench/flood-guard-data.ts, BENCHMARKS.md "Session 6 (unique)"), chosen on general
 * principles and on how many new templates real logs make, never on anomaly labels: a source of
 * which half the lines are never-seen types is producing noise, not templates (enter 0.5); the
 * worst 1,000 consecutive lines of the twelve Loghub 2k logs and BGL_20k make 0.141 new templates
 * per line (Thunderbird), so real traffic after a flood leaves flood mode at its first window (leave
 * 0.25), and none of those logs holds more than 165 templates (minClusters 1,000). A window of 1,000
 * lines: 100 lines of a real log can be 88% new types (Linux's boot). 1 line in 16 still mined: a
 * type that recurs during a flood is learned after about 16 sightings, for a sixteenth of the cost.
 */

export interface FloodGuardOptions {
  /** Off: every line that matches no cluster opens one (as before the guard). Default on. */
  enabled?: boolean;
  /** Lines per window (default 1,000). */
  window?: number;
  /** Share of a window's lines that opened a cluster from which flood mode starts (default 0.5). */
  enterShare?: number;
  /** Share below which a window ends flood mode (default 0.25). */
  leaveShare?: number;
  /** Live clusters the miner must hold before flood mode can start (default 1,000). */
  minClusters?: number;
  /** In flood mode, about 1 line in n that match no cluster still opens its own (default 16). */
  sampleEvery?: number;
  /** Told when flood mode starts (true) or ends (false), with the guard's counters. */
  onChange?: (flooding: boolean, stats: FloodStats) => void;
}

/** What the guard counted (all in lines; part of the miner's snapshot). */
export interface FloodStats {
  /** In flood mode now. */
  flooding: boolean;
  /** Times flood mode started. */
  entries: number;
  /** Lines sent to an overflow template: they matched no template and were not mined. */
  overflowLines: number;
  /** Lines learned while in flood mode (its duration, in lines). */
  floodLines: number;
}

/** The guard's saved state: the counters plus where the current window and the sample stand. */
export interface FloodSnapshot extends FloodStats {
  windowLines: number;
  windowFresh: number;
  /** The sample's pseudo-random state. */
  sample: number;
}

const DEFAULTS = { window: 1000, enterShare: 0.5, leaveShare: 0.25, minClusters: 1000, sampleEvery: 16 };

export class FloodGuard {
  readonly enabled: boolean;
  private readonly window: number;
  private readonly enterShare: number;
  private readonly leaveShare: number;
  private readonly minClusters: number;
  private readonly sampleEvery: number;
  private readonly onChange: FloodGuardOptions['onChange'];
  /** In flood mode (read per line by the miner). */
  flooding = false;
  private entries = 0;
  private overflowLines = 0;
  private floodLines = 0;
  private windowLines = 0;
  private windowFresh = 0;
  private sample = 0;

  constructor(opts: FloodGuardOptions = {}) {
    this.enabled = opts.enabled ?? true;
    this.window = Math.max(1, opts.window ?? DEFAULTS.window);
    this.enterShare = opts.enterShare ?? DEFAULTS.enterShare;
    this.leaveShare = opts.leaveShare ?? DEFAULTS.leaveShare;
    this.minClusters = opts.minClusters ?? DEFAULTS.minClusters;
    this.sampleEvery = Math.max(1, opts.sampleEvery ?? DEFAULTS.sampleEvery);
    this.onChange = opts.onChange;
  }

  /**
   * A learned line matched no cluster: true when it goes to the overflow template (flood mode, not
   * sampled), false when it opens its own cluster.
   */
  fresh(): boolean {
    this.windowFresh++;
    if (!this.flooding) return false;
    // A pseudo-random draw (an LCG, its high bits), not every n-th line: a type that recurs with the
    // same period as a counter would never be the sampled line. Deterministic: its state is saved.
    this.sample = (Math.imul(this.sample, 1664525) + 1013904223) >>> 0;
    if ((this.sample >>> 16) % this.sampleEvery === 0) return false;
    this.overflowLines++;
    return true;
  }

  /** A line was learned (after `fresh`, if it matched no cluster); `clusters` live now. */
  line(clusters: number): void {
    if (this.flooding) this.floodLines++;
    if (++this.windowLines < this.window) return;
    const share = this.windowFresh / this.windowLines;
    this.windowLines = 0;
    this.windowFresh = 0;
    if (!this.enabled) return;
    if (!this.flooding && share >= this.enterShare && clusters >= this.minClusters) {
      this.flooding = true;
      this.entries++;
      this.onChange?.(true, this.stats());
    } else if (this.flooding && share < this.leaveShare) {
      this.flooding = false;
      this.onChange?.(false, this.stats());
    }
  }

  stats(): FloodStats {
    return { flooding: this.flooding, entries: this.entries, overflowLines: this.overflowLines, floodLines: this.floodLines };
  }

  snapshot(): FloodSnapshot {
    return { ...this.stats(), windowLines: this.windowLines, windowFresh: this.windowFresh, sample: this.sample };
  }

  /** Restores a saved state; a snapshot without one (older builds) starts a fresh window, not flooding. */
  restore(s: Partial<FloodSnapshot> | undefined): void {
    const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
    this.flooding = this.enabled && s?.flooding === true;
    this.entries = n(s?.entries);
    this.overflowLines = n(s?.overflowLines);
    this.floodLines = n(s?.floodLines);
    this.windowLines = Math.min(n(s?.windowLines), this.window - 1);
    this.windowFresh = Math.min(n(s?.windowFresh), this.windowLines);
    this.sample = n(s?.sample) >>> 0;
  }
}
