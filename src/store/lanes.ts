/**
 * @module store/lanes
 * The engine worker thread of each record source, per number of threads (see migration 0005).
 * @example
 * store.lanes.get('file:/var/log/app.log', 2);   // 1, or undefined before its first batch
 * store.lanes.assign('file:/var/log/app.log', 2, 1);
 * store.lanes.counts(2);                          // [sources on thread 0, sources on thread 1]
 */
import type { Db } from './db.js';

export class SourceLanes {
  private readonly getStmt;
  private readonly putStmt;
  private readonly countStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string, number], { lane: number }>('SELECT lane FROM source_lanes WHERE source = ? AND lanes = ?');
    this.putStmt = db.prepare<[string, number, number]>('INSERT OR REPLACE INTO source_lanes (source, lanes, lane) VALUES (?, ?, ?)');
    this.countStmt = db.prepare<[number], { lane: number; n: number }>('SELECT lane, count(*) AS n FROM source_lanes WHERE lanes = ? GROUP BY lane');
  }

  get(source: string, lanes: number): number | undefined {
    const lane = this.getStmt.get(source, lanes)?.lane;
    return lane !== undefined && lane >= 0 && lane < lanes ? lane : undefined;
  }

  assign(source: string, lanes: number, lane: number): void {
    this.putStmt.run(source, lanes, lane);
  }

  /** Sources assigned to each of `lanes` threads. */
  counts(lanes: number): number[] {
    const out = new Array<number>(lanes).fill(0);
    for (const r of this.countStmt.all(lanes)) if (r.lane >= 0 && r.lane < lanes) out[r.lane] = r.n;
    return out;
  }
}
