/**
 * @module store/feedback
 * Feedback rows (verdict, comment, user, when, mute expiry) with a copy of their anomaly's
 * fingerprint, and the anomaly's `status` (its latest verdict) kept in the same transaction.
 * Reads: one anomaly's feedback (newest first), a paged export (newest first, keyset on id), and
 * the latest row per fingerprint — the state the feedback policy is rebuilt from at start.
 */
import type { Clock } from '../core/clock.js';
import type { Verdict } from '../core/event.js';
import type { Db, Stmt } from './db.js';
import { checkTime, decodeCursor, encodeCursor, pageSize } from './paging.js';

export type { Verdict } from '../core/event.js';

/** What is stored with one piece of feedback (the caller computes the fingerprint). */
export interface NewFeedback {
  anomalyId: string;
  verdict: Verdict;
  comment?: string;
  user?: string;
  /** Epoch ms when a mute ends (verdict `mute` only). */
  muteUntil?: number;
  fingerprint: string;
  detector: string;
  source: string;
  templateId?: number;
  /** The anomaly's first explanation feature and observed value (what "learn" widens to). */
  feature?: string;
  observed?: number;
  /** The anomaly's template text (its first explanation's), kept for the policy after the anomaly ages out. */
  template?: string;
}

export interface FeedbackRow extends NewFeedback {
  id: number;
  createdAt: number;
}

export interface FeedbackQuery {
  /** Inclusive lower bound on `createdAt`. */
  since?: number;
  /** Exclusive upper bound on `createdAt`. */
  until?: number;
  verdict?: Verdict;
  limit?: number;
  cursor?: string;
}

export interface FeedbackPage {
  feedback: FeedbackRow[];
  next: string | null;
}

interface Raw {
  id: number;
  anomaly_id: string;
  verdict: Verdict;
  comment: string | null;
  user: string | null;
  mute_until: number | null;
  created_at: number;
  fingerprint: string;
  detector: string;
  source: string;
  template_id: number | null;
  feature: string | null;
  observed: number | null;
  template: string | null;
}

const COLUMNS = 'id, anomaly_id, verdict, comment, user, mute_until, created_at, fingerprint, detector, source, template_id, feature, observed, template';

export class FeedbackTable {
  private readonly insert: Stmt;
  private readonly setStatus: Stmt;
  private readonly ofAnomaly: Stmt;
  private readonly latest: Stmt;
  private readonly queries = new Map<string, Stmt>();
  private readonly addTxn: (f: NewFeedback, at: number) => FeedbackRow;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.insert = db.prepare(
      `INSERT INTO feedback (anomaly_id, verdict, comment, user, mute_until, created_at, fingerprint, detector, source, template_id, feature, observed, template)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.setStatus = db.prepare('UPDATE anomalies SET status = ? WHERE id = ?');
    this.ofAnomaly = db.prepare(`SELECT ${COLUMNS} FROM feedback WHERE anomaly_id = ? ORDER BY id DESC LIMIT 1000`);
    this.latest = db.prepare(`SELECT ${COLUMNS} FROM feedback WHERE id IN (SELECT MAX(id) FROM feedback GROUP BY fingerprint) ORDER BY id DESC LIMIT ?`);
    this.addTxn = db.transaction((f: NewFeedback, at: number): FeedbackRow => {
      const info = this.insert.run(f.anomalyId, f.verdict, f.comment ?? null, f.user ?? null, f.muteUntil ?? null, at, f.fingerprint, f.detector, f.source, f.templateId ?? null, f.feature ?? null, f.observed ?? null, f.template ?? null);
      this.setStatus.run(f.verdict, f.anomalyId);
      return { ...f, id: Number(info.lastInsertRowid), createdAt: at };
    });
  }

  /** Stores the feedback and sets the anomaly's status to its verdict, in one transaction. */
  add(f: NewFeedback): FeedbackRow {
    return this.addTxn(f, this.clock.now());
  }

  /** Feedback on one anomaly, newest first (at most 1000). */
  forAnomaly(anomalyId: string): FeedbackRow[] {
    return (this.ofAnomaly.all(anomalyId) as Raw[]).map(toRow);
  }

  /** The newest feedback of each fingerprint (newest first, at most `max`). */
  latestPerFingerprint(max: number): FeedbackRow[] {
    return (this.latest.all(max) as Raw[]).map(toRow);
  }

  /** Export: newest first, keyset paging on id. */
  query(q: FeedbackQuery = {}): FeedbackPage {
    const limit = pageSize(q.limit);
    checkTime('since', q.since);
    checkTime('until', q.until);
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: limit + 1 };
    const filters: [unknown, string, string][] = [
      [q.since, 'since', 'created_at >= @since'],
      [q.until, 'until', 'created_at < @until'],
      [q.verdict, 'verdict', 'verdict = @verdict'],
    ];
    for (const [value, key, clause] of filters) {
      if (value === undefined) continue;
      where.push(clause);
      params[key] = value;
    }
    if (q.cursor !== undefined && q.cursor !== '') {
      where.push('id < @before');
      params.before = Number(decodeCursor(q.cursor).id);
    }
    // Fixed fragments chosen by which filters are present (at most 16 shapes), never user text.
    const sql = `SELECT ${COLUMNS} FROM feedback ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
    let st = this.queries.get(sql);
    if (!st) this.queries.set(sql, (st = this.db.prepare(sql)));
    const rows = (st.all(params) as Raw[]).map(toRow);
    const more = rows.length > limit;
    if (more) rows.length = limit;
    const last = rows[rows.length - 1];
    return { feedback: rows, next: more ? encodeCursor({ ts: last.createdAt, id: String(last.id) }) : null };
  }
}

function toRow(r: Raw): FeedbackRow {
  const f: FeedbackRow = {
    id: r.id,
    anomalyId: r.anomaly_id,
    verdict: r.verdict,
    createdAt: r.created_at,
    fingerprint: r.fingerprint,
    detector: r.detector,
    source: r.source,
  };
  if (r.comment !== null) f.comment = r.comment;
  if (r.user !== null) f.user = r.user;
  if (r.mute_until !== null) f.muteUntil = r.mute_until;
  if (r.template_id !== null) f.templateId = r.template_id;
  if (r.feature !== null) f.feature = r.feature;
  if (r.observed !== null) f.observed = r.observed;
  if (r.template !== null) f.template = r.template;
  return f;
}
