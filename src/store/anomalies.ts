/**
 * @module store/anomalies
 * Anomalies with their explanation and context: idempotent inserts (deterministic ids, ON CONFLICT
 * (id) DO NOTHING), filtered
 * keyset paging on (ts DESC, id DESC), retention by age and by row count, and hard caps applied as
 * anomalies are stored (no input can turn the store into a copy of the input):
 * - per record source per hour of storage time (`maxPerSourceHour`): once a source's hour is full, a
 *   new anomaly replaces the oldest one of a lower severity of that source and hour, else it is dropped;
 * - in total (`maxTotal`): beyond it the oldest of the lowest severity go first (down to 99% of the
 *   cap, so the scan that picks them runs once per 1% of the cap, not per insert).
 * Both are counted (`capStats`, `/metrics`). Anomalies dropped or evicted at insert are not returned
 * as inserted: they are neither published nor alerted. A row's checks, bounds and reading back are
 * anomaly-rows.ts; the filters' SQL shapes anomaly-query.ts.
 */
import type Database from 'better-sqlite3';
import { boundAttrs } from '../core/attrs.js';
import { type Anomaly, SEVERITIES } from '../core/event.js';
import type { Clock } from '../core/clock.js';
import { AnomalogError } from '../core/errors.js';
import type { Db, Stmt } from './db.js';
import { checkTime, decodeCursor, encodeCursor, likePattern, pageSize } from './paging.js';
import { type AnomalyQuery, attrFilters, F_ATTRS_SHIFT, F_CURSOR, F_DETECTOR, F_SEVERITY, F_SINCE, F_SOURCE, F_STATUS, F_TITLE, F_UNTIL, whereOf } from './anomaly-query.js';
import { boundContext, boundExplanation, checkAnomaly, COLUMNS, contextAttrsJson, type Raw, toAnomaly } from './anomaly-rows.js';

export { type AnomalyQuery, MAX_ATTR_FILTERS } from './anomaly-query.js';
export { MAX_CONTEXT_LINES, MAX_STORED_TEXT } from './anomaly-rows.js';

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

/** Hard caps on stored anomalies (0 or unset = no cap). */
export interface AnomalyCaps {
  /** Most anomalies stored per record source per hour of storage time. */
  maxPerSourceHour?: number;
  /** Most anomalies stored in total. */
  maxTotal?: number;
}

/** What the caps did since the store was opened. */
export interface AnomalyCapStats {
  /** New anomalies not stored: their source's hour was full of ones at least as severe. */
  dropped: number;
  /** Stored anomalies deleted to make room (per-source-hour replacement and the total cap). */
  evicted: number;
  /** Anomalies stored now. */
  stored: number;
}

/** Hour buckets kept in memory (sources seen this hour); beyond it they are re-read from the store. */
const MAX_BUCKETS = 10_000;
const HOUR_MS = 3_600_000;
const SEVERITY_RANK: Record<string, number> = Object.fromEntries(SEVERITIES.map((s, i) => [s, i]));
const RANK_SQL = `CASE severity ${SEVERITIES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} ELSE ${SEVERITIES.length} END`;

export interface RetentionResult {
  byAge: number;
  byRows: number;
}

