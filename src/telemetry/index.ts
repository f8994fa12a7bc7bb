/**
 * @module telemetry
 * Prometheus metrics of `anomalog serve` (`GET /metrics`): one registry per service, values read
 * at scrape time from counters the pipeline keeps anyway. See README.md for the metric list.
 * @example
 * const metrics = metricsForService({ version, clock, sources, engine, feed: api.feed, store });
 * const { contentType, body } = await metrics.scrape();
 */
export { createServiceMetrics, LATENCY_BUCKETS, type ComponentReading, type EngineReading, type MetricsDeps, type ServiceMetrics, type SinkReading, type StreamReading } from './metrics.js';
export { metricsForService, type AlertingView, type ServiceParts } from './service.js';
export { LabelCap, OTHER } from './labels.js';
export type { ReportedReadings } from './reported.js';
