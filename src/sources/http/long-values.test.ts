import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capUtf8 } from './decode.js';
import { cutLongStrings, JsonStringCutter } from './long-values.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** Every string in a parsed JSON value (keys and values), in order. */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      strings(x, out);
    }
  return out;
}

// Strings with escapes (quotes, backslashes, controls), multi-byte and astral characters.
const text = fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀', '"', '\\', '\n', '\u0001', '/', ' ', 'Z'), maxLength: 120 });
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(text, tie('value'), { maxKeys: 4 })),
})).value;

/** Whether some object of `v` has two keys over `max` bytes that agree on their first `max` bytes (cut alike, they become one key). */
function collidingLongKeys(v: unknown, max: number): boolean {
  if (Array.isArray(v)) return v.some((x) => collidingLongKeys(x, max));
  if (v === null || typeof v !== 'object') return false;
  const cut = Object.keys(v)
    .filter((k) => bytes(k) > max)
    .map((k) => capUtf8(k, max));
  return new Set(cut).size < cut.length || Object.values(v).some((x) => collidingLongKeys(x, max));
}

describe('cutLongStrings', () => {
  it('leaves short strings alone and keeps every long one over the limit with the same first maxBytes bytes', () => {
    fc.assert(
      fc.property(json, fc.integer({ min: 4, max: 60 }), fc.boolean(), (v, max, pretty) => {
        // Long keys that agree on their first max bytes collapse into one (next test): not this property.
        fc.pre(!collidingLongKeys(v, max));
        const raw = Buffer.from(JSON.stringify(v, null, pretty ? 2 : undefined));
        const { body, cut } = cutLongStrings(raw, max);
        const before = strings(v);
        const after = strings(JSON.parse(body.toString('utf8')));
        expect(after).toHaveLength(before.length);
        let long = 0;
        for (let i = 0; i < before.length; i++) {
          if (bytes(before[i]) <= max) {
            expect(after[i]).toBe(before[i]);
            continue;
          }
          // Still over the limit (boundRecords cuts, marks and counts it), cut where it would have been.
          expect(bytes(after[i])).toBeGreaterThan(max);
          expect(capUtf8(after[i], max)).toBe(capUtf8(before[i], max));
          if (after[i] !== before[i]) long++;
        }
        expect(cut).toBe(long);
        if (cut === 0) expect(body).toBe(raw);
      }),
      { numRuns: 2000 },
    );
  });

  it('cuts object keys too: two over-long keys that agree on their first max bytes become one, the later value kept (as JSON.parse keeps duplicates)', () => {
    const raw = Buffer.from(JSON.stringify({ ['k'.repeat(30) + 'one']: 1, ['k'.repeat(30) + 'two']: 2, short: 3 }));
    const { body, cut } = cutLongStrings(raw, 20);
    expect(cut).toBe(2);
    const v = JSON.parse(body.toString()) as Record<string, number>;
    expect(Object.keys(v)).toHaveLength(2);
    expect(v.short).toBe(3);
    expect(Object.entries(v).find(([k]) => k.startsWith('k'.repeat(20)))?.[1]).toBe(2);
  });

  it('cuts a 10 MB value in a JSON push to about max bytes, and leaves invalid or unterminated input as it was', () => {
    const line = 'abcdefgh '.repeat(1_100_000);
    const raw = Buffer.from(JSON.stringify({ streams: [{ stream: { job: 'x' }, values: [['1', line]] }] }));
    const { body, cut } = cutLongStrings(raw, 1 << 20);
    expect(cut).toBe(1);
    expect(body.length).toBeLessThan((1 << 20) + 100);
    const v = JSON.parse(body.toString()) as { streams: { values: string[][] }[] };
    expect(v.streams[0].values[0][1]).toBe(line.slice(0, (1 << 20) + 1));
    // Malformed input stays malformed, and its lines stay lines: a raw line feed ends a long "literal".
    const broken = Buffer.from(`{"a":"${'x'.repeat(50)}\n{"b":"${'y'.repeat(50)}"}\n`);
    const cutBroken = cutLongStrings(broken, 20).body.toString();
    expect(cutBroken.split('\n')).toHaveLength(3);
    expect(() => JSON.parse(cutBroken.split('\n')[0])).toThrow();
    expect(cutBroken.length).toBeLessThan(broken.length);
    const open = Buffer.from(`{"a":"${'x'.repeat(50)}`);
    expect(cutLongStrings(open, 20).body.toString()).toBe(`{"a":"${'x'.repeat(21)}`);
  });
});

describe('JsonStringCutter', () => {
  // Chunks as a socket or an inflater hands them: anywhere, even inside an escape or a character.
  const chunked = (raw: Buffer, sizes: number[], max: number) => {
    const cutter = new JsonStringCutter(max);
    const out: Buffer[] = [];
    let at = 0;
    for (let k = 0; at < raw.length; k++) {
      const size = sizes.length === 0 ? raw.length : Math.max(1, sizes[k % sizes.length]);
      cutter.write(raw.subarray(at, at + size), (b) => out.push(b));
      at += size;
    }
    return { body: Buffer.concat(out), cut: cutter.cut };
  };

  it('cuts a body fed in chunks exactly as the whole body', () => {
    fc.assert(
      fc.property(json, fc.integer({ min: 4, max: 60 }), fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 5 }), (v, max, sizes) => {
        const raw = Buffer.from(JSON.stringify(v));
        const whole = cutLongStrings(raw, max);
        const streamed = chunked(raw, sizes, max);
        expect(streamed.body.toString('hex')).toBe(whole.body.toString('hex'));
        expect(streamed.cut).toBe(whole.cut);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps about max bytes of a 10 MB literal however it is chunked, and counts one cut', () => {
    const line = '\\"é '.repeat(2_000_000);
    const raw = Buffer.from(JSON.stringify({ event: line, n: 1 }));
    const got = chunked(raw, [65_536, 16_384, 1], 1 << 20);
    expect(got.cut).toBe(1);
    expect(got.body.length).toBeLessThan((1 << 20) * 2 + 100);
    const v = JSON.parse(got.body.toString()) as { event: string; n: number };
    expect(v.n).toBe(1);
    expect(capUtf8(v.event, 1 << 20)).toBe(capUtf8(line, 1 << 20));
    expect(Buffer.byteLength(v.event)).toBeGreaterThan(1 << 20);
  });
});
