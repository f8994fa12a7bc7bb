/**
 * @module parsers/lines/line-splitter
 * Bytes → numbered text lines, robust to whatever a log file throws at it.
 *
 * - A UTF-8 byte-order mark at the very start of the stream is dropped (counted). A UTF-16 BOM
 *   (LE or BE) switches to UTF-16: the text is transcoded to UTF-8 and split the same way
 *   (counted in `stats.utf16`; lines then carry no byte offset). Without a BOM, input is UTF-8.
 * - Lines end at LF; a CR just before the LF is dropped (CRLF). A bare CR inside a line stays.
 * - Invalid UTF-8 is decoded with U+FFFD replacement characters and the line is counted; never throws.
 * - NUL bytes become U+FFFD (counted per byte), so downstream text never carries a NUL.
 * - Empty lines are emitted (text `''`) and keep their number; the caller decides to skip them.
 * - A line longer than `maxLineBytes` is cut at that many bytes (on a UTF-8 character boundary),
 *   flagged `truncated`, counted, and the rest of it is skipped without being buffered:
 *   memory stays bounded by `maxLineBytes` plus one input chunk.
 * - A last line without a trailing newline is emitted by `end()`.
 *
 * Every line carries its 1-based number and `end`, the byte offset just past its terminator
 * (counted from the first byte of the stream, BOM included), which is what a file source
 * stores as its resume cursor.
 *
 * @example
 * const splitter = new LineSplitter();
 * for await (const chunk of stream) handle(splitter.push(chunk));
 * handle(splitter.end());
 */
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';

/** One line of input text. */
export interface RawLine {
  text: string;
  /** 1-based line number in the stream. */
  line: number;
  /** Byte offset just past this line's terminator (or the end of input for the last line). */
  end?: number;
  /** Set when the line was cut at `maxLineBytes`. */
  truncated?: boolean;
  /** The transport's attributes of this line (`RawRecord.attrs`); a joined multi-line record keeps its first line's. */
  attrs?: Readonly<Record<string, unknown>>;
}

export interface LineSplitterOptions {
  /** Longest line kept, in bytes; longer lines are truncated. Default 1 MiB. */
  maxLineBytes?: number;
}

export interface LineSplitterStats {
  /** Lines emitted (empty lines included). */
  lines: number;
  /** Lines cut at `maxLineBytes`. */
  truncated: number;
  /** Lines that held invalid UTF-8 (decoded with U+FFFD). */
  invalidUtf8: number;
  /** NUL bytes replaced by U+FFFD. */
  nulBytes: number;
  /** 1 when a byte-order mark was dropped from the start of the stream. */
  bomStripped: number;
  /** 1 when a UTF-16 BOM switched the stream to UTF-16 (transcoded to UTF-8 before splitting). */
  utf16: number;
  /** Bytes consumed so far. */
  bytes: number;
}

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

const LF = 10;
const CR = 13;
const EMPTY = Buffer.alloc(0);

/** Streaming splitter: push chunks, get complete lines back; call `end()` at end of input. */
export class LineSplitter {
  readonly stats: LineSplitterStats = {
    lines: 0,
    truncated: 0,
    invalidUtf8: 0,
    nulBytes: 0,
    bomStripped: 0,
    utf16: 0,
    bytes: 0,
  };
  private readonly maxLineBytes: number;
  /** Parts of the current, not yet terminated line (copies, at most maxLineBytes + 1 bytes). */
  private parts: Buffer[] = [];
  private partBytes = 0;
  /** The current line was truncated; its remaining bytes are dropped until LF. */
  private skipping = false;
  /** Still at stream start (BOM check pending); `head` holds up to 2 bytes of a possible BOM. */
  private atStart = true;
  private head: Buffer = EMPTY;
  /** Set when the stream began with a UTF-16 BOM. */
  private utf16: TextDecoder | null = null;
  private lineNo = 0;
  /** Stream offset of the first byte of the buffer being scanned. */
  private base = 0;

