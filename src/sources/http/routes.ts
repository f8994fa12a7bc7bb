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

const ROUTE_SHAPES = Object.values(INGEST_ROUTES).map((r) => r.split('/'));

/** Whether `path` (no query string) is one of the ingest routes; a `:param` matches one segment. */
export function isIngestPath(path: string): boolean {
  const parts = path.split('/');
  return ROUTE_SHAPES.some((shape) => shape.length === parts.length && shape.every((s, i) => (s.startsWith(':') ? parts[i] !== '' : s === parts[i])));
}
