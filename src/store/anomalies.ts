/**
 * @module store/anomalies
 * Anomalies with their explanation and context: idempotent inserts (deterministic ids, ON CONFLICT
 * (id) DO NOTHING), filtered
 * keyset paging on (ts DESC, id DESC), and retention by age and by row count.
 */
import { type Anomaly, type AnomalyStatus, type Contribution, SEVERITIES, type Severity } from '../core/event.js';
import type { Clock } from '../core/clock.js';
import { AnomalogError } from '../core/errors.js';
import type { Db, Stmt } from './db.js';
import { parseColumn } from './json.js';
import { checkTime, decodeCursor, encodeCursor, likePattern, pageSize } from './paging.js';

export interface AnomalyQuery {
  /** Inclusive lower bound on `ts` (epoch ms). */
  since?: number;
  /** Exclusive upper bound on `ts` (epoch ms). */
  until?: number;
  source?: string;
  detector?: string;
  severity?: Severity;
  /** Latest feedback verdict, or `open` for anomalies without feedback. */
  status?: AnomalyStatus;
  /** Substring of the title (case-insensitive for ASCII letters; `%` and `_` are plain characters). */
  q?: string;
  /** Page size, default 100, capped at 1000. */
  limit?: number;
  /** The `next` of the previous page. */
  cursor?: string;
}

export interface AnomalyPage {
  anomalies: Anomaly[];
  /** Opaque cursor of the next page; null on the last page. */
  next: string | null;
}

export interface RetentionPolicy {
  /**
   * Delete anomalies stored more than maxAgeMs ago (by `created_at`, not event time: replayed or
   * late logs carry old timestamps and must not vanish as soon as they are detected).
   */
  maxAgeMs?: number;
  /** Keep at most this many anomalies (the newest). */
  maxRows?: number;
}

export interface RetentionResult {
  byAge: number;
  byRows: number;
}

interface Raw {
  id: string;
  ts: number;
  source: string;
  detector: string;
  severity: Severity;
  score: number;
  title: string;
  explanation: string;
  context: string;
  window_start: number | null;
  window_end: number | null;
  session_key: string | null;
  template_id: number | null;
  status: AnomalyStatus;
}


const F_SINCE = 1;
const F_UNTIL = 2;
const F_SOURCE = 4;
const F_DETECTOR = 8;
const F_SEVERITY = 16;
const F_CURSOR = 32;
const F_STATUS = 64;
const F_TITLE = 128;
const COLUMNS =
  'id, ts, source, detector, severity, score, title, explanation, context, window_start, window_end, session_key, template_id, status';

/** The WHERE clause of one filter shape: fixed fragments chosen by which filters are present. */
function whereOf(shape: number): string {
  const w: string[] = [];
  if (shape & F_SINCE) w.push('ts >= @since');
  if (shape & F_UNTIL) w.push('ts < @until');
  if (shape & F_SOURCE) w.push('source = @source');
  if (shape & F_DETECTOR) w.push('detector = @detector');
  if (shape & F_SEVERITY) w.push('severity = @severity');
  if (shape & F_STATUS) w.push('status = @status');
  if (shape & F_TITLE) w.push("title LIKE @q ESCAPE '\\'");
  if (shape & F_CURSOR) w.push('(ts, id) < (@cts, @cid)');
  return w.length ? `WHERE ${w.join(' AND ')}` : '';
}

