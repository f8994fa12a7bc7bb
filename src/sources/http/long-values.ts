/**
 * @module sources/http/long-values
 * Over-long JSON strings cut in a body's bytes as they arrive, before the body becomes a string or is
 * parsed: a 10 MB log line inside a JSON push (`_bulk`, Loki, OTLP, HEC event, an NDJSON object)
 * used to exist as a 10 MB buffer, a 10 MB string and a 10 MB parsed value before `boundRecords` cut
 * it to `max_line_bytes` (issue 17: 20 such bodies per route held the service at 445–560 MiB).
 *
 * A JSON string literal whose text is longer than `maxBytes` UTF-8 bytes is cut in the raw bytes just
 * past `maxBytes` bytes of its *decoded* text (escapes counted as what they decode to, never more), at
 * a character and escape boundary. The parsed value is still longer than `maxBytes`, so
 * `boundRecords` cuts the record's text at the same place as it did before, marks it `truncated` and
 * counts it: one rule for every route, and the same record text as when the whole body was parsed.
 *
 * Quotes are found with `Buffer.indexOf` (memchr): 19 ms for a 17.7 MB Loki push of 100,000 BGL
 * lines, against 73–220 ms for a byte-by-byte loop and 150–340 ms for `JSON.parse` of the same body
 * (load 14, noisy); a body is copied only when something is cut. Hand-written rather than a streaming JSON parser: the parsers on the registry
 * (stream-json, @streamparser/json, jsonparse, clarinet) tokenise in JavaScript and are many times
 * slower than `JSON.parse` on the normal bodies that make up nearly all traffic, and this needs
 * only string boundaries, not tokens.
 * @example
 * const { body, cut } = cutLongStrings(Buffer.from('{"message":"' + 'x'.repeat(5000) + '"}'), 1024);
 * // body holds the first 1,025 x's; JSON.parse(body.toString()) still works; cut === 1
 */

/** A backslash, a quote and a line feed (a raw line feed never belongs to a JSON string: it ends one). */
const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const LF = 0x0a;

/**
 * `body` with every JSON string literal of more than `maxBytes` decoded UTF-8 bytes cut just past
 * `maxBytes` (so it still reads as over-long); `body` itself, uncopied, when none is. The same cut as
 * `JsonStringCutter` makes while a body streams in (here: one chunk).
 */
export function cutLongStrings(body: Buffer, maxBytes: number): { body: Buffer; cut: number } {
  // A literal's decoded text is never longer than its raw bytes.
  if (!(body.length > maxBytes + 2)) return { body, cut: 0 };
  const parts: Buffer[] = [];
  const cutter = new JsonStringCutter(maxBytes);
  cutter.write(body, (b) => parts.push(b));
  if (cutter.cut === 0) return { body, cut: 0 };
  return { body: Buffer.concat(parts), cut: cutter.cut };
}

/** Where the cutter is: between literals, in one not (yet) long, counting a long one, dropping the rest of one. */
const OUTSIDE = 0;
const SHORT = 1;
const COUNTING = 2;
const DROPPING = 3;

/**
 * Cuts over-long JSON string literals of a body that arrives in chunks (`write`), passing on the
 * bytes it keeps as views of the chunks: of a literal, at most `maxBytes` + a few bytes are kept,
 * however long it is (issue 17: a 10 MB line in a JSON push is never collected whole).
 *
 * A literal's text is cut just past the first unit (a character, an escape) at which its *decoded*
 * UTF-8 size passed `maxBytes` (escapes counted as what they decode to, never more), so the parsed
 * value is still over-long and `boundRecords` cuts it at the same place as the whole value, marks
 * it `truncated` and counts it. Its closing quote is kept: valid JSON stays valid.
 *
 * Fast where nearly all traffic is: quotes are found with `Buffer.indexOf` (memchr); bytes are looked
 * at one by one only in a literal longer than `maxBytes` raw bytes (hostile input). A raw line feed
 * ends a long literal (JSON strings hold none; NDJSON lines are parsed apart), so malformed input is
 * not read as one endless literal. Invalid JSON stays invalid.
 */
export class JsonStringCutter {
  /** Literals cut so far. */
  cut = 0;
  private state = OUTSIDE;
  /** SHORT: raw bytes of the literal in earlier chunks, its pieces there, and the backslashes ending them. */
  private raw = 0;
  private pieces: Buffer[] = [];
  private tail = 0;
  /** COUNTING: decoded bytes so far; escape state (0: none, 1: after a backslash, 2: in `\u`) and its hex; continuation bytes taken past the limit. */
  private decoded = 0;
  private esc = 0;
  private hex = '';
  private extra = 0;

