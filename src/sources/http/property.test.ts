// Property tests (fast-check) of every ingest body: NDJSON/plain, Elasticsearch _bulk, Loki JSON and
// protobuf, OTLP JSON and protobuf, Splunk HEC events and raw. Hostile bodies never throw and stay
// under a time bound per case; well-formed ones are accounted exactly (in = parsed + rejected), and
// after the http source's bounds every record is ≤ max_line_bytes with the cut ones counted.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logText, RUNS, timed } from '../../../test/harness/fuzz.js';
import { lokiProtobuf, otlpProtobuf } from '../../../test/harness/loki-push.js';
import { boundRecords, decodeEsBulk, decodeLoki, decodeLokiPush, decodeNdjson, decodeOtlp, decodeOtlpPush, type Decoded, ndjsonParts } from './decode.js';
import { decodeHecEvents, decodeHecRaw } from './hec.js';

const NOW = 1_700_000_000_000;
/**
 * Cases per property: as many as every other property (10,000 by default). The property that once
 * ran for minutes at 1,000 cases was the Loki protobuf one: snappyjs trusted a block's literal
 * lengths (fixed in decode.ts with a bounds check before decompressing).
 */
const BODY_RUNS = RUNS;
const oneLine = logText(120).map((s) => s.replace(/[\n\r]/g, ' '));
/**
 * Lines for the protobuf round trips: pbf's *writer* (used only by the test harness to build pushes)
 * mis-encodes some astral characters (U+20000 → U+10000); the decoder under test reads them right.
 */
const bmpLine = oneLine.map((s) => s.replace(/[\u{10000}-\u{10FFFF}]/gu, '?'));
/**
 * Any JSON value, sometimes inside an object: what a shipper (or an attacker) may send. Kept small
 * (`depthSize: 'small'`, few keys): generating deep values was most of the time of 10,000 cases, and
 * the decoders branch on the shape near the top, not on the size of a nested value.
 */
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3, depthSize: 'small' }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2, depthSize: 'small' }), { maxKeys: 5 }),
);

function wellFormed(d: Decoded): void {
  expect(d.rejected).toBeGreaterThanOrEqual(0);
  expect(d.errors.length).toBeLessThanOrEqual(Math.max(d.rejected, 5));
  for (const r of d.records) {
    expect(typeof r.text).toBe('string');
    expect(typeof r.source).toBe('string');
    expect(r.source.length).toBeLessThanOrEqual(64 + 1 + 128);
    expect(Number.isFinite(r.arrivalTs)).toBe(true);
  }
}

describe('NDJSON and plain /ingest bodies (fast-check)', () => {
  it('in = parsed + rejected for any mix of lines; bounded records ≤ max_line_bytes, the cut ones counted', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(oneLine, anyJson.map((v) => JSON.stringify(v)), fc.constant('{broken'), fc.constant('   '), fc.constant('')), { maxLength: 40 }),
        fc.integer({ min: 64, max: 200 }),
        (lines, max) => {
          timed(() => {
            const d = decodeNdjson(lines.join(Math.random() < 0.5 ? '\n' : '\r\n'), 'http:x', NOW);
            wellFormed(d);
            const nonBlank = lines.filter((l) => l.trim() !== '').length;
            expect(d.records.length + d.rejected).toBe(nonBlank);
            const before = d.records.length + d.rejected;
            const cut = boundRecords(d, max, 1_000_000);
            expect(d.records.length + d.rejected).toBe(before);
            expect(cut).toBe(d.records.filter((r) => r.truncated === true).length);
            for (const r of d.records) expect(Buffer.byteLength(r.text)).toBeLessThanOrEqual(max);
          })(undefined);
        },
      ),
      { numRuns: BODY_RUNS },
    );
  });

  it('read in parts from the bytes, a body gives the records of the whole-body decode cut at max_line_bytes, the cut ones counted', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(oneLine, anyJson.map((v) => JSON.stringify(v)), fc.constant('{broken'), fc.constant(' \u00a0 '), fc.constant('')), { maxLength: 40 }),
        fc.integer({ min: 64, max: 200 }),
        fc.integer({ min: 1, max: 8 }),
        (lines, max, partRecords) => {
          // As bytes on the wire: a lone surrogate is sent as U+FFFD.
          const body = Buffer.from(lines.join(Math.random() < 0.5 ? '\n' : '\r\n'), 'utf8');
          const whole = decodeNdjson(body.toString('utf8'), 'http:x', NOW);
          const cutWhole = boundRecords(whole, max, 1_000_000);
          const parts = [...ndjsonParts(body, 'http:x', NOW, max, partRecords)];
          let cut = 0;
          for (const p of parts) {
            expect(p.records.length).toBeLessThanOrEqual(partRecords);
            cut += p.truncated + boundRecords(p, max, 1_000_000);
          }
          const records = parts.flatMap((p) => p.records);
          expect(records.map((r) => [r.text, r.truncated === true])).toEqual(whole.records.map((r) => [r.text, r.truncated === true]));
          expect(parts.reduce((n, p) => n + p.rejected, 0)).toBe(whole.rejected);
          expect(cut).toBe(cutWhole);
        },
      ),
      { numRuns: BODY_RUNS },
    );
  });

  it('max_records keeps the first ones and rejects the rest, counted', () => {
    fc.assert(
      fc.property(fc.array(oneLine.filter((l) => l.trim() !== '' && !/^[{"]/.test(l)), { maxLength: 30 }), fc.integer({ min: 1, max: 20 }), (lines, maxRecords) => {
        const d = decodeNdjson(lines.join('\n'), 'http:x', NOW);
        boundRecords(d, 1 << 20, maxRecords);
        expect(d.records.length).toBe(Math.min(lines.length, maxRecords));
        expect(d.records.length + d.rejected).toBe(lines.length);
      }),
      { numRuns: BODY_RUNS },
    );
  });
});

describe('Elasticsearch _bulk bodies (fast-check)', () => {
  it('never throws; well-formed index/create pairs are all taken', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(oneLine, anyJson.map((v) => JSON.stringify(v))), { maxLength: 30 }),
        timed((lines: string[]) => wellFormed(decodeEsBulk(lines.join('\n'), 'http', NOW))),
      ),
      { numRuns: BODY_RUNS },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('index', 'create'), fc.string({ maxLength: 20 }), oneLine), { maxLength: 20 }), (docs) => {
        const body = docs.map(([op, index, msg]) => `${JSON.stringify({ [op]: { _index: index } })}\n${JSON.stringify({ message: msg })}`).join('\n');
        const d = decodeEsBulk(body, 'http', NOW);
        expect(d.rejected).toBe(0);
        expect(d.records).toHaveLength(docs.length);
      }),
      { numRuns: BODY_RUNS },
    );
  });
});

