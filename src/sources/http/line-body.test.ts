import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import Fastify, { type FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import type { RawRecord } from '../../core/source.js';
import { httpSourceConfigSchema } from './config.js';
import { type DecodedPart, ndjsonParts } from './decode.js';
import { HttpSource } from './http-source.js';
import { readLineBody, readWholeBody } from './line-body.js';

/** The body `readLineBody` collects from `chunks` (no Content-Length), or its error. */
function read(chunks: Buffer[], max: number, limit = 1 << 30, headers: Record<string, string> = {}): Promise<{ body?: Buffer; error?: Error }> {
  return new Promise((resolve) => readLineBody({ headers } as unknown as FastifyRequest, Readable.from(chunks, { objectMode: false }), limit, max, (error, body) => resolve(error ? { error } : { body })));
}

/** `body` in pieces cut at `cuts` (positions, any order). */
function pieces(body: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (body.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of at) {
    if (c > from) out.push(body.subarray(from, c));
    from = Math.max(from, c);
  }
  if (from < body.length) out.push(body.subarray(from));
  return out;
}

const parts = (body: Buffer, max: number): DecodedPart[] => [...ndjsonParts(body, 's', 1, max)];

// Lines that are plain, JSON, blank, whitespace-led, multi-byte and CRLF-ended, some over the limit.
const unit = fc.constantFrom('a', 'é', '€', '😀', ' ', '\t', '\r', '\u00a0', '{', '"', 'Z', ':', '}');
const line = fc.oneof(fc.string({ unit, maxLength: 90 }), fc.string({ unit, maxLength: 12 }).map((s) => JSON.stringify({ m: s.repeat(8) })), fc.constantFrom('', '   ', '\u00a0'.repeat(40)));

describe('readLineBody', () => {
  it('gives ndjsonParts the same records, errors and counts as the whole body, however the bytes arrive', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 12 }), fc.integer({ min: 4, max: 40 }), fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), async (lines, max, cuts, lastLf) => {
        const whole = Buffer.from(lines.join('\n') + (lastLf ? '\n' : ''));
        const { body, error } = await read(pieces(whole, cuts), max);
        expect(error).toBeUndefined();
        expect(parts(body!, max)).toEqual(parts(whole, max));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps no more than max_line_bytes + 2 bytes of a long plain line, whatever its size', async () => {
    const big = Buffer.alloc(8 << 20, 'x');
    const { body } = await read([Buffer.from('start '), ...pieces(big, [1, 65_536, 3_000_000]), Buffer.from('\nnext\n')], 1000);
    expect(body!.length).toBe(1002 + '\nnext\n'.length);
    const got = parts(body!, 1000);
    expect(got[0].records.map((r) => [Buffer.byteLength(r.text), r.truncated])).toEqual([
      [1000, true],
      [4, undefined],
    ]);
    expect(got[0].truncated).toBe(1);
  });

  it('answers 413 past the limit and 400 when the bytes are not the Content-Length, as Fastify does', async () => {
    const over = await read([Buffer.alloc(600, 'x'), Buffer.alloc(600, 'y')], 100, 1000);
    expect(over.error).toMatchObject({ statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    const declared = await read([Buffer.from('abc\n')], 100, 1000, { 'content-length': '2000' });
    expect(declared.error).toMatchObject({ statusCode: 413 });
    const short = await read([Buffer.from('abc\n')], 100, 1000, { 'content-length': '9' });
    expect(short.error).toMatchObject({ statusCode: 400, code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' });
  });
});

describe('POST /ingest read as a stream', () => {
  it('cuts, marks and counts a long plain line in a gzip body, and still refuses bodies over max_body_bytes', async () => {
    const app = Fastify();
    const src = new HttpSource(httpSourceConfigSchema.parse({ max_line_bytes: 1000, max_body_bytes: 64 * 1024 }), new ManualClock(1_700_000_000_000));
    const got: RawRecord[] = [];
    const ac = new AbortController();
    src.register(app);
    await app.ready();
    const run = src.run(async (b) => void got.push(...b.records), ac.signal);
    const body = gzipSync(`first\n${'ab'.repeat(20_000)}\nlast\n`);
    const r = await app.inject({ method: 'POST', url: '/ingest', headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' }, payload: body });
    expect(r.statusCode, r.body).toBe(200);
    expect(got.map((x) => [x.text.length, x.truncated])).toEqual([
      [5, undefined],
      [1000, true],
      [4, undefined],
    ]);
    expect(src.stats().truncated_lines).toBe(1);
    const tooBig = await app.inject({ method: 'POST', url: '/ingest', headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' }, payload: gzipSync('x'.repeat(70 * 1024)) });
    expect(tooBig.statusCode).toBe(413);
    const bad = await app.inject({ method: 'POST', url: '/ingest', headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' }, payload: Buffer.from('not gzip at all') });
    expect(bad.statusCode).toBe(400);
    ac.abort();
    await run;
    await app.close();
  });
});

describe('readWholeBody', () => {
  const whole = (chunks: Buffer[], headers: Record<string, string>, limit = 1 << 20): Promise<{ body?: Buffer; error?: Error & { statusCode?: number } }> =>
    new Promise((resolve) => readWholeBody({ headers } as unknown as FastifyRequest, Readable.from(chunks, { objectMode: false }), limit, (error, body) => resolve(error ? { error } : { body })));

  it('gives the body as sent, with or without a Content-Length, and refuses a wrong length or one over the limit', async () => {
    const body = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    const chunks = pieces(body, [1, 700, 701, 4096]);
    expect((await whole(chunks, { 'content-length': String(body.length) })).body).toEqual(body);
    expect((await whole(chunks, {})).body).toEqual(body);
    expect((await whole(chunks, { 'content-length': String(body.length), 'content-encoding': 'gzip' })).body).toEqual(body);
    // Fewer or more bytes than announced: the client's 400, never a body cut or padded.
    expect((await whole(chunks, { 'content-length': String(body.length + 10) })).error?.statusCode).toBe(400);
    expect((await whole(chunks, { 'content-length': String(body.length - 10) })).error?.statusCode).toBe(400);
    expect((await whole(chunks, { 'content-length': String(body.length) }, 4000)).error?.statusCode).toBe(413);
    expect((await whole(chunks, {}, 4000)).error?.statusCode).toBe(413);
  });
});
