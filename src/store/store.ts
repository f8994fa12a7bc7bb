/**
 * @module store/store
 * The embedded store: one SQLite file (WAL) holding checkpoints, parser state, templates,
 * anomalies, feedback, the model registry and the alert outbox. Every batch method is one transaction;
 * `batch(fn)` groups several (e.g. anomalies + outbox + checkpoint) into one atomic commit.
 */
import type { Anomaly } from '../core/event.js';
import type { Snapshot } from '../core/parser.js';
import type { EvictedTemplates } from '../core/engine.js';
import { systemClock, type Clock } from '../core/clock.js';
import { LATEST_VERSION, openDb, schemaVersion, type Db } from './db.js';
import { ParserStates, SqliteCheckpoints } from './checkpoints.js';
import { SourceLanes } from './lanes.js';
import { Templates, type TemplatePage, type TemplateQuery, type TemplateRow } from './templates.js';
import { Anomalies, type AnomalyCaps, type AnomalyCapStats, type AnomalyPage, type AnomalyQuery, type RetentionPolicy, type RetentionResult } from './anomalies.js';
import { type ActiveModel, Models, type SaveModel, type StoredModel } from './models.js';
import { Outbox } from './outbox.js';
import { FeedbackTable } from './feedback.js';
import { DEFAULT_BUSY_TIMEOUT_MS } from './config.js';
import { WriteFailures } from './write-failures.js';

/** The lock wait (ms) while the store is known to be locked by another process (see `writes`). */
const LOCKED_BUSY_TIMEOUT_MS = 50;

export interface StoreOptions {
  clock?: Clock;
  /** Lock wait for writers (ms), default 5000. */
  busyTimeoutMs?: number;
  /** Hard caps on stored anomalies (per source per hour, total); default none. */
  anomalyCaps?: AnomalyCaps;
}

export interface StoreRetentionResult extends RetentionResult {
  /** Sent or given-up outbox rows dropped because their anomaly is gone. */
  outbox: number;
}

export class Store {
  readonly checkpoints: SqliteCheckpoints;
  /** The engine worker thread of each record source (`pipeline.engine_threads` > 1). */
  readonly lanes: SourceLanes;
  readonly outbox: Outbox;
  /** Feedback on anomalies; adding one also sets the anomaly's `status`. */
  readonly feedback: FeedbackTable;
  /** Whether this connection's writes are refused now (disk full, locked…): its callers record it (health). */
  readonly writes: WriteFailures;
  private readonly parserStates: ParserStates;
  private readonly templates: Templates;
  private readonly anomalies: Anomalies;
  private readonly models: Models;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    anomalyCaps: AnomalyCaps = {},
    busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS,
  ) {
    this.checkpoints = new SqliteCheckpoints(db, clock);
    this.lanes = new SourceLanes(db);
    this.parserStates = new ParserStates(db, clock);
    this.templates = new Templates(db);
    this.anomalies = new Anomalies(db, clock, anomalyCaps);
    this.models = new Models(db, clock);
    this.outbox = new Outbox(db, clock);
    this.feedback = new FeedbackTable(db, clock);
    // While another process holds the lock, each write waits only briefly: a thread blocked for the
    // whole busy timeout on every retry could not answer HTTP (health, ingest) meanwhile.
    this.writes = new WriteFailures(db.name, () => clock.now(), (failing) => {
      if (!this.closed) this.db.pragma(`busy_timeout = ${failing === 'locked' ? LOCKED_BUSY_TIMEOUT_MS : busyTimeoutMs}`);
    });
  }

  /** The file path (or ':memory:'). */
  get path(): string {
    return this.db.name;
  }

  get schemaVersion(): number {
    return schemaVersion(this.db);
  }

  /**
   * Runs `fn` in one `BEGIN IMMEDIATE` transaction (nested store calls become savepoints): all or
   * nothing. `fn` must be synchronous (better-sqlite3 refuses a function returning a promise).
   */
  batch<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  saveParserState(source: string, snapshot: Snapshot): void {
    this.parserStates.save(source, snapshot);
  }

  loadParserState(source: string): Snapshot | undefined {
    return this.parserStates.load(source);
  }

  upsertTemplates(rows: readonly TemplateRow[], evicted?: readonly EvictedTemplates[]): void {
    this.templates.upsertMany(rows, evicted);
  }

  /** Template rows deleted because their miner evicted the template (since this store was opened). */
  get evictedTemplateRows(): number {
    return this.templates.evictedRows;
  }

  listTemplates(q?: TemplateQuery): TemplatePage {
    return this.templates.list(q);
  }

  /**
   * Inserts the batch (INSERT OR IGNORE by id); returns the anomalies that were not stored before.
   * `within` runs with those in the same transaction (the alert outbox): both commit or neither.
   */
  insertAnomalies(batch: readonly Anomaly[], within?: (inserted: Anomaly[]) => void): Anomaly[] {
    if (within === undefined) return this.anomalies.insertMany(batch);
    return this.batch(() => {
      const inserted = this.anomalies.insertMany(batch);
      if (inserted.length > 0) within(inserted);
      return inserted;
    });
  }

  /** Anomalies stored now, and what the caps dropped and evicted since the store was opened. */
  anomalyCapStats(): AnomalyCapStats {
    return this.anomalies.capStats();
  }

  getAnomaly(id: string): Anomaly | undefined {
    return this.anomalies.get(id);
  }

  queryAnomalies(q?: AnomalyQuery): AnomalyPage {
    return this.anomalies.query(q);
  }

  deleteAnomaliesBefore(ts: number): number {
    return this.anomalies.deleteOlderThan(ts);
  }

  applyRetention(p: RetentionPolicy): StoreRetentionResult {
    return this.batch(() => {
      const r = this.anomalies.retain(p);
      return { ...r, outbox: this.outbox.prune() };
    });
  }

  saveModel<A>(m: SaveModel<A>): StoredModel<A> {
    return this.models.save(m);
  }

  activeModel<A = unknown>(kind: string): StoredModel<A> | undefined {
    return this.models.activeOf<A>(kind);
  }

  /** Deletes the inactive models of a kind beyond its `keep` newest (retrained models would pile up otherwise). */
  pruneModels(kind: string, keep: number): number {
    return this.models.prune(kind, keep);
  }

  /** Every active model (one per kind), without artifacts. */
  activeModels(): ActiveModel[] {
    return this.models.activeAll();
  }

  /** Checkpoints the WAL into the main file and closes; safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

/**
 * Opens (creating the directory and file if missing) and migrates the store.
 * @example
 * const store = openStore('./anomalog-data/anomalog.db');
 * const fresh = store.insertAnomalies(batch);
 * const page = store.queryAnomalies({ source: 'file:/var/log/app.log', limit: 50 });
 * store.close();
 */
export function openStore(path: string, opts: StoreOptions = {}): Store {
  const clock = opts.clock ?? systemClock;
  const db = openDb(path, { busyTimeoutMs: opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS, now: clock.now() });
  return new Store(db, clock, opts.anomalyCaps, opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
}

export { LATEST_VERSION };
