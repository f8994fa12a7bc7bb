import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../lines/line-splitter.js';
import { createFormat } from './detect.js';
import { TimestampParser } from './timestamp.js';
import { rng } from '../../../test/harness/rng.js';

const FORMATS = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../test/fixtures/logs/loghub-samples/log-formats.json', import.meta.url)), 'utf8'),
) as Record<string, string>;


const ALPHABET = ' \t:[]{}"=<>-|,.0123456789aZ\\/\u00e9\uFFFD\n';

function noise(r: () => number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}

describe('every format on noise', () => {
  const specs = ['json', 'logfmt', 'syslog', 'access-log', 'plain', ...Object.values(FORMATS)];

  it('never throws and always returns a record with the input as raw text', () => {
    const r = rng(42);
    const inputs = Array.from({ length: 400 }, (_, i) => noise(r, i % 97));
    inputs.push('{"a":', '<34>1 ', '<34>', '1.2.3.4 - - [', '[', 'Jun 14 ', '2024-01-01', '\uFFFD\uFFFD', '\u0000');
    for (const spec of specs) {
      const f = createFormat(spec);
      for (const text of inputs) {
        const rec = f.extract(text, 5, 1000, 'fuzz');
        expect(rec.raw).toBe(text);
        expect(rec.line).toBe(5);
        expect(typeof rec.message).toBe('string');
        expect(Number.isFinite(rec.ts)).toBe(true);
        expect(rec.tsFromArrival === true ? rec.ts === 1000 : true).toBe(true);
      }
      expect(f.stats.matched + f.stats.unmatched).toBe(inputs.length);
    }
  });

  it('the timestamp parser returns a finite number or NaN on noise', () => {
    const p = new TimestampParser();
    const r = rng(7);
    for (let i = 0; i < 3000; i++) {
      const t = p.parse(noise(r, 1 + (i % 30)), 0);
      expect(Number.isNaN(t) || Number.isFinite(t)).toBe(true);
    }
  });
});

describe('LineSplitter on random bytes and random chunking', () => {
  it('gives the same lines for any chunking, and never more lines than newlines + 1', () => {
    const r = rng(1);
    for (let round = 0; round < 30; round++) {
      const bytes = Buffer.alloc(2000);
      for (let i = 0; i < bytes.length; i++) {
        const x = r();
        bytes[i] = x < 0.05 ? 10 : x < 0.07 ? 13 : x < 0.08 ? 0 : Math.floor(r() * 256);
      }
      const whole = new LineSplitter({ maxLineBytes: 64 });
      const a = [...whole.push(bytes), ...whole.end()];
      const chunked = new LineSplitter({ maxLineBytes: 64 });
      const b = [];
      for (let i = 0; i < bytes.length; ) {
        const n = 1 + Math.floor(r() * 50);
        b.push(...chunked.push(bytes.subarray(i, i + n)));
        i += n;
      }
      b.push(...chunked.end());
      expect(b).toEqual(a);
      expect(chunked.stats).toEqual(whole.stats);
      let newlines = 0;
      for (const x of bytes) if (x === 10) newlines++;
      expect(a.length).toBeLessThanOrEqual(newlines + 1);
      expect(a.map((l) => l.line)).toEqual(a.map((_, i) => i + 1));
      for (const l of a) {
        expect(l.text).not.toContain('\0');
        expect(Buffer.byteLength(l.text)).toBeLessThanOrEqual(64 * 3); // U+FFFD is 3 bytes for 1 bad byte
      }
    }
  });
});
