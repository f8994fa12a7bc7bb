/**
 * @module sources/http/config
 * Strict schema of the HTTP ingest source (it serves on the API port).
 */
import { z } from 'zod';
import { DEFAULT_MAX_LINE_BYTES } from '../../parsers/lines/line-splitter.js';

export const httpSourceConfigSchema = z
  .object({
    /** Source ids become `<prefix>:<stream>` (index, Loki service label, OTLP service.name). */
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
    /** When set, requests must carry `Authorization: Bearer <token>` (write `${ENV_VAR}` in YAML). */
    token: z.string().min(8).optional(),
  })
  .strict();

export type HttpSourceConfig = z.infer<typeof httpSourceConfigSchema>;
