/**
 * @module sources/http/routes
 * The HTTP ingest routes, in one place: the http source registers them, and the API's not-found and
 * body-error answers recognise them (to say how to turn ingest on, or what to send).
 */
export const INGEST_ROUTES = {
  ndjson: '/ingest',
  bulk: '/_bulk',
  indexBulk: '/:index/_bulk',
  loki: '/loki/api/v1/push',
  otlp: '/v1/logs',
} as const;

/** Splunk HTTP Event Collector routes, with the aliases Splunk serves (`/services/collector` is the event route). */
export const HEC_ROUTES = {
  event: ['/services/collector', '/services/collector/event', '/services/collector/event/1.0'],
  raw: ['/services/collector/raw', '/services/collector/raw/1.0'],
  health: ['/services/collector/health', '/services/collector/health/1.0'],
} as const;

const ROUTE_SHAPES = [...Object.values(INGEST_ROUTES), ...HEC_ROUTES.event, ...HEC_ROUTES.raw].map((r) => r.split('/'));

/** Whether `path` (no query string) is one of the ingest routes; a `:param` matches one segment. */
export function isIngestPath(path: string): boolean {
  const parts = path.split('/');
  return ROUTE_SHAPES.some((shape) => shape.length === parts.length && shape.every((s, i) => (s.startsWith(':') ? parts[i] !== '' : s === parts[i])));
}

const HEC_SHAPES = new Set<string>([...HEC_ROUTES.event, ...HEC_ROUTES.raw]);

/** Whether `path` (no query string) is a Splunk HEC ingest route: its clients read Splunk's `{"text","code"}` answers only. */
export function isHecPath(path: string): boolean {
  return HEC_SHAPES.has(path);
}
