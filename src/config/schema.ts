/**
 * @module config/schema
 * The `anomalog serve` configuration: one YAML file, every option with a default, unknown keys are
 * errors. Component sections reuse each component's own strict schema from the registry.
 */
import { z } from 'zod';
import { feedbackConfigSchema } from '../feedback/config.js';
import { alertsConfigSchema } from '../alerts/config.js';
import { DETECTORS, SINKS, SOURCES } from './registry.js';
import { kafkaIntakeSchema } from '../sources/kafka/config.js';

/** Keys every source accepts: how its records are parsed (they override `parser.format` and `parser.multiline`). */
export const sourceParsingShape = {
  /** json, logfmt, syslog, access-log, plain, or a layout; unset = `parser.format`, else auto-detect (syslog sources: syslog). */
  format: z.string().min(1).optional(),
  multiline: z.boolean().optional(),
};

const sourceSchemas = Object.entries(SOURCES).map(([type, def]) =>
  z.object({ type: z.literal(type), ...(def.configSchema as unknown as z.ZodObject).shape, ...sourceParsingShape }).strict(),
);

const sinkSchemas = Object.entries(SINKS).map(([type, def]) =>
  z.object({ type: z.literal(type), ...(def.configSchema as unknown as z.ZodObject).shape }).strict(),
);

/** Alert sinks; names (default: the type) must be unique, routes refer to them. */
const sinkList = z
  .array(z.discriminatedUnion('type', sinkSchemas as unknown as [z.ZodObject, ...z.ZodObject[]]))
  .default([])
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((s, i) => {
      const name = (s as { name?: string }).name ?? (s as { type: string }).type;
      if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `sink name ${JSON.stringify(name)} is used twice; give each sink a unique name` });
      seen.add(name);
    });
  });

/**
 * Each `kafka` source is its own consumer, so two of them in one consumer group (the default group is
 * `anomalog` for every one) split that group's partitions between them — and kafkajs's assigner hands
 * out every subscribed topic's partitions to every member, whatever topic the member asked for: the
 * partitions of one topic given to the other source's consumer are never read (seen: 75 of 1,200
 * records over four sources sharing a group, with health ok). Refused here instead.
 */
function kafkaGroupsApart(list: readonly unknown[], ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  list.forEach((s, i) => {
    const src = s as { type: string; brokers?: string[]; group?: string };
    if (src.type !== 'kafka' || src.group === undefined) return;
    const key = `${[...(src.brokers ?? [])].sort().join(',')}\u0000${src.group}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else ctx.addIssue({ code: 'custom', path: [i, 'group'], message: `kafka sources #${first} and #${i} share the consumer group ${JSON.stringify(src.group)}: one group per kafka source, or partitions of one topic go to the other source and are never read; give each its own group` });
  });
}

const detectorSection = z
  .object(
    Object.fromEntries(
      Object.entries(DETECTORS).map(([type, def]) => [
        type,
        z
          .object({ enabled: z.boolean().default(true), ...(def.configSchema as unknown as z.ZodObject).shape })
          .strict()
          .prefault({}),
      ]),
    ),
  )
  .strict()
  .prefault({});

