/**
 * @module store/outbox
 * The alert outbox: one row per (sink, anomaly), delivered at least once with retries. The
 * alerting stage enqueues in the same transaction as the anomalies; a sender polls `due`.
 */
import type { Anomaly } from '../core/event.js';
import { AnomalogError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { Db, Stmt } from './db.js';
import { parseColumn } from './json.js';
import { pageSize } from './paging.js';

export interface OutboxItem {
  id: number;
  sink: string;
  anomalyId: string;
  anomaly: Anomaly;
  /** The stored payload as parsed (the anomaly for `enqueue`, an alert for `insert`). */
  payload: unknown;
  /** Failed delivery attempts so far. */
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
}

/** One sink's pending rows at a time `now`, split by what they wait for (read by /metrics). */
export interface OutboxDelivery {
  /** Every pending row (including rows scheduled for later: group wait, cooldown, resolves). */
  pending: number;
  /** Rows due at `now` and not sent yet (next attempt at or before `now`). */
  due: number;
  /** Rows with a failed attempt, not delivered yet (waiting for their retry, or due for it). */
  retrying: number;
  /** The earliest next-attempt time among the due rows; null when none is due. */
  oldestDueAt: number | null;
}

interface Raw {
  id: number;
  sink: string;
  anomaly_id: string;
  payload: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

export class Outbox {
  private readonly add: Stmt;
  private readonly dueStmt: Stmt;
  private readonly sent: Stmt;
  private readonly failed: Stmt;
  private readonly depthStmt: Stmt;
  private readonly deliveryStmt: Stmt;
  private readonly pruneStmt: Stmt;
  private readonly insertStmt: Stmt;
  private readonly rescheduleStmt: Stmt;
  private readonly pendingStmt: Stmt;
  private readonly supersedeStmt: Stmt;
  private readonly retryNowStmt: Stmt;
  private readonly retryStaleStmt: Stmt;
  /** Batch writes wrapped in a transaction once, not per call. */
  private readonly enqueueTxn: (sink: string, items: readonly Anomaly[], now: number) => number;
  private readonly sentTxn: (ids: readonly number[]) => number;
  private readonly failedTxn: (rows: readonly { id: number; next: number | null }[], error: string) => void;

  constructor(
    db: Db,
    private readonly clock: Clock,
  ) {
    this.add = db.prepare(
      `INSERT OR IGNORE INTO outbox (sink, anomaly_id, payload, attempts, next_attempt_at, status)
       VALUES (?, ?, ?, 0, ?, 'pending')`,
    );
    this.dueStmt = db.prepare(
      `SELECT id, sink, anomaly_id, payload, attempts, next_attempt_at, last_error FROM outbox
       WHERE sink = ? AND status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
    );
    this.sent = db.prepare(`UPDATE outbox SET status = 'sent', last_error = NULL WHERE id = ? AND status = 'pending'`);
    this.failed = db.prepare(
      `UPDATE outbox SET attempts = attempts + 1, last_error = @error, next_attempt_at = COALESCE(@next, next_attempt_at),
         status = CASE WHEN @next IS NULL THEN 'failed' ELSE 'pending' END
       WHERE id = @id AND status = 'pending'`,
    );
    this.depthStmt = db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE sink = ? AND status = 'pending'`);
    // One pass over the pending rows (the outbox_due index covers it): no row is read twice per scrape.
    this.deliveryStmt = db.prepare(
      `SELECT sink, COUNT(*) AS pending, SUM(next_attempt_at <= @now) AS due,
         SUM(attempts > 0) AS retrying,
         MIN(CASE WHEN next_attempt_at <= @now THEN next_attempt_at END) AS oldest
       FROM outbox WHERE status = 'pending' GROUP BY sink`,
    );
    this.pruneStmt = db.prepare(
      `DELETE FROM outbox WHERE status != 'pending' AND anomaly_id NOT IN (SELECT id FROM anomalies)`,
    );
    this.insertStmt = db.prepare(
      `INSERT INTO outbox (sink, anomaly_id, payload, attempts, next_attempt_at, status)
       VALUES (?, ?, ?, 0, ?, 'pending') ON CONFLICT (sink, anomaly_id) DO NOTHING`,
    );
    this.rescheduleStmt = db.prepare(
      `UPDATE outbox SET payload = @payload, next_attempt_at = @next
       WHERE id = @id AND sink = @sink AND anomaly_id = @key AND status = 'pending' AND attempts = 0 AND next_attempt_at > @now`,
    );
    this.supersedeStmt = db.prepare(
      `UPDATE outbox SET status = 'sent', last_error = 'superseded'
       WHERE id = @id AND sink = @sink AND anomaly_id = @key AND status = 'pending' AND next_attempt_at > @now`,
    );
    this.retryNowStmt = db.prepare(
      `UPDATE outbox SET next_attempt_at = @now
       WHERE sink = @sink AND status = 'pending' AND attempts > 0 AND next_attempt_at > @now
         AND (@skip IS NULL OR substr(anomaly_id, 1, length(@skip)) != @skip)`,
    );
    this.retryStaleStmt = db.prepare(
      `UPDATE outbox SET next_attempt_at = @now
       WHERE sink = @sink AND status = 'pending' AND attempts > 0 AND next_attempt_at > @now + @ahead`,
    );
    this.pendingStmt = db.prepare(
      `SELECT id, sink, anomaly_id, payload, attempts, next_attempt_at, last_error FROM outbox
       WHERE sink = ? AND status = 'pending' ORDER BY id LIMIT ?`,
    );
    this.enqueueTxn = db.transaction((sink: string, items: readonly Anomaly[], now: number) => {
      let n = 0;
      for (let i = 0; i < items.length; i++) n += this.add.run(sink, items[i].id, JSON.stringify(items[i]), now).changes;
      return n;
    });
    this.sentTxn = db.transaction((ids: readonly number[]) => {
      let n = 0;
      for (let i = 0; i < ids.length; i++) n += this.sent.run(ids[i]).changes;
      return n;
    });
    this.failedTxn = db.transaction((rows: readonly { id: number; next: number | null }[], error: string) => {
      for (const r of rows) this.markFailed(r.id, error, r.next);
    });
  }

  /** Queues each anomaly for `sink` once (a re-enqueue of the same id is ignored); returns how many were new. */
  enqueue(sink: string, anomalies: readonly Anomaly[]): number {
    return this.enqueueTxn(sink, anomalies, this.clock.now());
  }

  /**
   * Queues one payload under `key` (unique per sink; the alerting policy uses the opening anomaly's
   * id) to be sent at `nextAttemptAt`; returns the row id, or null when the key is already queued.
   */
  insert(sink: string, key: string, payload: unknown, nextAttemptAt: number): number | null {
    const r = this.insertStmt.run(sink, key, JSON.stringify(payload), nextAttemptAt);
    return r.changes === 1 ? Number(r.lastInsertRowid) : null;
  }

  /**
   * Replaces the payload and send time of a row that is still waiting: pending, never attempted and
   * not yet due at `now` (so never a row the dispatcher may be sending). False when it is not.
   */
  reschedule(row: { id: number; sink: string; key: string }, payload: unknown, nextAttemptAt: number, now: number): boolean {
    const r = this.rescheduleStmt.run({ id: row.id, sink: row.sink, key: row.key, payload: JSON.stringify(payload), next: nextAttemptAt, now });
    return r.changes === 1;
  }

  /**
   * Withdraws a row waiting for a retry or its first attempt (pending and not due at `now`, so not
   * being sent) because a newer notification makes it wrong; it is marked sent with last_error
   * 'superseded'. False when it is not waiting.
   */
  supersede(row: { id: number; sink: string; key: string }, now: number): boolean {
    return this.supersedeStmt.run({ id: row.id, sink: row.sink, key: row.key, now }).changes === 1;
  }

  /**
   * Makes every row of `sink` waiting for a retry due at `now` (the receiver is back), except keys
   * starting with `skipKeyPrefix` (they keep their own timers); returns how many.
   */
  retryNow(sink: string, now: number, skipKeyPrefix?: string): number {
    return this.retryNowStmt.run({ sink, now, skip: skipKeyPrefix ?? null }).changes;
  }

  /**
   * Makes due at `now` every retry of `sink` scheduled more than `aheadMs` ahead: no back-off is that
   * long, so the clock that scheduled it was ahead of this one (it stepped back while the service was
   * down, or the last process had absorbed a backward step: core/clock.ts). Returns how many.
   */
  retryStale(sink: string, now: number, aheadMs: number): number {
    return this.retryStaleStmt.run({ sink, now, ahead: aheadMs }).changes;
  }

  /** Every pending row of `sink` (up to `limit`), oldest first: the alerting policy's restart state. */
  pending(sink: string, limit: number): OutboxItem[] {
    return (this.pendingStmt.all(sink, limit) as Raw[]).map(toItem);
  }

  /** Pending items of `sink` whose next attempt is at or before `now`, oldest first. */
  due(sink: string, now: number, limit: number): OutboxItem[] {
    return (this.dueStmt.all(sink, now, pageSize(limit)) as Raw[]).map(toItem);
  }

  /** Marks delivered items; returns how many pending rows changed. */
  markSent(ids: readonly number[]): number {
    return this.sentTxn(ids);
  }

  /** Records a failed attempt: retried at `nextAttemptAt`, or given up for good when it is null. */
  markFailed(id: number, error: string, nextAttemptAt: number | null): boolean {
    if (nextAttemptAt !== null && !Number.isFinite(nextAttemptAt)) {
      throw new AnomalogError('ANOMALOG_ERR_STORE_QUERY', `nextAttemptAt must be a finite time or null, got ${String(nextAttemptAt)}.`);
    }
    return this.failed.run({ id, error, next: nextAttemptAt }).changes === 1;
  }

  /** `markFailed` for a whole failed batch, in one transaction (one write lock, not one per row). */
  markFailedMany(rows: readonly { id: number; next: number | null }[], error: string): void {
    this.failedTxn(rows, error);
  }

  /** Pending items of `sink` (the alerting backlog). */
  depth(sink: string): number {
    return (this.depthStmt.get(sink) as { n: number }).n;
  }

  /**
   * Pending rows per sink at `now`: how many are due (should be sent now), how many had a failed
   * attempt (retrying, due or not), and the oldest due time: what tells a stuck receiver from
   * alerts that are merely scheduled (read by /metrics).
   */
  deliveryBySink(now: number): Record<string, OutboxDelivery> {
    const out: Record<string, OutboxDelivery> = {};
    const rows = this.deliveryStmt.all({ now }) as { sink: string; pending: number; due: number; retrying: number; oldest: number | null }[];
    for (const r of rows) out[r.sink] = { pending: r.pending, due: r.due, retrying: r.retrying, oldestDueAt: r.oldest };
    return out;
  }

  /** Drops sent or given-up rows whose anomaly is gone (called by retention). */
  prune(): number {
    return this.pruneStmt.run().changes;
  }
}

function toItem(r: Raw): OutboxItem {
  const payload = parseColumn<Anomaly>(r.payload, `outbox payload ${r.id}`);
  return {
    id: r.id,
    sink: r.sink,
    anomalyId: r.anomaly_id,
    anomaly: payload,
    payload,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
  };
}
