import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capUtf8 } from './decode.js';
import { cutLongLines, cutLongStrings } from './long-values.js';

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
    // A "literal" spanning a line break is not one (NDJSON with a malformed line): nothing is cut.
    const broken = Buffer.from(`{"a":"${'x'.repeat(50)}\n${'y'.repeat(50)}"}\n`);
    expect(cutLongStrings(broken, 20).body).toBe(broken);
    const open = Buffer.from(`{"a":"${'x'.repeat(50)}`);
    expect(cutLongStrings(open, 20).body).toBe(open);
  });
});

describe('cutLongLines', () => {
  it('keeps short lines and cuts long ones just past max at a character boundary', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'é', '😀', ' ', '\r'), maxLength: 80 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 4, max: 50 }), (lines, max) => {
        const raw = Buffer.from(lines.join('\n'));
        const got = cutLongLines(raw, max).body.toString('utf8').split('\n');
        expect(got).toHaveLength(lines.length);
        for (let i = 0; i < lines.length; i++) {
          if (bytes(lines[i]) <= max) expect(got[i]).toBe(lines[i]);
          else {
            expect(bytes(got[i])).toBeGreaterThan(max);
            expect(capUtf8(got[i], max)).toBe(capUtf8(lines[i], max));
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