  constructor(opts: LineSplitterOptions = {}) {
    const max = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (!Number.isFinite(max) || max < 1) throw new RangeError(`maxLineBytes must be >= 1, got ${max}`);
    this.maxLineBytes = Math.floor(max);
  }

  /** Feed one chunk; returns the lines it completed. The chunk may be reused by the caller afterwards. */
  push(input: Buffer | Uint8Array): RawLine[] {
    const chunk = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    this.stats.bytes += chunk.length;
    if (!this.atStart) return this.utf16 === null ? this.scan(chunk) : this.scanUtf16(chunk, false);
    const buf = this.stripBom(chunk);
    if (buf === null) return [];
    return this.utf16 === null ? this.scan(buf) : this.scanUtf16(buf, false);
  }

  /** End of input: returns the last line when it had no trailing newline. */
  end(): RawLine[] {
    let out: RawLine[] = [];
    if (this.atStart) {
      // Fewer than 3 bytes in the whole stream, all a BOM prefix: they are text.
      this.atStart = false;
      out = this.scan(this.head);
      this.head = EMPTY;
    }
    if (this.utf16 !== null) out = out.concat(this.scanUtf16(EMPTY, true));
    if (this.skipping || this.partBytes > 0) out.push(this.finishPending(this.base));
    if (this.utf16 !== null) for (const l of out) l.end = undefined;
    return out;
  }

