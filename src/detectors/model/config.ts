/**
 * @module detectors/model/config
 * Strict schema of the streaming `model` detector (`detectors.model` in the serve config); every
 * default lives here.
 */
import { z } from 'zod';
import { MODEL_KINDS } from './models.js';

const sessionSchema = z
  .object({
    /** Regular expression whose first match (capture group 1 if any) in the message is the session key. */
    key_regex: z.string().min(1).max(500).optional(),
    /** Structured field (`fields.<name>`) holding the session key. */
    key_field: z.string().min(1).max(200).optional(),
    /** A session closes after this much event time without events. */
    inactivity_seconds: z.number().positive().default(300),
    /** A session closes when it has lasted this long. */
    max_duration_seconds: z.number().positive().default(3600),
    /** Open sessions per source (the least recently active one is closed beyond it). */
    max_open: z.number().int().min(1).default(10_000),
  })
  .strict()
  .refine((s) => !s.key_regex !== !s.key_field, { message: 'set exactly one of key_regex or key_field' })
  .refine((s) => s.key_regex === undefined || compiles(s.key_regex), { message: 'key_regex is not a valid regular expression', path: ['key_regex'] });

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

export const modelDetectorConfigSchema = z
  .object({
    /**
     * Off by default in `serve` (the registry's default is on): at zero config it found none of the
     * alert episodes of any `eval stream` dataset while raising 7 of BGL_20k's false alarms and 0–2
     * on quiet logs depending on worker timing; novelty and rate judge what it saw (README,
     * "Why off by default"). Turn it on for sources with a steady window shape.
     */
    enabled: z.boolean().default(false),
    /**
     * Tumbling window per source, in event time. Ignored when `session` is set. A model published to
     * Kafka workers (`anomalog models train|publish`) must have been trained on the same windows
     * (or sessions): a worker refuses one trained on others.
     */
    window_seconds: z.number().min(1).max(86_400).default(60),
    /** Score sessions (events grouped by a key) instead of time windows. */
    session: sessionSchema.optional(),
    /**
     * One problem, one alarm: after a reported window, the source's next flagged windows within this
     * many seconds of the last flagged one are the same episode (reported again only when more severe).
     */
    episode_seconds: z.number().min(0).default(3600),
    /**
     * Sparse sources: a source most of whose windows (decayed over about the last 100) hold fewer
     * events than this is not reported on — a window of one or two lines has no shape to compare,
     * and novelty and rate judge such lines themselves. The model still learns. 0 = report always.
     */
    min_window_events: z.number().min(0).default(3),
    /** Alarm budget: at most this many findings per source per hour of event time (critical ones pass). 0 = no budget. */
    max_alerts_per_hour: z.number().min(0).default(2),
    /** Model kind: Isolation Forest, PCA residual, autoencoder, One-Class SVM or the rank-averaged ensemble. */
    model: z.enum(MODEL_KINDS).default('if'),
    /** Windows kept per source for (re)training; the newest always enters, a random one leaves (recency-biased reservoir). */
    reservoir_size: z.number().int().min(10).max(100_000).default(2000),
    /** Windows of a source collected before its first model is trained (no alerts before); at most `reservoir_size`. */
    min_windows: z.number().int().min(5).default(50),
    /** A source's model is retrained from its reservoir this often (clock time); 0 = never retrain. */
    retrain_every_seconds: z.number().min(0).default(3600),
    /** A source flagged this many windows in a row has a new normal: its flagged windows are learned again. */
    relearn_after_windows: z.number().int().min(1).default(10),
    /** Label-free threshold on the training scores: EVT/SPOT for a false-alarm risk `q` per window, or a contamination quantile. */
    threshold: z
      .object({
        method: z.enum(['spot', 'quantile']).default('spot'),
        /** SPOT: false-alarm risk per window (1e-3 ≈ one alert per 1000 normal windows). */
        q: z.number().gt(0).lt(0.02).default(1e-3),
        /** SPOT: quantile of the training scores used as the initial threshold. */
        level: z.number().gt(0.5).lt(1).default(0.98),
        /** quantile: share of training windows above the threshold. */
        contamination: z.number().gt(0).lt(0.5).default(0.01),
      })
      .strict()
      .prefault({}),
    /**
     * Range guard: a window is also flagged when a feature lies more than this many training
     * deviations beyond its training range (what tree models cannot see: a template that never
     * occurred, a count far past the largest). 0 disables.
     */
    range_guard_sigmas: z.number().min(0).default(4),
    /** Templates with a column of their own (the most frequent in the reservoir); the rest share the unknown column. */
    max_vocabulary: z.number().int().min(1).max(5000).default(300),
    /** Model versions kept per source in the store's registry (older inactive ones are deleted). */
    keep_versions: z.number().int().min(1).default(5),
    /** `worker`: train in a worker thread (the pipeline never waits); `inline`: train inside `tick` (deterministic, blocks; tests and tiny setups). */
    train_in: z.enum(['worker', 'inline']).default('worker'),
    /** A training that has not finished after this long is abandoned (the worker is restarted). */
    train_timeout_seconds: z.number().positive().default(600),
    /** Seed of the reservoir sampling and of the models. */
    seed: z.number().int().default(42),
    /** Sources tracked (the least recently seen is evicted beyond it, counted). */
    max_sources: z.number().int().min(1).default(50),
    /** Reservoir windows (and open sessions) per source written into the detector snapshot, so the saved state stays small; the rest refill after a restart. */
    snapshot_windows: z.number().int().min(0).default(200),
    /** Distinct templates counted per window; the rest share one "other" id (bounded memory). */
    max_window_templates: z.number().int().min(10).default(2000),
    /** Raw lines kept per window as context. */
    sample_lines: z.number().int().min(0).max(50).default(5),
    /** Longer sample lines and templates are cut. */
    max_line_chars: z.number().int().min(16).default(500),
  })
  .strict();

export type ModelDetectorConfig = z.infer<typeof modelDetectorConfigSchema>;
export type ModelDetectorInput = z.input<typeof modelDetectorConfigSchema>;
