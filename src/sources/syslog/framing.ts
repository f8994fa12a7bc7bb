/**
 * @module sources/syslog/framing
 * RFC 6587 framing of a syslog TCP stream, detected per message: a frame that starts with a digit
 * is octet-counted (`<len> <msg>`, len without leading zero, at most 10 digits); any other
 * printable start is newline-framed (up to LF, a CR before it is dropped). LF, CR and NUL between
 * frames, and at the end of an octet-counted frame (rsyslog counts its template's LF in), are
 * skipped. A frame that starts with a control byte, or a malformed count (`12x`, `0 `,
 * 11+ digits), is garbage: the caller closes the connection. Memory per connection is bounded: a
 * message longer than `maxMessageBytes` is cut there (counted in `truncated`) and the rest of it
 * is skipped without being buffered.
 * @example
 * const f = new TcpFramer(65536);
 * const out: string[] = [];
 * if (f.push(chunk, out) !== null) socket.destroy(); // garbage framing
 */

/** Result of {@link TcpFramer.push}: null, or why the stream is not syslog framing. */
export type FramingError = string | null;

const LF = 10;
const CR = 13;
const SP = 32;
const MAX_COUNT_DIGITS = 10;

export class TcpFramer {
  /** Messages cut at `maxMessageBytes`. */
  truncated = 0;
  /** Bytes of an incomplete frame kept from the previous chunk (at most maxMessageBytes + 11). */
  private rest: Buffer | null = null;
  /** Bytes of an over-long octet-counted frame still to skip. */
  private skip = 0;
  /** Skipping the rest of an over-long newline-framed message up to its LF. */
  private skipLine = false;

  constructor(private readonly maxMessageBytes: number) {}

  /** Bytes held for an incomplete frame. */
  get buffered(): number {
    return this.rest === null ? 0 : this.rest.length;
  }

  /** Appends the complete messages in `chunk` to `out`; returns an error on garbage framing. */
  push(chunk: Buffer, out: string[]): FramingError {
    const buf = this.rest === null ? chunk : Buffer.concat([this.rest, chunk]);
    this.rest = null;
    const n = buf.length;
    const max = this.maxMessageBytes;
    let p = 0;
    while (p < n) {
      if (this.skip > 0) {
        const k = Math.min(this.skip, n - p);
        this.skip -= k;
        p += k;
        continue;
      }
      if (this.skipLine) {
        const nl = buf.indexOf(LF, p);
        if (nl === -1) return null;
        this.skipLine = false;
        p = nl + 1;
        continue;
      }
      const c = buf[p];
      if (c === LF || c === CR || c === 0) {
        p++;
        continue;
      }
      if (c >= 0x30 && c <= 0x39) {
        // Octet counting: MSG-LEN SP SYSLOG-MSG.
        if (c === 0x30) return 'octet count with a leading zero';
        let q = p;
        let len = 0;
        while (q < n && q - p < MAX_COUNT_DIGITS && buf[q] >= 0x30 && buf[q] <= 0x39) {
          len = len * 10 + (buf[q] - 0x30);
          q++;
        }
        if (q === n) {
          this.keep(buf, p);
          return null;
        }
        if (buf[q] !== SP) return q - p >= MAX_COUNT_DIGITS ? 'octet count longer than 10 digits' : 'octet count not followed by a space';
        const start = q + 1;
        const take = len > max ? max : len;
        if (n - start < take) {
          this.keep(buf, p);
          return null;
        }
        // rsyslog's RFC 5424 templates end in LF, counted in the frame: trailing LF/CR/NUL dropped.
        let end = start + take;
        if (take === len) while (end > start && (buf[end - 1] === LF || buf[end - 1] === CR || buf[end - 1] === 0)) end--;
        out.push(buf.toString('utf8', start, end));
        p = start + take;
        if (len > max) {
          this.truncated++;
          this.skip = len - max;
        }
        continue;
      }
      if (c < SP && c !== 9) return `control byte 0x${c.toString(16).padStart(2, '0')} where a frame starts`;
      // Non-transparent framing: up to LF.
      const nl = buf.indexOf(LF, p);
      if (nl === -1) {
        if (n - p > max) {
          out.push(buf.toString('utf8', p, p + max));
          this.truncated++;
          this.skipLine = true;
          return null;
        }
        this.keep(buf, p);
        return null;
      }
      let end = nl;
      if (end > p && buf[end - 1] === CR) end--;
      if (end - p > max) {
        end = p + max;
        this.truncated++;
      }
      out.push(buf.toString('utf8', p, end));
      p = nl + 1;
    }
    return null;
  }

  /**
   * The connection ended: a newline-framed message without its LF is complete (appended to
   * `out`); returns false when an octet-counted frame was cut short (its bytes are lost).
   */
  end(out: string[]): boolean {
    const rest = this.rest;
    this.rest = null;
    this.skip = 0;
    this.skipLine = false;
    if (rest === null || rest.length === 0) return true;
    if (rest[0] >= 0x30 && rest[0] <= 0x39) return false;
    let end = rest.length;
    if (rest[end - 1] === CR) end--;
    out.push(rest.toString('utf8', 0, end));
    return true;
  }

  /** Keeps `buf[p..]` (a copy, so the chunk it came from can be collected). */
  private keep(buf: Buffer, p: number): void {
    this.rest = Buffer.from(buf.subarray(p));
  }
}

/** One UDP datagram → one message: trailing LF/CR/NUL dropped, cut at `max` bytes. */
export function datagramText(msg: Buffer, max: number): { text: string; truncated: boolean } | null {
  let end = msg.length;
  while (end > 0 && (msg[end - 1] === LF || msg[end - 1] === CR || msg[end - 1] === 0)) end--;
  if (end === 0) return null;
  const truncated = end > max;
  return { text: msg.toString('utf8', 0, truncated ? max : end), truncated };
}
