/**
 * @module sources/kafka/config
 * Strict schema of the `kafka` source (defaults live here) and the connection options shared with
 * `anomalog worker` and `serve --kafka`.
 */
import { z } from 'zod';
import { DEFAULT_MAX_LINE_BYTES } from '../../parsers/lines/index.js';

/** `host:port` of a bootstrap broker (no scheme: Kafka speaks its own protocol). */
const broker = z.string().regex(/^[A-Za-z0-9._-]+:\d{1,5}$/, 'a broker is host:port');

export const kafkaConfigSchema = z
  .object({
    /** Bootstrap brokers, `host:port` (a list, or one comma-separated string). */
    brokers: z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(broker).min(1)),
    /** The topic the shippers write log records to. */
    topic: z.string().min(1).max(249),
    /** Consumer group: its committed offsets are this source's checkpoints. */
    group: z.string().min(1).max(249).default('anomalog'),
    /** Where a group without committed offsets starts: the oldest retained record or only new ones. */
    start: z.enum(['earliest', 'latest']).default('earliest'),
    /**
     * What names a record's source (its own parser, templates and detector baselines): the record
     * key (shippers key by host or service), a field of a JSON value (`source_field`), or the topic.
     * A record without one falls back to the topic name.
     */
    source_from: z.enum(['key', 'field', 'topic']).default('key'),
    /** Dotted path of the JSON field naming the source (`source_from: field`), e.g. `host.name`. */
    source_field: z.string().min(1).max(200).optional(),
    /** Longest record value kept, in bytes; longer values are truncated and counted. */
    max_line_bytes: z.number().int().min(64).max(256 * 1024 * 1024).default(DEFAULT_MAX_LINE_BYTES),
    /** A member silent this long leaves the group and its partitions move (Kafka's session timeout). */
    session_timeout_ms: z.number().int().min(2000).max(300_000).default(10_000),
    client_id: z.string().min(1).max(200).default('anomalog'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.source_from === 'field' && c.source_field === undefined) ctx.addIssue({ code: 'custom', path: ['source_field'], message: 'source_from: field needs source_field (a dotted JSON path)' });
  });

export type KafkaConfig = z.infer<typeof kafkaConfigSchema>;
export type KafkaOptions = z.input<typeof kafkaConfigSchema>;

/** `serve`'s `kafka:` section (`serve --kafka BROKERS`): the anomalies workers produce, read into the store. */
export const kafkaIntakeSchema = z
  .object({
    brokers: z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(broker).min(1)),
    /** The topic `anomalog worker --anomalies-topic` writes to. */
    anomalies_topic: z.string().min(1).max(249).default('anomalies'),
    /** The serve node's consumer group on it (offsets committed after the anomalies are stored). */
    group: z.string().min(1).max(249).default('anomalog-serve'),
    /** Compacted topic of "learn as normal" feedback this node produces and `anomalog worker`s apply. */
    feedback_topic: z.string().min(1).max(249).default('anomalog.feedback'),
    client_id: z.string().min(1).max(200).default('anomalog-serve'),
  })
  .strict();

export type KafkaIntakeConfig = z.infer<typeof kafkaIntakeSchema>;
