/**
 * @module detectors/rate/config
 * Strict schema of the `rate` detector; every default lives here.
 */
import { z } from 'zod';

export const rateConfigSchema = z
  .object({
    /** Length of a counting interval; event time decides which interval an event falls in. */
    interval_seconds: z.number().positive().default(60),
    /** Intervals a series (source or template) must have learned before it can alert. */
    warmup_intervals: z.number().int().min(1).default(10),
    /** Span of the EWMA baseline in intervals (alpha = 2 / (span + 1)). */
    baseline_intervals: z.number().int().min(1).default(30),
    /** Label-free threshold: a count whose Poisson / negative-binomial tail probability is below this is anomalous. */
    tail_probability: z.number().gt(0).lt(0.5).default(1e-6),
    /** `tail`: fixed `tail_probability`; `spot`: SPOT (EVT) per source on −log10 of the tail probability, for a false-alarm risk `spot_q` per test. */
    threshold: z.enum(['tail', 'spot']).default('tail'),
    /** SPOT false-alarm risk per tested count (threshold `spot`). */
    spot_q: z.number().gt(0).lt(0.02).default(1e-4),
    /** Tail scores per source collected before SPOT is fitted (no alerts before). */
    spot_calibration: z.number().int().min(50).default(1000),
    /** A spike also needs at least this many events and `min_change_ratio` × the expected count. */
    min_spike_count: z.number().min(0).default(10),
    /** Spikes need observed ≥ ratio × expected, drops observed ≤ expected / ratio. */
    min_change_ratio: z.number().min(1).default(2),
    /** `tick(now)` closes only intervals that ended at least this long before `now`, so events a little behind the clock still count where they belong. */
    allowed_lateness_seconds: z.number().min(0).default(10),
    /** Time-of-day aware source baselines: an hour of the day with `seasonal_min_days` of history is judged against that hour's profile (intervals of at most an hour). */
    seasonal: z.boolean().default(true),
    seasonal_min_days: z.number().int().min(1).default(3),
    /** Offset of the local day from UTC for the hour-of-day profile. */
    utc_offset_minutes: z.number().int().min(-1440).max(1440).default(0),
    /** Consecutive empty intervals of a source before it is reported silent (if its baseline makes that improbable). */
    silence_intervals: z.number().int().min(1).default(3),
    /**
     * Share of recent intervals (EWMA over `baseline_intervals`) that had events, needed before a
     * silence is reported: steady sources only — a bursty or sampled source goes quiet as a matter
     * of course (0 = report any source).
     */
    silence_min_occupancy: z.number().min(0).max(1).default(0.5),
    /**
     * A series (source or template) with events in fewer than this share of its intervals (EWMA,
     * `baseline_intervals`) is sparse — bursty, sampled, or batch-written: its spikes are judged
     * against the size of its usual bursts (the intervals that had events), not against a mean that
     * its empty intervals keep near zero, and it has no drops.
     */
    sparse_occupancy: z.number().min(0).max(1).default(0.5),
    /** Bursts (non-empty intervals) a sparse series must have learned before it can alert. */
    warmup_bursts: z.number().int().min(1).default(5),
    /**
     * One problem, one alarm: after a finding, the same series and kind stays quiet until it has been
     * normal for this long (event time); it reports again within the episode only when more severe.
     */
    episode_seconds: z.number().min(0).default(3600),
    /**
     * Alarm budget: at most this many findings per source per hour (event time, refilled
     * continuously); a finding critical by its surprise alone (≥ 100× the expected count, lasting)
     * passes anyway. 0 = no budget.
     */
    max_alerts_per_hour: z.number().min(0).default(2),
    /**
     * A source whose events are older than this (behind the clock of `tick`) when they arrive is
     * being read from history (`serve --file` on an old file, a backfill): its intervals and
     * silences follow its own event time, not the wall clock.
     */
    live_lag_seconds: z.number().positive().default(600),
    /** After this many consecutive anomalous intervals a series learns its new level. */
    relearn_intervals: z.number().int().min(1).default(10),
    /** Intervals closed one by one when time jumps; the rest of a longer gap counts as silence without learning. */
    max_catchup_intervals: z.number().int().min(1).default(1440),
    /** Templates tracked per source (LRU eviction beyond, counted). */
    max_templates: z.number().int().min(1).default(2000),
    /** Sources tracked (LRU eviction beyond, counted). */
    max_sources: z.number().int().min(1).default(200),
    /** Raw lines of the source kept as context. */
    context_lines: z.number().int().min(0).max(100).default(5),
    /** Longer sample lines are cut (templates at 256 characters); kept per template, so kept short. */
    max_line_chars: z.number().int().min(16).default(500),
  })
  .strict();

export type RateConfig = z.infer<typeof rateConfigSchema>;
