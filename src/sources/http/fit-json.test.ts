import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundRecords, type Decoded } from './decode.js';
import { fitJsonText } from './fit-json.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('fitJsonText', () => {
  it('cuts the long value of an over-long JSON record, not its text: the fields stay readable', () => {
    const doc = { '@timestamp': '2026-12-07T10:00:00Z', level: 'ERROR', host: { name: 'web-1' }, message: `Traceback ${'frame "x"\n'.repeat(500)}` };
    const fitted = fitJsonText(JSON.stringify(doc), 1024);
    expect(fitted).toBeDefined();
    expect(bytes(fitted!)).toBeLessThanOrEqual(1024);
    const v = JSON.parse(fitted!) as typeof doc;
    expect(v).toMatchObject({ '@timestamp': doc['@timestamp'], level: 'ERROR', host: { name: 'web-1' } });
    expect(doc.message.startsWith(v.message)).toBe(true);
    expect(v.message.length).toBeGreaterThan(500);
  });

  it('leaves what is not a JSON object to the plain cut', () => {
    expect(fitJsonText('x'.repeat(2000), 100)).toBeUndefined();
    expect(fitJsonText(`["${'x'.repeat(2000)}"]`, 100)).toBeUndefined();
    expect(fitJsonText(`{"a":"${'x'.repeat(2000)}`, 100)).toBeUndefined(); // not JSON
    // Its keys alone are over the bound: no value can be cut to fit.
    expect(fitJsonText(JSON.stringify({ ['k'.repeat(300)]: 1 }), 100)).toBeUndefined();
  });

  it('any object: the result is valid JSON within the bound, with the same keys, each string a prefix of the original', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀', '"', '\\', '\n', '\u0001', ' '), maxLength: 300 });
    const obj = fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(text, fc.integer(), fc.dictionary(fc.string({ maxLength: 4 }), text, { maxKeys: 3 })), { minKeys: 1, maxKeys: 5 });
    fc.assert(
      fc.property(obj, fc.integer({ min: 40, max: 400 }), (v, max) => {
        const s = JSON.stringify(v);
        fc.pre(bytes(s) > max);
        const fitted = fitJsonText(s, max);
        if (fitted === undefined) return;
        expect(bytes(fitted)).toBeLessThanOrEqual(max);
        const back = JSON.parse(fitted) as Record<string, unknown>;
        expect(Object.keys(back)).toEqual(Object.keys(JSON.parse(s) as object));
        const walk = (a: unknown, b: unknown): void => {
          if (typeof a === 'string') expect((b as string).startsWith(a)).toBe(true);
          else if (a !== null && typeof a === 'object') for (const k of Object.keys(a)) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]);
          else expect(a).toEqual(b);
        };
        walk(back, JSON.parse(s));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('boundRecords with JSON records', () => {
  it('marks and counts an over-long JSON record once, and keeps it JSON', () => {
    const d: Decoded = {
      records: [
        { source: 's', text: JSON.stringify({ level: 'WARN', msg: 'y'.repeat(5000) }), arrivalTs: 0 },
        { source: 's', text: 'z'.repeat(5000), arrivalTs: 0 },
        { source: 's', text: '{"short":1}', arrivalTs: 0 },
      ],
      errors: [],
      rejected: 0,
    };
    expect(boundRecords(d, 1000, 10)).toBe(2);
    expect(d.records.map((r) => r.truncated === true)).toEqual([true, true, false]);
    expect(JSON.parse(d.records[0].text)).toMatchObject({ level: 'WARN' });
    expect(bytes(d.records[0].text)).toBeLessThanOrEqual(1000);
    expect(d.records[1].text).toBe('z'.repeat(1000));
  });
});
