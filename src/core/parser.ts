/**
 * @module core/parser
 * The parsing seam: records in, events with stable template ids out; state can be snapshotted.
 */
import type { LogEvent, LogRecord } from './event.js';

/** Explicit, versioned state; never a dump of the object graph. */
export interface Snapshot<D = unknown> {
  kind: string;
  version: number;
  data: D;
}

export type MinerMode = 'learn' | 'match';

export interface Parser {
  /** Parse a batch in order; one event per record. */
  parse(records: LogRecord[], mode?: MinerMode): LogEvent[];
  snapshot(): Snapshot;
  restore(s: Snapshot): void;
}