describe('Loki pushes (fast-check)', () => {
  it('JSON: any value never throws; streams of [ts, line] are accounted value by value', () => {
    fc.assert(fc.property(anyJson, timed((v: unknown) => wellFormed(decodeLoki(v, 'http', NOW)))), { numRuns: BODY_RUNS });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.dictionary(fc.constantFrom('job', 'app', 'x'), fc.string({ maxLength: 10 })), fc.array(fc.oneof(fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 19n }).map(String), oneLine), anyJson), { maxLength: 8 })), { maxLength: 5 }),
        (streams) => {
          const body = { streams: streams.map(([stream, values]) => ({ stream, values })) };
          const d = decodeLoki(body, 'http', NOW);
          wellFormed(d);
          const total = streams.reduce((n, [, v]) => n + v.length, 0);
          expect(d.records.length + d.rejected).toBe(total);
        },
      ),
      { numRuns: BODY_RUNS },
    );
  });

  it('protobuf: random bytes are refused (never thrown), and encoded pushes come back entry by entry', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), timed((b: Uint8Array) => wellFormed(decodeLokiPush(Buffer.from(b), 'http', NOW, 1 << 20)))), { numRuns: BODY_RUNS });
    fc.assert(
      fc.property(fc.array(fc.array(bmpLine, { maxLength: 6 }), { minLength: 1, maxLength: 4 }), (streams) => {
        const body = lokiProtobuf(streams.map((lines, i) => ({ labels: `{job="j${i}"}`, entries: lines.map((line, k) => ({ s: 1_700_000_000 + k, ns: 0, line })) })));
        const d = decodeLokiPush(Buffer.from(body), 'http', NOW, 1 << 20);
        expect(d.rejected).toBe(0);
        expect(d.records.map((r) => r.text)).toEqual(streams.flat());
      }),
      { numRuns: BODY_RUNS },
    );
  });
});

describe('OTLP log exports (fast-check)', () => {
  it('JSON: any value never throws; protobuf: random bytes refused, encoded records come back', () => {
    fc.assert(fc.property(anyJson, timed((v: unknown) => wellFormed(decodeOtlp(v, 'http', NOW)))), { numRuns: BODY_RUNS });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), timed((b: Uint8Array) => wellFormed(decodeOtlpPush(Buffer.from(b), 'http', NOW)))), { numRuns: BODY_RUNS });
    fc.assert(
      fc.property(fc.array(bmpLine, { minLength: 1, maxLength: 8 }), (bodies) => {
        const d = decodeOtlpPush(Buffer.from(otlpProtobuf('svc', bodies.map((body, i) => ({ timeNs: 1_700_000_000_000_000_000 + i, body })))), 'http', NOW);
        expect(d.rejected).toBe(0);
        expect(d.records.map((r) => (JSON.parse(r.text) as { message: string }).message)).toEqual(bodies);
      }),
      { numRuns: BODY_RUNS },
    );
  });
});

describe('Splunk HEC bodies (fast-check)', () => {
  it('events and raw: any body never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(oneLine, anyJson.map((v) => JSON.stringify(v)), fc.array(anyJson, { maxLength: 5 }).map((a) => a.map((v) => JSON.stringify({ event: v })).join(''))),
        timed((body: string) => {
          wellFormed(decodeHecEvents(body, 'http', NOW, ['source', 'sourcetype', 'host']));
          wellFormed(decodeHecRaw(body, {}, undefined, 'http', NOW, ['source']));
        }),
      ),
      { numRuns: BODY_RUNS },
    );
  });
});