export const serveConfigSchema = z
  .object({
    /** Where the SQLite store lives. */
    data_dir: z.string().min(1).default('./anomalog-data'),
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65_535).default(8080),
        /**
         * Bearer token for every route but `/api/health`: API, UI (sign-in page), live feed, feedback,
         * metrics and ingest. Also `auth_token_file`, or the ANOMALOG_AUTH_TOKEN environment variable.
         */
        auth_token: z.string().min(8).max(4096).regex(/^\S+$/, 'no spaces').optional(),
        /** A file holding the token (first line; keeps it out of the config and `ps`). */
        auth_token_file: z.string().min(1).optional(),
        /** Serve `/metrics` without the token (a Prometheus on a trusted network). */
        public_metrics: z.boolean().default(false),
        /** Other names this service is reached by (a reverse proxy's): accepted in `Host` and `Origin`. */
        allowed_hosts: z.array(z.string().min(1).max(253)).default([]),
        /** Listen on a non-loopback address without a token (`serve --insecure`): anyone who can reach the port reads and writes. */
        insecure: z.boolean().default(false),
        /** HTTPS: PEM certificate (chain) and private key files. */
        tls: z.object({ cert: z.string().min(1), key: z.string().min(1) }).strict().optional(),
      })
      .strict()
      .prefault({}),
    parser: z
      .object({
        /** json, logfmt, syslog, access-log, plain, or a layout; unset = auto-detect per source. */
        format: z.string().min(1).optional(),
        multiline: z.boolean().optional(),
        similarity: z.number().min(0).max(1).default(0.7),
        /**
         * The miner's cardinality guard (src/parsers/drain/flood-guard.ts): a source of which at least
         * half the lines of 1,000 are new message types sends most lines that match no template to an
         * overflow template instead of mining each as its own. Off: every such line opens a template.
         */
        flood_guard: z.boolean().default(true),
        masks: z.array(z.object({ name: z.string().regex(/^[A-Z][A-Z0-9_]*$/), pattern: z.string().min(1) }).strict()).default([]),
      })
      .strict()
      .prefault({}),
    sources: z
      .array(z.discriminatedUnion('type', sourceSchemas as unknown as [z.ZodObject, ...z.ZodObject[]]))
      .default([])
      .superRefine(kafkaGroupsApart),
    detectors: detectorSection,
    alerts: alertsConfigSchema.prefault({}),
    sinks: sinkList,
    /** Feedback on anomalies (src/feedback): default mute, rule cap, severity raise of `real`. */
    feedback: feedbackConfigSchema.prefault({}),
    pipeline: z
      .object({
        /**
         * How often detector state is saved and source positions are acknowledged together (one
         * consistent point). After a crash a file source re-reads what arrived since the last save —
         * up to two intervals, because a save starts at a tick and covers what was processed before it
         * — and HTTP/syslog lose that much of their counts and learning (their 2xx precede the save,
         * ARCHITECTURE.md); shorter costs more state serialisation on the hot path.
         */
        checkpoint_interval_ms: z.number().int().min(50).max(600_000).default(1000),
        /** Most record sources with a parser in memory; the least recently used is saved and dropped beyond it. */
        max_sources: z.number().int().min(1).max(1_000_000).default(1000),
        /**
         * Where parsing and the detectors run: `worker` (a worker thread: the main thread keeps
         * HTTP, file reads, the API and alert delivery, so ingest uses two cores) or `main` (one
         * thread). A service built with a simulated clock (the demo, tests) always uses `main`.
         */
        engine_thread: z.enum(['worker', 'main']).default('worker'),
        /**
         * Engine worker threads (with `engine_thread: worker`); `auto`: one per core, 1 to 4. Each
         * record source belongs to one (the one with the fewest sources when it first appears; kept
         * in the store) with its parser, detector state and models, so more threads use more cores
         * when there are several sources. Changing it reassigns sources: their detectors start
         * learning again (warm-up), their templates are kept.
         */
        engine_threads: z.union([z.literal('auto'), z.number().int().min(1).max(16)]).default('auto'),
        /**
         * Lines handed to the engine threads and not processed yet beyond which the pipeline is busy:
         * HTTP ingest answers 429 (`Retry-After: 1`) before reading bodies; other sources wait.
         */
        max_pending_lines: z.number().int().min(1000).default(200_000),
        /**
         * Most MiB of old-generation heap per engine worker thread. Besides the hard limit (a thread
         * beyond it fails and the service exits non-zero, to be restarted from its last checkpoint),
         * it sets how much garbage V8 lets pile up before collecting: with Node's default on a large
         * machine (~4 GB) an engine thread's heap grew to 4–5× what it holds (~180 MiB for ~30 MiB
         * live on a 1 M-line flood); with 1024 MiB it stays within ~2.5× (BENCHMARKS.md, "Memory").
         */
        engine_heap_mb: z.number().int().min(128).max(65_536).default(1024),
        /**
         * Most MiB of young-generation heap per engine worker thread (V8 splits it into two
         * semi-spaces and a large-object space: 12 is 4 MiB semi-spaces). Node's default on a large
         * machine is 48 (16 MiB semi-spaces), and V8 grows a thread's new space up to it and shrinks
         * it back to 1–2 MiB when the thread goes quiet: held and given back in steps of 8–16 MiB per
         * thread, it was most of a steady service's RSS swing (BENCHMARKS.md, "Soak and faults").
         */
        engine_young_mb: z.number().int().min(3).max(1024).default(12),
        /**
         * How far (percent) V8 lets a thread's old-generation heap grow past what the last full
         * collection kept before collecting again, in every thread of `serve`; 0 leaves it to V8. On a
         * large machine V8 lets the main thread's heap reach up to 4× its live size (the engine threads
         * 1.6×, from `engine_heap_mb`), so a steady service's RSS drifted up for many minutes before a
         * collection gave it back. 50 (1.5×) bounds that drift (BENCHMARKS.md, "Soak and faults").
         */
        heap_growth_percent: z.number().int().min(0).max(400).default(50),
        /**
         * A full collection of a thread's heap (main and engine threads) once its old generation holds
         * this many MiB more than its last full collection kept, at most every 10 s per thread; 0 leaves
         * it to V8 (which waits for 1.5× and at least 8 MiB more, plus the new space). Bounds the
         * steady service's RSS swing (BENCHMARKS.md, "Soak and faults"; topology/heap-trim.ts).
         */
        heap_trim_mb: z.number().int().min(0).max(1024).default(4),
        /**
         * Most MiB of young-generation (new space) heap on the main thread, kept by stopping V8 from
         * growing new spaces while the main thread's is this size (topology/heap-trim.ts); 0 leaves
         * it to V8 (Node's default on a large machine lets it grow to 32).
         */
        main_young_mb: z.number().int().min(0).max(1024).default(8),
      })
      .strict()
      .prefault({}),
    /** Distributed mode: store, show and alert on the anomalies `anomalog worker`s produce to Kafka. */
    kafka: kafkaIntakeSchema.optional(),
    retention: z
      .object({
        max_age_days: z.number().positive().default(30),
        /**
         * Hard cap on stored anomalies, applied as they are stored: beyond it the oldest of the lowest
         * severity are deleted first (counted in `anomalog_anomalies_capped_total`).
         */
        max_anomalies: z.number().int().positive().default(100_000),
        /**
         * Most anomalies stored per record source per hour: once full, a new one replaces the oldest of a
         * lower severity, else it is dropped (counted). A flood of novel input cannot fill the store.
         */
        max_anomalies_per_source_hour: z.number().int().positive().default(500),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type ServeConfig = z.infer<typeof serveConfigSchema>;
