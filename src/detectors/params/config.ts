/**
 * @module detectors/params/config
 * Strict schema of the `params` detector; every default lives here.
 */
import { z } from 'zod';

export const paramsConfigSchema = z
  .object({
    /** Samples a (source, template, position) series needs before it can alert. */
    min_samples: z.number().int().min(3).default(30),
    /** Recent values kept per series; median and MAD are computed over them. */
    window_samples: z.number().int().min(8).max(4096).default(128),
    /**
     * Once a series' window is full, one value in this many enters it; every value is still scored
     * against it and widens the normal range. The window then spans the last `window_samples` ×
     * `window_stride` values: a steadier baseline for busy series (at 100k lines/s a 128-value window
     * is a few milliseconds long), and the window upkeep — a third of this detector's time on the
     * serve corpus, profiled — is done for a quarter of the values. 1 = every value enters.
     */
    window_stride: z.number().int().min(1).max(64).default(4),
    /** Median and MAD are recomputed every this many values entered into the window. */
    refresh_samples: z.number().int().min(1).default(16),
    /** Label-free threshold: the one-sided normal tail probability of the robust z-score. */
    tail_probability: z.number().gt(0).lt(0.5).default(1e-6),
    /** Which deviations count: `high` (latency, sizes), `low`, or `both`. */
    direction: z.enum(['high', 'low', 'both']).default('both'),
    /** Compare sign(x)·log(1 + |x|), so a change is judged as a ratio (right for latencies and sizes). */
    log_scale: z.boolean().default(true),
    /** Floor on the robust spread (in the compared scale), so near-constant values do not alert on tiny changes. */
    min_spread: z.number().min(0).default(0.05),
    /** Only values beyond every normal value seen so far in the series can alert (recurring rare values do not). */
    outside_range: z.boolean().default(true),
    /**
     * Which numeric positions are judged: `measurements` (default) — those the template marks as a
     * measured quantity (a unit, a `latency=`/`duration:`-style name, `<DURATION>`/`<SIZE>`) and
     * values written with a unit; identifiers (ports, pids, ids, counters, clock fields) are left
     * alone — or `all` numbers.
     */
    positions: z.enum(['measurements', 'all']).default('measurements'),
    /** A value must also be at least this many times the median (high) or at most the median over it (low): small values moving a little are no news. */
    min_change_ratio: z.number().min(1).default(2),
    /**
     * Alarm budget: at most this many findings per source per hour (event time, refilled
     * continuously); a value 100× off its median passes anyway. 0 = no budget.
     */
    max_alerts_per_hour: z.number().min(0).default(2),
    /** Numeric positions tracked per template (the first ones). */
    max_positions: z.number().int().min(1).max(64).default(8),
    /** (source, template) pairs tracked, across sources (LRU eviction beyond, counted). */
    max_templates: z.number().int().min(1).default(5000),
    /** Sources whose recent lines are kept for context (LRU). */
    max_sources: z.number().int().min(1).default(200),
    /**
     * An exact value beyond the learned range that has alerted in this many time buckets is taken
     * into the range when it comes again (a recurring value, e.g. an HTTP 503 status; continuous
     * values such as latencies rarely repeat exactly); 0 = alert in every bucket.
     */
    accept_after_alerts: z.number().int().min(0).default(3),
    /** Time bucket of the anomaly id: one anomaly per series and direction per bucket. */
    bucket_seconds: z.number().positive().default(60),
    context_lines: z.number().int().min(0).max(100).default(5),
    max_line_chars: z.number().int().min(16).default(2000),
  })
  .strict();

export type ParamsConfig = z.infer<typeof paramsConfigSchema>;
