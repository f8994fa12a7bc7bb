/** Hash routes of the UI: `#/`, `#/anomalies`, `#/anomalies/<id>` (URI-encoded), `#/templates`, `#/feedback`. */
export type Route = { view: 'overview' } | { view: 'anomalies' } | { view: 'anomaly'; id: string } | { view: 'templates' } | { view: 'feedback' } | { view: 'notfound'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  if (path === '/' || path === '') return { view: 'overview' };
  if (path === '/anomalies') return { view: 'anomalies' };
  if (path.startsWith('/anomalies/')) {
    try {
      return { view: 'anomaly', id: decodeURIComponent(path.slice('/anomalies/'.length)) };
    } catch {
      return { view: 'notfound', path };
    }
  }
  if (path === '/templates') return { view: 'templates' };
  if (path === '/feedback') return { view: 'feedback' };
  return { view: 'notfound', path };
}
