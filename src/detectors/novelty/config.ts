/**
 * @module detectors/novelty/config
 * Strict schema of the `novelty` detector; every default lives here.
 */
import { z } from 'zod';

export const noveltyConfigSchema = z
  .object({
    /**
     * A fixed warm-up instead of the measured surprise: with N > 0, every message type first seen by
     * a source after its first N events is reported (no surprise threshold, no groups, no fleet
     * knowledge — the behaviour before 0.27). 0 (default): the source's measured discovery rate
     * decides when its vocabulary has settled, and a source still producing new message types makes
     * one more little news.
     */
    warmup_events: z.number().int().min(0).default(0),
    /**
     * A first-seen message type is reported when its surprise reaches this many bits: −log2 of the
     * source's current rate of new message types (decayed, Laplace-smoothed), plus 4 bits for a
     * fatal level or wording, 3 for an error, 1 for a warning. 9 bits: an info message type is news
     * once fewer than about 1 event in 500 is a new type; an error-like one from 1 in 64.
     */
    min_surprise_bits: z.number().min(0).default(10),
    /**
     * Word novelty: a first-seen message type (or message) loses this many bits, less one per word
     * of it the source never used — a recombination of known words ('data read plb error' after
     * 'data write plb error', a known error on a new path) is weaker news than a type bringing new
     * words. Words: runs of letters of the template, values and placeholders left out
     * (novelty/words.ts). 2: a type with one new word loses one bit, a pure recombination two —
     * the largest value at which the zeroconfig-new-error case (a never-seen 'data TLB error
     * interrupt' after 3,000 normal BGL lines) is still reported; numbers in BENCHMARKS.md
     * ("Detection, zero config"). 0 turns word novelty off.
     */
    known_words_bits: z.number().min(0).default(2),
    /**
     * A type first seen and not yet news gains log2(n) bits when seen n times within
     * `bucket_seconds` of its first sighting, up to this many (a burst of a never-seen message is
     * evidence; one-offs are the common case). 2: a burst of four or more. 0: no burst evidence.
     */
    burst_bits: z.number().min(0).default(2),
    /** Words remembered per source (its vocabulary, least recently used evicted). */
    max_words: z.number().int().min(1).default(5000),
    /** Half-life, in events of the source, of its measured discovery rate (new types / events). */
    discovery_half_life_events: z.number().int().min(1).default(1000),
    /**
     * First-seen message types of one source within this many seconds of each other (event time),
     * and fewer than `discovery_half_life_events` of its events apart, are one finding (a flood): the
     * first that is news is reported, later ones only when more severe. A source that logged a
     * half-life of events since its last new type has settled again: its next one is news of its own.
     */
    group_seconds: z.number().positive().default(300),
    /**
     * Fleet learning: a message type (by its template text) that other sources of this detector
     * already logged is not news for a source that logs it first (pods of one deployment, hosts
     * behind a relay); sources whose types mostly come from the fleet are judged by the fleet's
     * discovery rate too. 0 disables.
     */
    max_fleet_templates: z.number().int().min(0).default(20_000),
    /**
     * A known template is rare when it occurred fewer than this many times in about the last
     * `rare_half_life_events` events, judged once the source has seen that many events. 0 (off) by
     * default: a known type coming back is weak evidence — over the 18,542 normal lines of BGL_20k
     * "rare" raised 37 findings, none first of its kind (3 turns it on).
     */
    rare_count: z.number().min(0).default(0),
    /** Half-life, in events of the source, of the decayed per-template counts; also the quiet time after an alert for a template. */
    rare_half_life_events: z.number().int().min(1).default(10_000),
    /** Templates tracked per source; the least recently seen are evicted beyond it (and counted). */
    max_templates: z.number().int().min(1).default(5000),
    /** Sources tracked; the least recently seen are evicted beyond it. */
    max_sources: z.number().int().min(1).default(200),
    /** Time bucket of the anomaly id: one anomaly per template and kind per bucket. */
    bucket_seconds: z.number().positive().default(60),
    /** Raw lines kept as context (the anomalous line and the ones before it). */
    context_lines: z.number().int().min(0).max(100).default(5),
    /** Longer context lines are cut. */
    max_line_chars: z.number().int().min(16).default(2000),
  })
  .strict();

export type NoveltyConfig = z.infer<typeof noveltyConfigSchema>;
