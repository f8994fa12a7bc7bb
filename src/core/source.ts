/**
 * @module core/source
 * The ingest seam (DESIGN §2): sources emit batches of raw records and persist a cursor only after
 * the pipeline acknowledges that a batch was durably processed (at-least-once; downstream is
 * idempotent by anomaly id).
 */
import type { FastifyInstance } from 'fastify';
import type { Cursor } from './event.js';

/** One line or message as received, before record extraction and mining. */
export interface RawRecord {
  /** Source id (`file:/var/log/app.log`, `syslog`, `http`…): each source has its own parser state. */
  source: string;
  text: string;
  /** Arrival time (epoch ms), used when the record carries no timestamp. */
  arrivalTs: number;
  /** 1-based line number within the source's stream, when it has one. */
  line?: number;
  /** Byte offset where this record starts in its file (lets a consumer acknowledge part of a batch). */
  offset?: number;
  /** Fields the transport already parsed (syslog header, Loki labels, OTLP attributes). */
  attrs?: Record<string, unknown>;
  /** Set when the text was cut at the source's `max_line_bytes` (counted in its `truncated_lines`). */
  truncated?: boolean;
}

export interface RawBatch {
  records: RawRecord[];
  /** Ack this once every record of the batch is processed; the source then persists it. */
  cursor?: Cursor;
}

export interface SourceStats {
  received: number;
  bytes: number;
  dropped: number;
  errors: number;
}

export interface Source {
  readonly id: string;
  /**
   * Reads until `signal` aborts. `emit` resolves when the pipeline has taken the batch; awaiting it
   * is the back-pressure: a slow pipeline slows the source, memory stays bounded.
   */
  run(emit: (batch: RawBatch) => Promise<void>, signal: AbortSignal): Promise<void>;
  /** Everything up to `cursor` is durably processed: persist it (resume point after a restart). */
  ack(cursor: Cursor): void;
  stats(): SourceStats;
  /**
   * A source that serves on the API's port (HTTP ingest) adds its routes here, before the port opens;
   * called once by the service (`topology/build.ts`) with the API's fastify instance.
   */
  register?(app: FastifyInstance): void;
}

export type { CheckpointStore } from './ports.js';
