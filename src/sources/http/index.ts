/**
 * @module sources/http
 * The `http` source: NDJSON, Elasticsearch bulk, Loki push, OTLP/HTTP and Splunk HEC on the API port.
 * @example
 * sources:
 *   - type: http
 *     token: ${ANOMALOG_INGEST_TOKEN}
 */
import type { ComponentContext, ComponentDefinition } from '../../core/component.js';
import type { Source } from '../../core/source.js';
import { type HttpSourceConfig, httpSourceConfigSchema } from './config.js';
import { HttpSource } from './http-source.js';

export { HttpSource, type HttpSourceStats } from './http-source.js';
export { httpSourceConfigSchema, type HttpSourceConfig } from './config.js';
export { decodeEsBulk, decodeLoki, decodeNdjson, decodeOtlp } from './decode.js';

export const definition: ComponentDefinition<HttpSourceConfig, Source> = {
  kind: 'source',
  type: 'http',
  configSchema: httpSourceConfigSchema,
  build: (config: HttpSourceConfig, ctx: ComponentContext) => new HttpSource(config, ctx.clock, ctx.id, ctx.busy, ctx.logger, ctx.maxSources),
};
