/**
 * @module topology/engine-wire
 * The messages between the service's main thread and the engine's worker thread
 * (topology/engine-thread.ts ↔ topology/engine-worker.ts). Batches travel as columns — one string
 * array and typed arrays, no object per record — so the structured clone costs a copy of the
 * text and little else.
 */
import type { ComponentError } from '../core/component.js';
import type { DeclaredReadings } from './component-metrics.js';
import type { Confirmed, LearnAsNormal } from '../core/detector.js';
import type { Anomaly, Cursor } from '../core/event.js';
import type { RawBatch, RawRecord } from '../core/source.js';
import type { EventRun } from '../core/event-runs.js';
import type { EngineStats, StreamCounters } from './engine.js';
import type { StoreWriteStats, ThreadMemory } from '../core/engine.js';

/** A batch as columns. `runs` holds [source, arrivalTs, end index) triples; NaN = no line/offset. */
export interface WireBatch {
  texts: string[];
  runs: (string | number)[];
  lines?: Float64Array;
  offsets?: Float64Array;
  /**
   * The transport's attributes (`RawRecord.attrs`) as distinct objects, and per record the index of
   * its own in that list (-1: none); both absent when no record has any. Records that share one
   * object (a syslog connection's, a Loki stream's labels) share one entry: it is copied once, and
   * the per-record column is one typed array, not an array of references to clone.
   */
  attrList?: NonNullable<RawRecord['attrs']>[];
  attrIds?: Int32Array;
  cursor?: Cursor;
}

export type ToWorker =
  /** `at`: the records' indices in the batch the main thread split (absent: the whole batch); `id` numbers batches in order. */
  | { t: 'batch'; id: number; src: number; batch: WireBatch; at?: Int32Array }
  | { t: 'learn'; kind: string; what: LearnAsNormal }
  | { t: 'confirmed'; kind: string; what: Confirmed }
  /** Asks for a `counters` message now (a /metrics scrape). */
  | { t: 'counters' }
  | { t: 'stop' };

export type FromWorker =
  /** Started; what its components report for /metrics (`ComponentContext.metrics`). */
  | { t: 'ready'; components: DeclaredReadings[] }
  | { t: 'done'; id: number; stats: EngineStats; runs: EventRun[]; heap: Omit<ThreadMemory, 'thread'> }
  | { t: 'anomalies'; anomalies: Anomaly[]; arrival?: number }
  /** `batch`: the batch whose cursor this is, when it is that cursor (not a partial one). */
  | { t: 'ack'; src: number; cursor: Cursor; batch?: number }
  /**
   * Every second (stats and errors), and as the `reply` to a `counters` request (with the parser
   * counters and the components' readings, in the order of `ready`'s `components`).
   */
  | { t: 'counters'; streams?: StreamCounters[]; floods?: StreamCounters[]; readings?: Record<string, number>[]; stats: EngineStats; errors: ComponentError[]; writes: StoreWriteStats; heap: Omit<ThreadMemory, 'thread'>; reply?: true }
  | { t: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; msg: string; fields?: Record<string, unknown> }
  /** Could not start, or a batch failed: the pipeline stops (a restart resumes from the last checkpoint). */
  | { t: 'failed'; message: string }
  | { t: 'stopped'; stats: EngineStats; errors: ComponentError[] };

export function encodeBatch(batch: RawBatch): WireBatch {
  const recs = batch.records;
  const n = recs.length;
  const texts = new Array<string>(n);
  const runs: (string | number)[] = [];
  let lines: Float64Array | undefined;
  let offsets: Float64Array | undefined;
  let attrList: NonNullable<RawRecord['attrs']>[] | undefined;
  let attrIds: Int32Array | undefined;
  let lastAttrs: RawRecord['attrs'];
  let lastId = -1;
  for (let i = 0; i < n; i++) {
    const r = recs[i];
    texts[i] = r.text;
    const last = runs.length - 3;
    if (last < 0 || runs[last] !== r.source || runs[last + 1] !== r.arrivalTs) runs.push(r.source, r.arrivalTs, i + 1);
    else runs[last + 2] = i + 1;
    if (r.line !== undefined) (lines ??= new Float64Array(n).fill(Number.NaN))[i] = r.line;
    if (r.offset !== undefined) (offsets ??= new Float64Array(n).fill(Number.NaN))[i] = r.offset;
    const a = r.attrs;
    if (a !== undefined) {
      if (attrIds === undefined) {
        attrIds = new Int32Array(n).fill(-1);
        attrList = [];
      }
      // Consecutive records mostly share one object: compare with the last before searching.
      if (a !== lastAttrs) {
        lastAttrs = a;
        const list = attrList as NonNullable<RawRecord['attrs']>[];
        // A short search finds a shared object again; records with objects of their own (OTLP) just append.
        lastId = list.length <= 16 ? list.indexOf(a) : -1;
        if (lastId < 0) lastId = list.push(a) - 1;
      }
      attrIds[i] = lastId;
    }
  }
  const w: WireBatch = { texts, runs };
  if (lines) w.lines = lines;
  if (offsets) w.offsets = offsets;
  if (attrIds) {
    w.attrIds = attrIds;
    w.attrList = attrList;
  }
  if (batch.cursor) w.cursor = batch.cursor;
  return w;
}

/** The batch `encodeBatch` encoded: text, source, time, line, offset and the transport's attributes of every record. */
export function decodeBatch(w: WireBatch): RawBatch {
  const records: RawRecord[] = new Array(w.texts.length);
  let start = 0;
  for (let k = 0; k < w.runs.length; k += 3) {
    const source = w.runs[k] as string;
    const arrivalTs = w.runs[k + 1] as number;
    const end = w.runs[k + 2] as number;
    for (let i = start; i < end; i++) {
      const r: RawRecord = { source, text: w.texts[i], arrivalTs };
      const line = w.lines?.[i];
      if (line !== undefined && !Number.isNaN(line)) r.line = line;
      const offset = w.offsets?.[i];
      if (offset !== undefined && !Number.isNaN(offset)) r.offset = offset;
      const a = w.attrIds === undefined ? -1 : w.attrIds[i];
      if (a >= 0) r.attrs = (w.attrList as NonNullable<RawRecord['attrs']>[])[a];
      records[i] = r;
    }
    start = end;
  }
  return w.cursor ? { records, cursor: w.cursor } : { records };
}
