/**
 * @module sources/http/long-values
 * Over-long values cut in a body's bytes, before the body becomes a string or is parsed: a 10 MB
 * log line inside a JSON push (`_bulk`, Loki, OTLP, HEC event, an NDJSON object) or a raw HEC line
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
 * `maxBytes` (so it still reads as over-long); `body` itself, uncopied, when none is. A long stretch
 * between quotes with a line feed in it is not a literal (JSON strings hold no raw line feed): it is
 * left whole and reading goes on after the line feed. Invalid JSON stays as invalid as it was.
 */
export function cutLongStrings(body: Buffer, maxBytes: number): { body: Buffer; cut: number } {
  // A literal's decoded text is never longer than its raw bytes.
  if (!(body.length > maxBytes + 2)) return { body, cut: 0 };
  const keep: number[] = [];
  for (let i = 0; ; ) {
    const q = body.indexOf(QUOTE, i);
    if (q < 0) break;
    const e = closingQuote(body, q);
    // Unterminated: left as it is (the parser refuses it).
    if (e < 0) break;
    if (e - q - 1 > maxBytes) {
      const lf = body.indexOf(LF, q);
      // Not one literal: a line break (malformed input; NDJSON lines are parsed apart): read on after it.
      if (lf >= 0 && lf < e) {
        i = lf + 1;
        continue;
      }
      const at = cutPoint(body, q + 1, e, maxBytes);
      if (at < e) keep.push(at, e);
    }
    i = e + 1;
  }
  return spliced(body, keep);
}

/** The quote that closes the literal opened at `q` (the next one not escaped by an odd run of backslashes); -1: none. */
function closingQuote(b: Buffer, q: number): number {
  for (let e = q + 1; ; e++) {
    e = b.indexOf(QUOTE, e);
    if (e < 0) return -1;
    let k = e - 1;
    while (k > q && b[k] === BACKSLASH) k--;
    if ((e - 1 - k) % 2 === 0) return e;
  }
}

/** `body` without the byte ranges [keep[0], keep[1]), [keep[2], keep[3]) …; `body` itself when there are none. */
function spliced(body: Buffer, keep: number[]): { body: Buffer; cut: number } {
  if (keep.length === 0) return { body, cut: 0 };
  const parts: Buffer[] = [];
  let from = 0;
  for (let k = 0; k < keep.length; k += 2) {
    parts.push(body.subarray(from, keep[k]));
    from = keep[k + 1];
  }
  parts.push(body.subarray(from));
  return { body: Buffer.concat(parts), cut: keep.length / 2 };
}

/**
 * Lines (split on `\n`) longer than `maxBytes` cut just past it, at a UTF-8 character boundary, in
 * the bytes (HEC raw: plain lines); `body` itself when none is. The cut line is still over-long, for
 * `boundRecords` to cut, mark and count.
 */
export function cutLongLines(body: Buffer, maxBytes: number): { body: Buffer; cut: number } {
  if (!(body.length > maxBytes + 1)) return { body, cut: 0 };
  const keep: number[] = [];
  for (let s = 0; s < body.length; ) {
    let e = body.indexOf(LF, s);
    if (e < 0) e = body.length;
    if (e - s > maxBytes + 1) {
      let at = s + maxBytes + 1;
      while (at < e && (body[at] & 0xc0) === 0x80) at++;
      if (at < e) keep.push(at, e);
    }
    s = e + 1;
  }
  return spliced(body, keep);
}

/**
 * Where to end the literal [start, end): after the first unit at which its decoded text passed
 * `maxBytes` UTF-8 bytes. Decoded sizes are never over-counted (an escaped surrogate counts 2 of its
 * 3–4 bytes, invalid bytes no more than the replacement characters they become), so the kept text
 * does pass it.
 */
function cutPoint(b: Buffer, start: number, end: number, maxBytes: number): number {
  let decoded = 0;
  let i = start;
  while (i < end && decoded <= maxBytes) {
    const c = b[i];
    if (c === BACKSLASH) {
      if (b[i + 1] === 0x75 /* u */ && i + 6 <= end) {
        const cp = parseInt(b.toString('latin1', i + 2, i + 6), 16);
        decoded += cp < 0x80 ? 1 : cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff) ? 2 : 3;
        i += 6;
      } else {
        decoded += 1;
        i += 2;
      }
    } else {
      // One character: a byte and the continuation bytes after it (never past a quote or backslash).
      // Its UTF-8 text is as long as those bytes, or longer where they are invalid (U+FFFD: 3 bytes).
      const from = i++;
      while (i < end && (b[i] & 0xc0) === 0x80) i++;
      decoded += i - from;
    }
  }
  return Math.min(i, end);
}
