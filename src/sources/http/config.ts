/**
 * @module sources/http/config
 * Strict schema of the HTTP ingest source (it serves on the API port).
 */
import { z } from 'zod';

export const httpSourceConfigSchema = z
  .object({
    /** Source ids become `<prefix>:<stream>` (index, Loki service label, OTLP service.name). */
    source_prefix: z.string().min(1).max(64).default('http'),
    /** Largest request body accepted (413 beyond it). */
    max_body_bytes: z.number().int().min(1024).max(512 * 1024 * 1024).default(10 * 1024 * 1024),
    /** When set, requests must carry `Authorization: Bearer <token>` (write `${ENV_VAR}` in YAML). */
    token: z.string().min(8).optional(),
  })
  .strict();

export type HttpSourceConfig = z.infer<typeof httpSourceConfigSchema>;
