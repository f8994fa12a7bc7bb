/**
 * @module topology/engine-found
 * What the engine worker threads found, stored on the main thread (topology/engine-thread.ts), and
 * the acknowledgements that wait for it: the feedback policy first, then the anomalies with their
 * alerts in one transaction (`AnomalyWriter`: kept and retried while the store refuses writes), and a
 * source's acknowledgement given only once every anomaly found before it is stored — the order of
 * the in-process engine, so a restart never skips an anomaly that was found but not stored.
 * @example
 * const found = new FoundAnomalies({ store, writes, logger, ack: (src, c) => sources[src].ack(c), error });
 * found.found(anomalies, arrival); // a worker's 'anomalies' message
 * found.acked(src, cursor);        // a worker's 'ack' that follows it on the same port
 */
import type { Logger } from '../core/component.js';
import type { Anomaly, Cursor } from '../core/event.js';
import type { AnomalyStore } from '../core/engine.js';
import type { WriteFailures } from '../store/index.js';
import { AnomalyWriter } from './store-writes.js';

export interface FoundAnomaliesOptions {
  store: AnomalyStore;
  writes: WriteFailures;
  logger: Logger;
  /** Applied before storing (the feedback policy). */
  filterAnomalies?: (anomalies: Anomaly[]) => Anomaly[];
  /** Newly stored anomalies, with the arrival time of the batch they were found in. */
  onAnomalies?: (anomalies: Anomaly[], arrivalTs?: number) => void;
  /** Gives an acknowledgement to the source component `src`. */
  ack: (src: number, cursor: Cursor) => void;
  /** A store failure that is not a refused write (a component failure of the store; counted). */
  error: (e: unknown) => void;
}

export class FoundAnomalies {
  /** Counted here: the workers report what they found, this thread what it stored. */
  readonly stored = { anomalies: 0, duplicates: 0 };
  private readonly writer: AnomalyWriter;
  /** Acknowledgements held while found anomalies wait for the store (given once they are stored). */
  private held: { src: number; cursor: Cursor }[] = [];

  constructor(private readonly o: FoundAnomaliesOptions) {
    this.writer = new AnomalyWriter({
      store: o.store,
      writes: o.writes,
      logger: o.logger,
      onStored: (inserted, found, arrival) => {
        this.stored.anomalies += inserted.length;
        this.stored.duplicates += found - inserted.length;
        if (inserted.length > 0) o.onAnomalies?.(inserted, arrival);
      },
    });
  }

  /** Anomalies waiting for the store, and those dropped because too many waited. */
  get unstored(): number {
    return this.writer.unstored;
  }

  get dropped(): number {
    return this.writer.dropped;
  }

  /** What a worker found: filtered, then stored (or kept while the store refuses writes). */
  found(anomalies: Anomaly[], arrival: number | undefined): void {
    if (anomalies.length > 0 && this.o.filterAnomalies) anomalies = this.o.filterAnomalies(anomalies);
    if (anomalies.length === 0) return;
    try {
      this.writer.write(anomalies, arrival);
    } catch (e) {
      this.o.error(e);
    }
    this.release();
  }

  /** A worker acknowledged `cursor`: given now, or once the anomalies found before it are stored. */
  acked(src: number, cursor: Cursor): void {
    if (this.writer.unstored > 0) this.held.push({ src, cursor });
    else this.o.ack(src, cursor);
  }

  /** Anomalies kept while the store refused writes: tried again. */
  retry(): void {
    if (this.writer.unstored === 0) return;
    try {
      this.writer.retry();
    } catch (e) {
      this.o.error(e);
    }
    this.release();
  }

  /** Gives the held acknowledgements, in order, once nothing waits for the store. */
  private release(): void {
    if (this.writer.unstored > 0 || this.held.length === 0) return;
    const held = this.held;
    this.held = [];
    for (const h of held) this.o.ack(h.src, h.cursor);
  }
}
