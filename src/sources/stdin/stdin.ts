/**
 * @module sources/stdin/stdin
 * Reads a byte stream (process.stdin by default) into batches of lines: one batch per chunk the
 * stream delivers, each emit awaited before the next chunk is read (back-pressure: the stream is
 * paused meanwhile). Resolves at EOF (after the last line without a newline) or on abort (after
 * the batch in flight is taken). A pipe cannot be re-read, so there is no checkpoint: cursors are
 * `{ kind: 'stream', id: <source id>, offset }` (bytes just past the last complete line), and
 * `ack` only records the acknowledged position.
 */
import type { Readable } from 'node:stream';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { Cursor } from '../../core/event.js';
import type { RawBatch, RawRecord, Source, SourceStats } from '../../core/source.js';
import { LineSplitter, type RawLine } from '../../parsers/lines/index.js';
import type { StdinConfig } from './config.js';

export interface StdinStats extends SourceStats {
  truncated_lines: number;
}

export interface StdinDeps {
  /** The byte stream to read (default process.stdin). */
  stream?: Readable;
  clock?: Clock;
}

export class StdinSource implements Source {
  readonly id: string;
  private readonly stream: Readable;
  private readonly clock: Clock;
  private readonly splitter: LineSplitter;
  private acked: Cursor | undefined;
  /** Stream offset just past the last line emitted. */
  private lastEnd = 0;
  private readonly st: StdinStats = { received: 0, bytes: 0, dropped: 0, errors: 0, truncated_lines: 0 };

  constructor(cfg: StdinConfig, deps: StdinDeps = {}) {
    this.id = cfg.source_id;
    this.stream = deps.stream ?? process.stdin;
    this.clock = deps.clock ?? systemClock;
    this.splitter = new LineSplitter({ maxLineBytes: cfg.max_line_bytes });
  }

  stats(): StdinStats {
    return { ...this.st };
  }

  /** The last acknowledged cursor (nothing is persisted for a stream). */
  lastAcked(): Cursor | undefined {
    return this.acked;
  }

  ack(cursor: Cursor): void {
    if (cursor.kind !== 'stream' || cursor.id !== this.id) return;
    if (this.acked === undefined || cursor.offset > this.acked.offset) this.acked = cursor;
  }

  async run(emit: (batch: RawBatch) => Promise<void>, signal: AbortSignal): Promise<void> {
    const it = this.stream[Symbol.asyncIterator]();
    let onAbort: () => void = () => undefined;
    const aborted = new Promise<'abort'>((resolve) => {
      onAbort = () => resolve('abort');
      if (signal.aborted) resolve('abort');
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    let offset = 0;
    try {
      while (!signal.aborted) {
        const next = await Promise.race([it.next(), aborted]);
        if (next === 'abort') break;
        if (next.done === true) {
          await this.emitLines(this.splitter.end(), offset, emit);
          break;
        }
        const chunk = next.value as Buffer | string;
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        this.st.bytes += buf.length;
        const lines = this.splitter.push(buf);
        if (lines.length > 0) {
          const last = lines[lines.length - 1].end;
          if (last !== undefined) offset = last;
          await this.emitLines(lines, offset, emit);
        }
      }
    } catch (e) {
      this.st.errors++;
      throw e;
    } finally {
      signal.removeEventListener('abort', onAbort);
      // Stop reading without destroying a shared stream such as process.stdin.
      this.stream.pause();
    }
  }

  private async emitLines(lines: RawLine[], offset: number, emit: (batch: RawBatch) => Promise<void>): Promise<void> {
    if (lines.length === 0) return;
    const arrivalTs = this.clock.now();
    const records: RawRecord[] = new Array(lines.length);
    let start: number | undefined = this.lastEnd;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      if (l.truncated) this.st.truncated_lines++;
      records[i] = l.end !== undefined && start !== undefined ? { source: this.id, text: l.text, arrivalTs, line: l.line, offset: start } : { source: this.id, text: l.text, arrivalTs, line: l.line };
      start = l.end;
    }
    if (start !== undefined) this.lastEnd = start;
    this.st.received += lines.length;
    const end = lines[lines.length - 1].end ?? offset;
    await emit({ records, cursor: { kind: 'stream', id: this.id, offset: end } });
  }
}
