/**
 * @module topology/stored-anomalies
 * Newly stored anomalies, handed to every part of the service that reads them as they are stored:
 * the live feed, the metrics (counts, ingest → anomaly latency), the UI's rate history. The engine
 * host publishes into it; each reader subscribes once it is built. So the host can be built before
 * the parts that also read its counters (the metrics, the API's health), with no closure over a part
 * declared after it. In distributed mode this is the `anomalies` topic the serve node consumes
 * (DESIGN §5).
 * @example
 * const stored = new StoredAnomalies();
 * const engine = createEngineHost({ …, onAnomalies: stored.publish });
 * stored.subscribe((a) => feed.publish(a));
 */
import type { Anomaly } from '../core/event.js';

/** `arrivalTs`: arrival time of the batch they were found in (undefined for anomalies found by `tick`). */
export type AnomalyReader = (anomalies: Anomaly[], arrivalTs?: number) => void;

export class StoredAnomalies {
  private readonly readers: AnomalyReader[] = [];

  subscribe(reader: AnomalyReader): void {
    this.readers.push(reader);
  }

  /** Hands a batch to every reader, in subscription order (bound: pass it as a callback). */
  readonly publish = (anomalies: Anomaly[], arrivalTs?: number): void => {
    for (const r of this.readers) r(anomalies, arrivalTs);
  };
}