  /** Handles the stream start; returns null while a possible BOM prefix is still incomplete. */
  private stripBom(chunk: Buffer): Buffer | null {
    const buf = this.head.length > 0 ? Buffer.concat([this.head, chunk]) : chunk;
    this.head = EMPTY;
    if (buf.length < 3 && isBomPrefix(buf)) {
      this.head = Buffer.from(buf);
      return null;
    }
    this.atStart = false;
    if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
      this.utf16 = new TextDecoder(buf[0] === 0xff ? 'utf-16le' : 'utf-16be', { ignoreBOM: true });
      this.stats.bomStripped = 1;
      this.stats.utf16 = 1;
      return buf.subarray(2);
    }
    if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
      this.stats.bomStripped = 1;
      this.base = 3;
      return buf.subarray(3);
    }
    return buf;
  }

  private scan(buf: Buffer): RawLine[] {
    const out: RawLine[] = [];
    const n = buf.length;
    if (n === 0) return out;
    // Per-chunk fast path: when the chunk up to its last LF has no NUL and is valid UTF-8,
    // each line in it is too (LF never occurs inside a multi-byte character).
    const lastNl = buf.lastIndexOf(LF);
    const clean = lastNl !== -1 && buf.indexOf(0) === -1 && isUtf8(buf.subarray(0, lastNl + 1));
    const max = this.maxLineBytes;
    const base = this.base;
    let start = 0;
    let lineNo = this.lineNo;
    let fast = 0;
    while (start <= lastNl) {
      const nl = buf.indexOf(LF, start);
      const e = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
      if (clean && this.partBytes === 0 && !this.skipping && e - start <= max) {
        // Hot path: one decode and one object per line; counters are settled after the loop.
        out.push({ text: buf.toString('utf8', start, e), line: ++lineNo, end: base + nl + 1 });
        fast++;
      } else {
        this.lineNo = lineNo;
        out.push(this.slowLine(buf, start, nl, e, base + nl + 1));
        lineNo = this.lineNo;
      }
      start = nl + 1;
    }
    this.lineNo = lineNo;
    this.stats.lines += fast;
    if (start < n) this.hold(buf, start, n);
    this.base = base + n;
    return out;
  }

  /**
   * UTF-16 input (after a UTF-16 BOM): decoded (unpaired surrogates become U+FFFD) and re-encoded
   * as UTF-8, then split as usual. Byte offsets would not be file offsets, so `end` is left out.
   */
  private scanUtf16(bytes: Buffer, flush: boolean): RawLine[] {
    const decoder = this.utf16 as TextDecoder;
    const text = flush ? decoder.decode() : decoder.decode(bytes, { stream: true });
    const out = this.scan(Buffer.from(text, 'utf8'));
    for (const l of out) l.end = undefined;
    return out;
  }

  /** A line that continues a held one, is too long, or needs the NUL / UTF-8 checks. */
  private slowLine(buf: Buffer, start: number, nl: number, e: number, end: number): RawLine {
    if (this.skipping || this.partBytes > 0) {
      this.hold(buf, start, nl);
      return this.finishPending(end);
    }
    if (e - start > this.maxLineBytes) return this.emit(buf.subarray(start, start + cutPoint(buf, start, this.maxLineBytes)), true, end);
    return this.emit(buf.subarray(start, e), false, end);
  }

  /** Keeps bytes of an unterminated line, truncating once it exceeds the cap. */
  private hold(buf: Buffer, from: number, to: number): void {
    if (this.skipping || to <= from) return;
    const max = this.maxLineBytes;
    // One byte over the cap is allowed: it may be the CR of a CRLF split across chunks.
    const room = max + 1 - this.partBytes;
    if (to - from <= room) {
      this.parts.push(Buffer.from(buf.subarray(from, to)));
      this.partBytes += to - from;
      return;
    }
    if (room > 0) {
      this.parts.push(Buffer.from(buf.subarray(from, from + room)));
      this.partBytes += room;
    }
    const whole = this.takeParts();
    const kept = whole.subarray(0, cutPoint(whole, 0, max));
    this.parts.push(kept);
    this.partBytes = kept.length;
    this.skipping = true;
  }

  private takeParts(): Buffer {
    const whole = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.partBytes);
    this.parts = [];
    this.partBytes = 0;
    return whole;
  }

  /** Emits the pending line (one that spanned chunks, or was truncated). */
  private finishPending(end: number): RawLine {
    const truncated = this.skipping;
    this.skipping = false;
    let whole = this.takeParts();
    if (truncated) return this.emit(whole, true, end);
    if (whole.length > 0 && whole[whole.length - 1] === CR) whole = whole.subarray(0, whole.length - 1);
    if (whole.length > this.maxLineBytes) {
      return this.emit(whole.subarray(0, cutPoint(whole, 0, this.maxLineBytes)), true, end);
    }
    return this.emit(whole, false, end);
  }

  /** Decodes one line's bytes with the careful checks (NUL, invalid UTF-8). */
  private emit(bytes: Buffer, truncated: boolean, end: number): RawLine {
    let text = bytes.toString('utf8');
    if (text.indexOf('\uFFFD') !== -1 && !isUtf8(bytes)) this.stats.invalidUtf8++;
    if (text.indexOf('\0') !== -1) {
      let count = 0;
      for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0) count++;
      this.stats.nulBytes += count;
      text = text.replaceAll('\0', '\uFFFD');
    }
    this.stats.lines++;
    if (truncated) {
      this.stats.truncated++;
      return { text, line: ++this.lineNo, end, truncated: true };
    }
    return { text, line: ++this.lineNo, end };
  }
}

function isBomPrefix(buf: Buffer): boolean {
  if (buf.length === 1 && (buf[0] === 0xff || buf[0] === 0xfe)) return true;
  return (buf.length < 1 || buf[0] === 0xef) && (buf.length < 2 || buf[1] === 0xbb);
}

/**
 * Length <= max of buf[start…] that does not split a UTF-8 character: when the byte just past
 * the cut is a continuation byte, backs off (at most 3 bytes) to the lead byte of that character.
 * buf must hold more than `max` bytes from `start`.
 */
export function cutPoint(buf: Buffer, start: number, max: number): number {
  for (let cut = max; cut > max - 4 && cut > 0; cut--) {
    if ((buf[start + cut] & 0xc0) !== 0x80) return cut;
  }
  return max;
}
