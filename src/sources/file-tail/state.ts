/**
 * @module sources/file-tail/state
 * One open file being tailed: its identity (dev:ino), read position, line splitter and the
 * absolute offset just past the last complete line (what a cursor carries).
 */
import type { FileHandle } from 'node:fs/promises';
import { LineSplitter, type RawLine } from '../../parsers/lines/index.js';

/** Offsets beyond this are not scanned to recover line numbers on resume (line numbers are then omitted). */
export const LINE_COUNT_MAX_BYTES = 256 * 1024 * 1024;

export const fileId = (st: { dev: number; ino: number }): string => `${st.dev}:${st.ino}`;

/** Lines of one read, with absolute offsets and line numbers. */
export interface ReadResult {
  lines: RawLine[];
  /** Bytes read (0 at EOF). */
  bytes: number;
  /** Absolute offset where the first of `lines` starts. */
  start: number;
}

export class TailedFile {
  /** Where the next read starts (bytes already handed to the splitter). */
  readOffset = 0;
  /** Absolute offset just past the last complete line handed out. */
  lastEnd = 0;
  /** Absolute number of the last line handed out; -1 when unknown (resumed far into a huge file). */
  lineNo = 0;
  /** Where it was last positioned (a checkpoint's resume point, 0, or its end): nothing before it awaits an ack. */
  seekedTo = 0;
  /** Read order within its stream; bumps on truncation and hand-over (acks of older epochs are stale). */
  epoch = 0;
  /** Clock time of the last read that returned bytes. */
  lastDataAt = 0;
  /** Clock time the rotation (or deletion) was seen; null while the file is still at its path. */
  rotatedAt: number | null = null;
  private splitter: LineSplitter;
  private splitBase = 0;
  private lineBase = 0;

  constructor(
    readonly id: string,
    public path: string,
    readonly fh: FileHandle,
    private readonly maxLineBytes: number,
  ) {
    this.splitter = new LineSplitter({ maxLineBytes });
  }

  /** Restarts the splitter at `offset` (line numbers continue from `lineNo`). */
  seek(offset: number, lineNo: number): void {
    this.splitter = new LineSplitter({ maxLineBytes: this.maxLineBytes });
    this.readOffset = this.lastEnd = this.splitBase = this.seekedTo = offset;
    this.lineNo = this.lineBase = lineNo;
  }

  /** Bytes read past the last complete line (a partial line held by the splitter). */
  get pendingBytes(): number {
    return this.readOffset - this.lastEnd;
  }

  /** Reads up to `buf.length` bytes at the read position and returns the complete lines. */
  async read(buf: Buffer): Promise<ReadResult> {
    const { bytesRead } = await this.fh.read(buf, 0, buf.length, this.readOffset);
    const start = this.lastEnd;
    if (bytesRead === 0) return { lines: [], bytes: 0, start };
    this.readOffset += bytesRead;
    return { lines: this.settle(this.splitter.push(buf.subarray(0, bytesRead))), bytes: bytesRead, start };
  }

  /** Emits a held partial line as complete (idle timeout, or the file is gone) and restarts after it. */
  flushPartial(): ReadResult {
    const start = this.lastEnd;
    const lines = this.settle(this.splitter.end());
    this.seek(this.readOffset, this.lineNo);
    return { lines, bytes: 0, start };
  }

  /** Makes offsets and line numbers absolute; advances `lastEnd` and `lineNo`. */
  private settle(lines: RawLine[]): RawLine[] {
    const base = this.splitBase;
    const lineBase = this.lineBase;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      // UTF-16 files carry no byte offsets: their cursor does not advance (re-read from the start after a restart).
      if (l.end !== undefined) this.lastEnd = l.end = base + l.end;
      l.line = lineBase < 0 ? -1 : lineBase + l.line;
    }
    if (lines.length > 0) this.lineNo = lines[lines.length - 1].line;
    return lines;
  }

  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }
}

/** Number of LF bytes in the first `upTo` bytes (-1 when `upTo` exceeds LINE_COUNT_MAX_BYTES). */
export async function countLines(fh: FileHandle, upTo: number, buf: Buffer): Promise<number> {
  if (upTo > LINE_COUNT_MAX_BYTES) return -1;
  let count = 0;
  let pos = 0;
  while (pos < upTo) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, upTo - pos), pos);
    if (bytesRead === 0) break;
    let i = buf.indexOf(10, 0);
    while (i !== -1 && i < bytesRead) {
      count++;
      i = buf.indexOf(10, i + 1);
    }
    pos += bytesRead;
  }
  return count;
}
