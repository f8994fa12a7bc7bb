/**
 * @module sources/http/config
 * Strict schema of the HTTP ingest source (it serves on the API port).
 */
import { z } from 'zod';
import { DEFAULT_MAX_LINE_BYTES } from '../../parsers/lines/line-splitter.js';
import { sourceBySchema } from '../shared/config.js';

/** Loki stream labels whose value names the source, first present wins (Grafana's `service_name` first). */
export const DEFAULT_LOKI_SOURCE_LABELS = ['service_name', 'application', 'service', 'app', 'job', 'container', 'filename'] as const;
/** Splunk HEC event metadata fields (or raw query parameters) that name the source, first present wins. */
export const DEFAULT_HEC_SOURCE_FIELDS = ['source', 'sourcetype', 'host'] as const;
const HEC_FIELDS = ['source', 'sourcetype', 'host', 'index'] as const;

const labelName = z.string().min(1).max(128);

export const httpSourceConfigSchema = z
  .object({
    /** Source ids become `<prefix>:<stream>` (index, Loki label, OTLP service.name, HEC source). */
    source_prefix: z.string().min(1).max(64).default('http'),
    /** Largest request body accepted (413 beyond it). */
    max_body_bytes: z.number().int().min(1024).max(512 * 1024 * 1024).default(10 * 1024 * 1024),
    /**
     * Longest record text kept, in UTF-8 bytes (the same default as file_tail, stdin and syslog): a
     * longer line, document, Loki value or OTLP body is cut there, marked and counted
     * (`truncated_lines`, `anomalog_source_truncated_lines_total`).
     */
    max_line_bytes: z.number().int().min(64).max(256 * 1024 * 1024).default(DEFAULT_MAX_LINE_BYTES),
    /** Most records taken from one request; the rest are rejected (400 naming the limit: send smaller batches). */
    max_records: z.number().int().min(1).max(10_000_000).default(100_000),
    /**
     * When set, requests must carry `Authorization: Bearer <token>` (write `${ENV_VAR}` in YAML); the
     * Splunk HEC routes take the same token as `Authorization: Splunk <token>`.
     */
    token: z.string().min(8).optional(),
    /** Loki push: the stream labels that name the source, in order; the first one a stream has wins. */
    loki_source_labels: z.array(labelName).min(1).max(32).default(() => [...DEFAULT_LOKI_SOURCE_LABELS]),
    /** Splunk HEC: the event fields (raw: query parameters) that name the source, in order. */
    hec_source_fields: z.array(z.enum(HEC_FIELDS)).min(1).max(4).default(() => [...DEFAULT_HEC_SOURCE_FIELDS]),
    /**
     * Attributes whose values split each stream into record sources: `<prefix>:<stream>/<v1>/<v2>`
     * (`http:shop/web-1`; `-` for a missing one). Looked up in what the protocol carries (Loki labels
     * and structured metadata, OTLP resource and log attributes, HEC host/source/sourcetype/index and
     * fields), else in the JSON record's own fields (NDJSON, Elasticsearch documents; `host.name` also
     * as a nested path). Default `[]`: each protocol's stream name is the source (see above). At most
     * `pipeline.max_sources` ids; later new ones share `<prefix>:<stream>/_overflow` (counted, logged).
     */
    source_by: sourceBySchema([]),
  })
  .strict();

export type HttpSourceConfig = z.infer<typeof httpSourceConfigSchema>;
