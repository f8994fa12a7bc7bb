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
 * character), marks it truncated and counts it. JSON lines (first byte `{` or `"`) longer than that
 * have their long strings cut as they arrive (long-values.ts#JsonStringCutter), as `ndjsonParts`
 * cuts them in a whole line. Lines whose kept bytes are all whitespace are left whole (`ndjsonParts`
 * skips blank lines, and only the rest of the line would say whether it is blank).
 *
 * `readJsonBody` reads the JSON routes' bodies (`_bulk`, Loki and OTLP JSON, HEC events) the same
 * way: their over-long string literals are cut as the bytes arrive, never collected whole.
 */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { errorCodes, type FastifyRequest } from 'fastify';
import { JsonStringCutter } from './long-values.js';

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

type Payload = Readable & { receivedEncodedLength?: number };
type Done = (e: Error | null, body?: Buffer) => void;

/**
 * Collects a line body from `payload`, keeping at most `maxLineBytes + 2` bytes of each plain line
 * and cutting the long strings of JSON lines (see the module note). `jsonLines` false: every line is
 * plain (HEC raw). Calls `done` once, as Fastify's reader does: the body, or a 413 over `limit`, a
 * 400 when the bytes received are not the Content-Length, or the stream's error as a 400.
 */
export function readLineBody(req: FastifyRequest, payload: Payload, limit: number, maxLineBytes: number, done: Done, jsonLines = true): void {
  // One byte over, plus one: a kept last byte that is a CR would be taken for the line's CRLF and dropped.
  const keep = maxLineBytes + 2;
  // The line being read: its first byte (-1: none yet), bytes seen, and its kept pieces (to look at when it goes over).
  let first = -1;
  let lineBytes = 0;
  let linePieces: Buffer[] = [];
  let cutting = false;
  // Over the limit but kept whole (its kept bytes are all whitespace): decided once per line.
  let whole = false;
  // A JSON line over the limit: its strings are cut from here on.
  let json: JsonStringCutter | undefined;
  let out: (b: Buffer) => void = () => undefined;

  const push = (b: Buffer) => {
    if (b.length === 0) return;
    out(b);
    linePieces.push(b);
  };

  /** The part [s, e) of `chunk`, all on the current line. */
  const take = (chunk: Buffer, s: number, e: number) => {
    if (s === e) return;
    if (first < 0) first = chunk[s];
    const was = lineBytes;
    lineBytes += e - s;
    if (cutting) return;
    if (json) return json.write(chunk.subarray(s, e), out);
    if (whole || lineBytes <= keep) return push(chunk.subarray(s, e));
    if (jsonLines && (first === 0x7b /* { */ || first === 0x22) /* " */) {
      // The kept bytes hold no cut (a cut falls past maxLineBytes + 1 bytes of a literal): the cutter reads them, then the rest.
      json = new JsonStringCutter(maxLineBytes);
      for (const p of linePieces) json.write(p, () => undefined);
      return json.write(chunk.subarray(s, e), out);
    }
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
    json = undefined;
  };

  readBody(req, payload, limit, done, (chunk, keepBytes) => {
    out = keepBytes;
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
  });
}

/**
 * Collects a JSON body (`_bulk`, Loki and OTLP JSON, HEC events) from `payload` with every string
 * literal longer than `maxLineBytes` cut as it arrives (long-values.ts#JsonStringCutter); errors as
 * `readLineBody`'s.
 */
export function readJsonBody(req: FastifyRequest, payload: Payload, limit: number, maxLineBytes: number, done: Done): void {
  const cutter = new JsonStringCutter(maxLineBytes);
  readBody(req, payload, limit, done, (chunk, keep) => cutter.write(chunk, keep));
}

/**
 * Collects a whole body (the protobuf routes: a message is decoded whole). With a Content-Length and
 * no Content-Encoding, into one buffer of that size as the chunks arrive: each chunk is released once
 * copied, so the body is in memory once, not twice (Fastify's reader keeps the chunks, then copies
 * them into one buffer). Otherwise the chunks, joined at the end. Errors as `readLineBody`'s.
 */
export function readWholeBody(req: FastifyRequest, payload: Payload, limit: number, done: Done): void {
  const length = Number(req.headers['content-length']);
  const enc = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (!(enc === 'identity' || enc === '') || !(length > 0 && length <= limit)) return readBody(req, payload, limit, done, (chunk, keep) => keep(chunk));
  const whole = Buffer.allocUnsafe(length);
  let at = 0;
  // More bytes than Content-Length are refused by readBody (400) when the body ends: none is copied past it.
  readBody(req, payload, limit, (e) => done(e, e ? undefined : whole), (chunk) => void (at += chunk.copy(whole, at)));
}

/**
 * Reads `payload`, handing each chunk to `onChunk`, which passes on the bytes to keep (views); calls
 * `done` once with them in one buffer (the chunks they are views of are released with it), a 413
 * over `limit` (Content-Length, bytes received or, compressed, bytes on the wire), a 400 when the
 * bytes received are not the Content-Length, or the stream's error as a 400.
 */
function readBody(req: FastifyRequest, payload: Payload, limit: number, done: Done, onChunk: (chunk: Buffer, keep: (b: Buffer) => void) => void): void {
  const contentLength = Number(req.headers['content-length']);
  if (contentLength > limit) return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let received = 0;
  const keep = (b: Buffer) => {
    if (b.length === 0) return;
    kept.push(b);
    keptBytes += b.length;
  };

  const onData = (data: Buffer | string) => {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    received += chunk.length;
    if (received > limit || (payload.receivedEncodedLength ?? 0) > limit) {
      detach();
      return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    }
    onChunk(chunk, keep);
  };

  const onEnd = (err?: Error & { statusCode?: number }) => {
    detach();
    if (err != null) {
      if (!(typeof err.statusCode === 'number' && err.statusCode >= 400)) err.statusCode = 400;
      return done(err);
    }
    if (!Number.isNaN(contentLength) && (payload.receivedEncodedLength || received) !== contentLength) return done(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
    done(null, kept.length === 1 ? kept[0] : Buffer.concat(kept, keptBytes));
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