  constructor(private readonly maxBytes: number) {}

  /** Feeds the next chunk; `keep` gets the parts of it to keep, in order (views of `chunk`). */
  write(chunk: Buffer, keep: (b: Buffer) => void): void {
    let from = 0;
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.state === OUTSIDE) {
        const q = chunk.indexOf(QUOTE, i);
        if (q < 0) break;
        this.state = SHORT;
        this.raw = 0;
        this.pieces = [];
        this.tail = 0;
        i = q + 1;
      } else if (this.state === SHORT) {
        const e = this.closing(chunk, i);
        const len = (e < 0 ? n : e) - i;
        if (this.raw + len <= this.maxBytes) {
          if (e >= 0) {
            this.state = OUTSIDE;
            i = e + 1;
            continue;
          }
          this.raw += len;
          this.pieces.push(chunk.subarray(i, n));
          this.tail = trailingBackslashes(chunk, i, n, this.tail);
          break;
        }
        // Over maxBytes raw bytes: count what it decodes to from its start (earlier pieces are all kept: raw ≤ maxBytes).
        this.state = COUNTING;
        this.decoded = 0;
        this.esc = 0;
        this.extra = 0;
        for (const p of this.pieces) for (let k = 0; k < p.length; k++) this.count(p[k]);
        this.pieces = [];
      } else if (this.state === COUNTING) {
        const c = chunk[i];
        // Past the limit, at the next unit: the end of the literal (nothing to cut) or the cut.
        if (this.decoded > this.maxBytes && this.esc === 0 && !((c & 0xc0) === 0x80 && this.extra++ < 3)) {
          if (c === QUOTE || c === LF) {
            this.state = OUTSIDE;
            i++;
            continue;
          }
          if (i > from) keep(chunk.subarray(from, i));
          this.cut++;
          this.state = DROPPING;
          continue;
        }
        i++;
        if (this.count(c)) this.state = OUTSIDE;
      } else {
        // DROPPING, up to the closing quote (not escaped) or a line feed, which are kept.
        const c = chunk[i];
        if (this.esc === 1) this.esc = 0;
        else if (c === BACKSLASH) this.esc = 1;
        else if (c === QUOTE || c === LF) {
          from = i;
          this.state = OUTSIDE;
        }
        i++;
      }
    }
    if (this.state !== DROPPING && from < n) keep(chunk.subarray(from, n));
  }

  /** The closing quote of a SHORT literal, from `i` on (-1: not in this chunk). */
  private closing(b: Buffer, i: number): number {
    for (let e = i; ; e++) {
      e = b.indexOf(QUOTE, e);
      if (e < 0) return -1;
      let k = e - 1;
      while (k >= i && b[k] === BACKSLASH) k--;
      // A run reaching back to the chunk's start goes on in the earlier pieces.
      if ((e - 1 - k + (k < i ? this.tail : 0)) % 2 === 0) return e;
    }
  }

  /** One byte of a long literal: adds what it decodes to; true at the literal's end (closing quote, line feed). */
  private count(c: number): boolean {
    if (this.esc === 1) {
      this.esc = c === 0x75 /* u */ ? 2 : 0;
      this.hex = '';
      if (this.esc === 0) this.decoded += 1;
      return c === LF;
    }
    if (this.esc === 2) {
      if (c === QUOTE || c === LF) {
        // `\u` without its four digits (invalid JSON): what there was, one byte each.
        this.decoded += 1 + this.hex.length;
        this.esc = 0;
        return true;
      }
      this.hex += String.fromCharCode(c);
      if (this.hex.length < 4) return false;
      const cp = parseInt(this.hex, 16);
      this.decoded += cp < 0x80 ? 1 : cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff) ? 2 : 3;
      this.esc = 0;
      return false;
    }
    if (c === QUOTE || c === LF) return true;
    if (c === BACKSLASH) this.esc = 1;
    // Any other byte is a byte of text (an invalid one becomes U+FFFD: 3 bytes, never fewer).
    else this.decoded += 1;
    return false;
  }
}

/** Backslashes ending `b[i, n)`, plus `before` when they are all of it. */
function trailingBackslashes(b: Buffer, i: number, n: number, before: number): number {
  let k = n - 1;
  while (k >= i && b[k] === BACKSLASH) k--;
  return n - 1 - k + (k < i ? before : 0);
}
