/**
 * @module feedback/config
 * Strict schema of the `feedback` section of the serve configuration; every default lives here.
 */
import { z } from 'zod';
import { DURATION_PATTERN } from './duration.js';

export const feedbackConfigSchema = z
  .object({
    /** How long a `mute` lasts when the request gives no `muteFor` (e.g. `30m`, `2h`, `7d`). */
    default_mute: z.string().regex(DURATION_PATTERN, 'a duration such as 30m, 2h or 7d').default('24h'),
    /** Fingerprints with a rule kept in memory (the newest win); older rules are dropped from the running policy. */
    max_rules: z.number().int().min(1).max(1_000_000).default(10_000),
    /** Severity steps added to anomalies similar to one marked `real` (same fingerprint or template). */
    real_severity_steps: z.number().int().min(0).max(3).default(1),
    /**
     * When this many different fingerprints of one kind (detector + source + explanation feature, e.g.
     * rate `template_spike`) are marked noise — and they are at least `kind_noise_share` of the kind's
     * judged fingerprints — the whole kind is suppressed for that source, except fingerprints and
     * templates marked real. 0 disables.
     */
    kind_noise_min: z.number().int().min(0).default(5),
    kind_noise_share: z.number().min(0).max(1).default(0.8),
    /**
     * Detectors whose kinds may be generalised that way. For model, every window of a source is one
     * kind: a model whose windows a person keeps dismissing on a source is muted there (until enough
     * of them are marked real again). Never novelty: "new message types are noise" would defeat it.
     */
    kind_detectors: z.array(z.enum(['rate', 'params', 'model'])).default(['rate', 'params', 'model']),
    /**
     * A new message type (novelty) close to one marked noise on the same source — same number of
     * tokens, at least this share of positions equal (the Y/Z/T variants of one message) — is
     * suppressed too; close to one marked real, its severity is raised. 0 disables. Set before any
     * measurement (not tuned on the benchmark's labels).
     */
    similar_template_share: z.number().min(0).max(1).default(0.8),
    /**
     * An anomaly about a message type (novelty, rate spike, model window) is judged like one the
     * same detector reported on the same source and a person judged, when at least this share of the
     * words of the two templates together are shared (Jaccard index, parsers/drain/words.ts): close to
     * one marked noise it is suppressed, close to one marked real it is kept and raised. 0.5 — half the
     * words — was set on that principle before any measurement. 0 disables.
     */
    similar_words_share: z.number().min(0).max(1).default(0.5),
    /**
     * What dismissed first sightings teach about their source: once a person has dismissed at least
     * `kind_noise_min` new message types of a source and they are at least this share of the source's
     * judged new message types, new message types of that source are held back: not reported when
     * first seen, but when they come back after an hour of quiet (the watch detector,
     * `held_new_template`). Real verdicts on first sightings tip the share back. 0.8 is the kind
     * rule's bar (`kind_noise_share`) for "a person calls this kind noise": a missed first sighting
     * costs more than a false alarm, so the bar is not "more dismissed than confirmed" (0.5; measured
     * in BENCHMARKS.md, not the default). 0 disables.
     */
    hold_new_share: z.number().min(0).max(1).default(0.8),
  })
  .strict();

export type FeedbackConfig = z.infer<typeof feedbackConfigSchema>;