export class Anomalies {
  private readonly insert: Stmt;
  private readonly byId: Stmt;
  private readonly deleteBefore: Stmt;
  private readonly deleteStoredBefore: Stmt;
  private readonly deleteBeyond: Stmt;
  /** The batch insert wrapped in a transaction once, not per call. */
  private readonly insertTxn: (items: readonly Anomaly[], createdAt: number) => Anomaly[];
  /** One statement per filter shape (at most 128), each prepared on first use and then reused. */
  private readonly queries = new Map<number, Stmt>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.insert = db.prepare(
      `INSERT INTO anomalies (id, ts, source, detector, severity, score, title, explanation, context,
         window_start, window_end, session_key, template_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    );
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM anomalies WHERE id = ?`);
    this.deleteBefore = db.prepare('DELETE FROM anomalies WHERE ts < ?');
    this.deleteStoredBefore = db.prepare('DELETE FROM anomalies WHERE created_at < ?');
    this.deleteBeyond = db.prepare(
      'DELETE FROM anomalies WHERE id IN (SELECT id FROM anomalies ORDER BY ts DESC, id DESC LIMIT -1 OFFSET ?)',
    );
    this.insertTxn = db.transaction((items: readonly Anomaly[], createdAt: number) => this.insertRows(items, createdAt));
  }

  /** Inserts a batch in one transaction; returns the anomalies that were new (ids not yet stored). */
  insertMany(batch: readonly Anomaly[]): Anomaly[] {
    return this.insertTxn(batch, this.clock.now());
  }

  private insertRows(items: readonly Anomaly[], createdAt: number): Anomaly[] {
    const inserted: Anomaly[] = [];
    for (let i = 0; i < items.length; i++) {
      const a = items[i];
      checkAnomaly(a);
      // Positional binding: no per-row parameter object.
      const info = this.insert.run(
        a.id,
        a.ts,
        a.source,
        a.detector,
        a.severity,
        a.score,
        a.title,
        JSON.stringify(a.explanation ?? []),
        JSON.stringify(a.context ?? []),
        a.window ? a.window.start : null,
        a.window ? a.window.end : null,
        a.sessionKey ?? null,
        a.templateId ?? null,
        createdAt,
      );
      if (info.changes === 1) inserted.push(a);
    }
    return inserted;
  }

  get(id: string): Anomaly | undefined {
    const r = this.byId.get(id) as Raw | undefined;
    return r ? toAnomaly(r) : undefined;
  }

  query(q: AnomalyQuery = {}): AnomalyPage {
    const limit = pageSize(q.limit);
    checkTime('since', q.since);
    checkTime('until', q.until);
    const params: Record<string, unknown> = { limit: limit + 1 };
    let shape = 0;
    const filters: [unknown, number, string][] = [
      [q.since, F_SINCE, 'since'],
      [q.until, F_UNTIL, 'until'],
      [q.source, F_SOURCE, 'source'],
      [q.detector, F_DETECTOR, 'detector'],
      [q.severity, F_SEVERITY, 'severity'],
      [q.status, F_STATUS, 'status'],
      [q.q === undefined || q.q === '' ? undefined : likePattern(q.q), F_TITLE, 'q'],
    ];
    for (const [value, bit, key] of filters) {
      if (value === undefined) continue;
      shape |= bit;
      params[key] = value;
    }
    if (q.cursor !== undefined && q.cursor !== '') {
      const k = decodeCursor(q.cursor);
      shape |= F_CURSOR;
      params.cts = k.ts;
      params.cid = k.id;
    }
    let st = this.queries.get(shape);
    if (!st) {
      st = this.db.prepare(`SELECT ${COLUMNS} FROM anomalies ${whereOf(shape)} ORDER BY ts DESC, id DESC LIMIT @limit`);
      this.queries.set(shape, st);
    }
    const rows = st.all(params) as Raw[];
    const more = rows.length > limit;
    if (more) rows.length = limit;
    const anomalies = rows.map(toAnomaly);
    const last = rows[rows.length - 1];
    return { anomalies, next: more ? encodeCursor({ ts: last.ts, id: last.id }) : null };
  }

  /** Deletes anomalies with ts < `ts`; returns how many. */
  deleteOlderThan(ts: number): number {
    checkTime('ts', ts);
    return this.deleteBefore.run(ts).changes;
  }

  /** Age first, then row count, in one transaction. */
  retain(p: RetentionPolicy): RetentionResult {
    const run = this.db.transaction((): RetentionResult => {
      let byAge = 0;
      if (p.maxAgeMs !== undefined) {
        checkTime('maxAgeMs', p.maxAgeMs);
        byAge = this.deleteStoredBefore.run(this.clock.now() - p.maxAgeMs).changes;
      }
      let byRows = 0;
      if (p.maxRows !== undefined) {
        if (!Number.isInteger(p.maxRows) || p.maxRows < 0) {
          throw new AnomalogError('ANOMALOG_ERR_STORE_QUERY', `Retention maxRows must be a non-negative integer, got ${String(p.maxRows)}.`);
        }
        byRows = this.deleteBeyond.run(p.maxRows).changes;
      }
      return { byAge, byRows };
    });
    return run();
  }
}

const SEVERITY_SET = new Set<string>(SEVERITIES);

/**
 * Only a duplicate id is skipped silently (ON CONFLICT (id) DO NOTHING, unlike INSERT OR IGNORE,
 * which would also swallow a NOT NULL failure); anything else malformed fails the whole batch.
 */
function checkAnomaly(a: Anomaly): void {
  let bad: string | undefined;
  if (typeof a.id !== 'string' || a.id === '') bad = 'id';
  else if (!Number.isFinite(a.ts)) bad = 'ts';
  else if (typeof a.score !== 'number' || Number.isNaN(a.score)) bad = 'score';
  else if (!SEVERITY_SET.has(a.severity)) bad = 'severity';
  else if (typeof a.source !== 'string' || typeof a.detector !== 'string' || typeof a.title !== 'string') bad = 'source/detector/title';
  if (bad !== undefined) {
    throw new AnomalogError('ANOMALOG_ERR_STORE_QUERY', `Anomaly ${String(a.id)} has an invalid ${bad}; the batch was not stored.`);
  }
}

function toAnomaly(r: Raw): Anomaly {
  const a: Anomaly = {
    id: r.id,
    ts: r.ts,
    source: r.source,
    detector: r.detector,
    score: r.score,
    severity: r.severity,
    title: r.title,
    explanation: parseColumn<Contribution[]>(r.explanation, `explanation of anomaly ${r.id}`),
    context: parseColumn<string[]>(r.context, `context of anomaly ${r.id}`),
  };
  // Only feedback sets a status: an anomaly without any reads back exactly as it was written.
  if (r.status !== 'open') a.status = r.status;
  if (r.window_start !== null && r.window_end !== null) a.window = { start: r.window_start, end: r.window_end };
  if (r.session_key !== null) a.sessionKey = r.session_key;
  if (r.template_id !== null) a.templateId = r.template_id;
  return a;
}
