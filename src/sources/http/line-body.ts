/**
 * @module sources/http/line-body
 * `POST /ingest` bodies (plain text and NDJSON) read as a stream, with over-long plain lines cut as
 * their bytes arrive: a 10 MB plain line is never collected whole (issue 17). Fastify's own reader
 * (`parseAs: 'buffer'`) keeps every chunk and then copies them into one buffer: two copies of the
 * body at once. Here only the first `maxLineBytes + 2` bytes of a plain line are kept; the rest
 * is counted (for `bodyLimit` and Content-Length, with Fastify's own errors) and dropped.
 *
 * The kept bytes are exactly what `ndjsonParts` needs to give the same record as from the whole
 * body: the line still reads as over-long, and it cuts at `maxLineBytes` (backing over a split
 * character), marks it truncated and counts it. Lines are left whole (as before) when cutting them
 * early could change what `ndjsonParts` makes of them:
 * - JSON lines (first byte `{` or `"`): their long strings are cut in their bytes later
 *   (long-values.ts), which needs the whole line;
 * - lines whose kept bytes are all whitespace (`ndjsonParts` skips blank lines, and only the rest
 *   of the line would say whether it is blank).
 */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { errorCodes, type FastifyRequest } from 'fastify';

const LF = 0x0a;

/** Whether `b` holds a character other than whitespace (as `String.prototype.trim` sees it). */
function inked(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 32 || (c >= 9 && c <= 13)) continue;
    // A non-ASCII byte may start a Unicode space: decide on the text, without a last character split by the cut.
    return c >= 0x80 ? new StringDecoder('utf8').write(b.subarray(i)).trim() !== '' : true;
  }
  return false;
}

/**
 * Collects a line body from `payload`, keeping at most `maxLineBytes + 2` bytes of each plain line
 * (see the module note). Calls `done` once, as Fastify's reader does: the body, or a 413 over
 * `limit`, a 400 when the bytes received are not the Content-Length, or the stream's error as a 400.
 */
export function readLineBody(req: FastifyRequest, payload: Readable & { receivedEncodedLength?: number }, limit: number, maxLineBytes: number, done: (e: Error | null, body?: Buffer) => void): void {
  const contentLength = Number(req.headers['content-length']);
  if (contentLength > limit) return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
  // One byte over, plus one: a kept last byte that is a CR would be taken for the line's CRLF and dropped.
  const keep = maxLineBytes + 2;
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let received = 0;
  // The line being read: its first byte (-1: none yet), bytes seen, and its kept pieces (to look at when it goes over).
  let first = -1;
  let lineBytes = 0;
  let linePieces: Buffer[] = [];
  let cutting = false;
  // Over the limit but kept whole (its kept bytes are all whitespace): decided once per line.
  let whole = false;

  const push = (b: Buffer) => {
    if (b.length === 0) return;
    kept.push(b);
    keptBytes += b.length;
    linePieces.push(b);
  };

  /** The part [s, e) of `chunk`, all on the current line. */
  const take = (chunk: Buffer, s: number, e: number) => {
    if (s === e) return;
    if (first < 0) first = chunk[s];
    const was = lineBytes;
    lineBytes += e - s;
    if (cutting) return;
    if (whole || lineBytes <= keep || first === 0x7b /* { */ || first === 0x22 /* " */) return push(chunk.subarray(s, e));
    // Over the limit: keep up to `keep` bytes; cut the rest when the kept ones are not all whitespace.
    const room = Math.max(0, keep - was);
    push(chunk.subarray(s, s + room));
    if (inked(Buffer.concat(linePieces))) cutting = true;
    else {
      whole = true;
      push(chunk.subarray(s + room, e));
    }
  };

  const endLine = () => {
    first = -1;
    lineBytes = 0;
    linePieces = [];
    cutting = false;
    whole = false;
  };

  const onData = (data: Buffer | string) => {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    received += chunk.length;
    if (received > limit || (payload.receivedEncodedLength ?? 0) > limit) {
      detach();
      return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    }
    for (let s = 0; s < chunk.length; ) {
      const lf = chunk.indexOf(LF, s);
      if (lf < 0) {
        take(chunk, s, chunk.length);
        break;
      }
      take(chunk, s, lf);
      // The line feed itself is always kept: ndjsonParts numbers lines by them.
      push(chunk.subarray(lf, lf + 1));
      endLine();
      s = lf + 1;
    }
  };

  const onEnd = (err?: Error & { statusCode?: number }) => {
    detach();
    if (err != null) {
      if (!(typeof err.statusCode === 'number' && err.statusCode >= 400)) err.statusCode = 400;
      return done(err);
    }
    if (!Number.isNaN(contentLength) && (payload.receivedEncodedLength || received) !== contentLength) return done(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
    // One copy of what was kept: the chunks the pieces are views of are released with them.
    done(null, Buffer.concat(kept, keptBytes));
  };

  function detach() {
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', onEnd);
  }

  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onEnd);
  payload.resume();
}