export class Anomalies {
  private readonly insert: Stmt;
  private readonly insertAttr: Stmt;
  private readonly byId: Stmt;
  private readonly deleteBefore: Stmt;
  private readonly deleteStoredBefore: Stmt;
  private readonly deleteBeyond: Stmt;
  /** The batch insert wrapped in a transaction once, not per call. */
  private readonly insertTxn: Database.Transaction<(items: readonly Anomaly[], createdAt: number) => Anomaly[]>;
  /** One statement per filter shape (at most 128), each prepared on first use and then reused. */
  private readonly queries = new Map<number, Stmt>();
  private readonly bucketCounts: Stmt;
  private readonly evictInBucket: Stmt;
  private readonly evictLowest: Stmt;
  private readonly countAll: Stmt;
  private readonly exists: Stmt;
  /** Stored anomalies per severity rank, per source, for the hour `bucketHour`. */
  private readonly buckets = new Map<string, number[]>();
  private bucketHour = -1;
  private total: number;
  private readonly capStatsValue = { dropped: 0, evicted: 0 };

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly caps: AnomalyCaps = {},
  ) {
    this.insert = db.prepare(
      `INSERT INTO anomalies (id, ts, source, detector, severity, score, title, explanation, context,
         window_start, window_end, session_key, template_id, created_at, attrs, context_attrs)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    );
    this.insertAttr = db.prepare('INSERT INTO anomaly_attrs (anomaly_id, key, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM anomalies WHERE id = ?`);
    this.deleteBefore = db.prepare('DELETE FROM anomalies WHERE ts < ?');
    this.deleteStoredBefore = db.prepare('DELETE FROM anomalies WHERE created_at < ?');
    this.deleteBeyond = db.prepare(
      'DELETE FROM anomalies WHERE id IN (SELECT id FROM anomalies ORDER BY ts DESC, id DESC LIMIT -1 OFFSET ?)',
    );
    this.insertTxn = db.transaction((items: readonly Anomaly[], createdAt: number) => this.insertRows(items, createdAt));
    this.bucketCounts = db.prepare('SELECT severity, COUNT(*) AS n FROM anomalies WHERE source = ? AND created_at >= ? AND created_at < ? GROUP BY severity');
    this.evictInBucket = db.prepare(
      'DELETE FROM anomalies WHERE id = (SELECT id FROM anomalies WHERE source = ? AND severity = ? AND created_at >= ? AND created_at < ? ORDER BY created_at, ts, id LIMIT 1)',
    );
    this.evictLowest = db.prepare(`DELETE FROM anomalies WHERE id IN (SELECT id FROM anomalies ORDER BY ${RANK_SQL}, created_at, ts, id LIMIT ?)`);
    this.countAll = db.prepare('SELECT COUNT(*) AS n FROM anomalies');
    this.exists = db.prepare('SELECT 1 FROM anomalies WHERE id = ?');
    this.total = (this.countAll.get() as { n: number }).n;
  }

  /** What the caps did since the store was opened, and how many anomalies are stored. */
  capStats(): AnomalyCapStats {
    return { ...this.capStatsValue, stored: this.total };
  }

  /** Inserts a batch in one transaction; returns the anomalies that were new (ids not yet stored). */
  insertMany(batch: readonly Anomaly[]): Anomaly[] {
    // BEGIN IMMEDIATE: the caps read before they write, and a deferred read-then-write transaction fails
    // at once (SQLITE_BUSY, no busy wait) when an engine thread's connection wrote in between.
    const before = { ...this.capStatsValue };
    try {
      return this.insertTxn.immediate(batch, this.clock.now());
    } catch (e) {
      // Rolled back (disk full, locked…): the counts kept in memory must not keep what was undone.
      Object.assign(this.capStatsValue, before);
      this.total = (this.countAll.get() as { n: number }).n;
      this.buckets.clear();
      throw e;
    }
  }

  private insertRows(items: readonly Anomaly[], createdAt: number): Anomaly[] {
    const inserted: Anomaly[] = [];
    const perHour = this.caps.maxPerSourceHour ?? 0;
    for (let i = 0; i < items.length; i++) {
      const a = items[i];
      checkAnomaly(a);
      const bucket = perHour > 0 ? this.bucket(a.source, createdAt) : undefined;
      if (bucket !== undefined && sum(bucket) >= perHour) {
        if (this.exists.get(a.id) !== undefined) continue;
        // Full: replace the oldest anomaly of the lowest severity below this one, else drop this one.
        const rank = SEVERITY_RANK[a.severity];
        const lower = bucket.findIndex((n, r) => r < rank && n > 0);
        if (lower < 0) {
          this.capStatsValue.dropped++;
          continue;
        }
        const hour = Math.floor(createdAt / HOUR_MS) * HOUR_MS;
        const gone = this.evictInBucket.run(a.source, SEVERITIES[lower], hour, hour + HOUR_MS).changes;
        bucket[lower] -= 1;
        this.total -= gone;
        this.capStatsValue.evicted += gone;
      }
      const attrs = boundAttrs(a.attrs);
      const context = boundContext(a.context ?? []);
      // Positional binding: no per-row parameter object.
      const info = this.insert.run(
        a.id,
        a.ts,
        a.source,
        a.detector,
        a.severity,
        a.score,
        a.title,
        JSON.stringify(boundExplanation(a.explanation ?? [])),
        JSON.stringify(context),
        a.window ? a.window.start : null,
        a.window ? a.window.end : null,
        a.sessionKey ?? null,
        a.templateId ?? null,
        createdAt,
        attrs === undefined ? null : JSON.stringify(attrs),
        contextAttrsJson(a.contextAttrs, a.context ?? [], context.length),
      );
      if (info.changes === 1) {
        if (attrs !== undefined) for (const k in attrs) this.insertAttr.run(a.id, k, attrs[k]);
        inserted.push(a);
        this.total++;
        if (bucket !== undefined) bucket[SEVERITY_RANK[a.severity]]++;
      }
    }
    const maxTotal = this.caps.maxTotal ?? 0;
    if (maxTotal > 0 && this.total > maxTotal) {
      const gone = this.evictLowest.run(this.total - Math.floor(maxTotal * 0.99)).changes;
      this.total -= gone;
      this.capStatsValue.evicted += gone;
      // The per-hour counts may name deleted rows: re-read them when next needed.
      this.buckets.clear();
    }
    return inserted;
  }

  /** The per-severity counts of `source` in the hour of `createdAt` (read from the store once per hour). */
  private bucket(source: string, createdAt: number): number[] {
    const hour = Math.floor(createdAt / HOUR_MS);
    if (hour !== this.bucketHour || this.buckets.size >= MAX_BUCKETS) {
      this.buckets.clear();
      this.bucketHour = hour;
    }
    let b = this.buckets.get(source);
    if (b === undefined) {
      b = SEVERITIES.map(() => 0);
      for (const r of this.bucketCounts.all(source, hour * HOUR_MS, (hour + 1) * HOUR_MS) as { severity: string; n: number }[]) {
        const rank = SEVERITY_RANK[r.severity];
        if (rank !== undefined) b[rank] += r.n;
      }
      this.buckets.set(source, b);
    }
    return b;
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
    shape |= attrFilters(q.attrs, params) << F_ATTRS_SHIFT;
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
    const n = this.deleteBefore.run(ts).changes;
    this.forget(n);
    return n;
  }

  /** Rows were deleted outside the caps: adjust the total, re-read the hour counts when next needed. */
  private forget(n: number): void {
    if (n === 0) return;
    this.total = Math.max(0, this.total - n);
    this.buckets.clear();
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
    const r = run();
    this.forget(r.byAge + r.byRows);
    return r;
  }
}

function sum(counts: readonly number[]): number {
  let n = 0;
  for (const c of counts) n += c;
  return n;
}
