/**
 * @module topology/store-writes
 * What the pipeline does when the store cannot write (disk full, locked by another process,
 * read-only): it logs once per change of condition (not once per write), keeps what it found and
 * retries it, holds the sources' acknowledgements back so a restart re-reads what was not saved,
 * and goes back to normal by itself when a write succeeds again. `/api/health` shows it meanwhile.
 */
import type { Logger } from '../core/component.js';
import type { Anomaly, Cursor } from '../core/event.js';
import type { AnomalyStore } from '../core/engine.js';
import type { CheckpointStore } from '../core/source.js';
import type { WriteFailures } from '../store/write-failures.js';

/**
 * Records `e` when it is a refused store write (logging when the condition starts or changes);
 * false when it is something else (a bug: the caller handles it as before).
 */
export function noteWriteFailure(writes: WriteFailures, logger: Logger, e: unknown): boolean {
  const r = writes.record(e);
  if (r.changed && r.error) logger.error('The store cannot write; the service keeps running and retries.', { error: r.error.toLine() });
  return r.recorded;
}

/** A store write went through: logs the recovery when it ends a failure. */
export function noteWriteOk(writes: WriteFailures, logger: Logger): void {
  if (writes.succeeded()) logger.info('The store writes again.');
}

/** Anomalies kept while the store cannot write, at most this many (the oldest go first, counted). */
export const MAX_UNSTORED = 10_000;

/**
 * Stores found anomalies; while the store refuses writes, keeps them (bounded) and stores them,
 * oldest first, on the next `write` or `retry`. Anomaly ids are deterministic, so a retry of a
 * batch that did commit stores nothing twice.
 */
export class AnomalyWriter {
  private waiting: { anomalies: Anomaly[]; arrival: number | undefined }[] = [];
  private count = 0;
  /** Anomalies dropped because more than `max` were waiting. */
  dropped = 0;

  constructor(
    private readonly opts: {
      store: AnomalyStore;
      writes: WriteFailures;
      logger: Logger;
      /** Called with what a write stored (possibly after waiting), `found` = how many were offered. */
      onStored: (inserted: Anomaly[], found: number, arrival: number | undefined) => void;
      max?: number;
    },
  ) {}

  /** Anomalies waiting for the store. */
  get unstored(): number {
    return this.count;
  }

  /** Stores `found` after what waits; returns what was newly stored by this call. */
  write(found: Anomaly[], arrival: number | undefined): Anomaly[] {
    if (found.length === 0) return [];
    this.waiting.push({ anomalies: found, arrival });
    this.count += found.length;
    const max = this.opts.max ?? MAX_UNSTORED;
    while (this.count > max && this.waiting.length > 1) {
      const old = this.waiting.shift()!;
      this.count -= old.anomalies.length;
      this.dropped += old.anomalies.length;
    }
    return this.retry();
  }

  /** Stores what waits, oldest first, until the store refuses (errors other than refused writes propagate); returns what it stored. */
  retry(): Anomaly[] {
    const out: Anomaly[] = [];
    while (this.waiting.length > 0) {
      const next = this.waiting[0];
      let inserted: Anomaly[];
      try {
        inserted = this.opts.store.insertAnomalies(next.anomalies);
      } catch (e) {
        if (noteWriteFailure(this.opts.writes, this.opts.logger, e)) return out;
        // Not a condition of the machine (a malformed anomaly): these are dropped, not retried forever.
        this.waiting.shift();
        this.count -= next.anomalies.length;
        throw e;
      }
      this.waiting.shift();
      this.count -= next.anomalies.length;
      noteWriteOk(this.opts.writes, this.opts.logger);
      this.opts.onStored(inserted, next.anomalies.length, next.arrival);
      for (const a of inserted) out.push(a);
    }
    return out;
  }
}

/**
 * The sources' checkpoint store, tolerant of refused writes: a resume point that could not be
 * saved is superseded by the next one, so the source goes on (and re-reads a little more after a
 * restart: at least once) rather than failing. The failure is counted and shown in health.
 */
export function tolerantCheckpoints(inner: CheckpointStore, writes: WriteFailures, logger: Logger): CheckpointStore {
  return {
    load: (sourceId) => inner.load(sourceId),
    save(sourceId: string, cursor: Cursor) {
      try {
        inner.save(sourceId, cursor);
      } catch (e) {
        if (!noteWriteFailure(writes, logger, e)) throw e;
        return;
      }
      noteWriteOk(writes, logger);
    },
  };
}
