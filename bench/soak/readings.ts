/**
 * @module bench/soak/readings
 * What the soak reads back from the service, as a user could: durable line counts per transport
 * (the store's template counts through `/api/templates`: written at each checkpoint together with
 * the source positions, so they survive kill -9 exactly as far as the positions do), lines the
 * running process parsed (`/metrics` `anomalog_parser_lines_total`, reset by every restart), every
 * stored anomaly id (`/api/anomalies`, paged) and `/api/health`.
 */
import { request } from 'node:http';
import Database from 'better-sqlite3';
import { getJson } from './service.js';

export const TRANSPORTS = ['file', 'http', 'syslog'] as const;
export type Transport = (typeof TRANSPORTS)[number];
export type PerTransport = Record<Transport, number>;

export const zero = (): PerTransport => ({ file: 0, http: 0, syslog: 0 });

/** The transport of a record source id (`file:/…`, `http:<stream>`, `syslog:<host>/<app>`). */
function transportOf(source: string): Transport | undefined {
  const p = source.slice(0, source.indexOf(':'));
  return (TRANSPORTS as readonly string[]).includes(p) ? (p as Transport) : undefined;
}

/** Sum of stored template counts per transport; undefined when the service does not answer. */
export async function durableCounts(base: string): Promise<PerTransport | undefined> {
  const out = zero();
  for (let offset = 0; ; offset += 1000) {
    const page = await getJson<{ templates: { source: string; count: number }[]; total: number }>(`${base}/api/templates?limit=1000&offset=${offset}`, 10_000);
    if (!page) return undefined;
    for (const t of page.templates) {
      const tr = transportOf(t.source);
      if (tr) out[tr] += t.count;
    }
    if (offset + 1000 >= page.total) return out;
  }
}

/**
 * The same sums read from the store file while the service is down (after a kill -9): exactly what
 * the killed process left durable, before its successor parses anything. Opened read-write (a WAL
 * file left by a crash needs its shared-memory index rebuilt), written to never.
 */
export function durableCountsInStore(dbPath: string): PerTransport {
  const db = new Database(dbPath, { fileMustExist: true });
  try {
    const out = zero();
    for (const r of db.prepare('SELECT source, SUM(count) AS n FROM templates GROUP BY source').all() as { source: string; n: number }[]) {
      const tr = transportOf(r.source);
      if (tr) out[tr] += r.n;
    }
    return out;
  } finally {
    db.close();
  }
}

/** Lines parsed by this process per transport (`anomalog_parser_lines_total`); undefined when down. */
export async function parsedCounts(base: string): Promise<PerTransport | undefined> {
  const text = await getText(`${base}/metrics`);
  if (text === undefined) return undefined;
  const out = zero();
  const re = /^anomalog_parser_lines_total\{source="([^"]*)"\} (\d+(?:\.\d+)?(?:e\+\d+)?)$/gm;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const tr = transportOf(m[1]);
    if (tr) out[tr] += Number(m[2]);
  }
  return out;
}

/** The outbox gauges of `/metrics`, summed over sinks: pending (scheduled included), due now, retrying. */
export async function outboxGauges(base: string): Promise<{ pending: number; due: number; retrying: number } | undefined> {
  const text = await getText(`${base}/metrics`);
  if (text === undefined) return undefined;
  const sum = (name: string) => {
    let n = 0;
    const re = new RegExp(`^${name}\\{[^}]*\\} (\\d+)$`, 'gm');
    for (let m = re.exec(text); m !== null; m = re.exec(text)) n += Number(m[1]);
    return n;
  };
  return { pending: sum('anomalog_outbox_pending'), due: sum('anomalog_outbox_due'), retrying: sum('anomalog_outbox_retrying') };
}

export interface StoredAnomaly {
  id: string;
  detector: string;
  source: string;
  title: string;
  ts: number;
}

/** Every stored anomaly (all pages). */
export async function allAnomalies(base: string): Promise<StoredAnomaly[] | undefined> {
  const out: StoredAnomaly[] = [];
  let next: string | undefined;
  for (let i = 0; i < 10_000; i++) {
    const page = await getJson<{ anomalies: StoredAnomaly[]; next?: string | null }>(`${base}/api/anomalies?limit=1000${next ? `&next=${encodeURIComponent(next)}` : ''}`, 10_000);
    if (!page) return undefined;
    out.push(...page.anomalies);
    if (!page.next) return out;
    next = page.next;
  }
  return out;
}

export interface Health {
  uptimeMs: number;
  sinks: { name: string; pending: number; sent: number; retries: number; dropped: number; status: string }[];
  pipeline: { records: number; anomalies: number; duplicates: number; errors: number };
  sources: { id: string; received: number; dropped: number; errors: number }[];
  memory: { rss: number; arrayBuffers: number; threads: { thread: string; heapUsed: number; heapTotal: number; external: number }[] };
}

export const health = (base: string): Promise<Health | undefined> => getJson<Health>(`${base}/api/health`, 5000);

function getText(url: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve((res.statusCode ?? 0) < 300 ? Buffer.concat(chunks).toString('utf8') : undefined));
      res.on('error', () => resolve(undefined));
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
