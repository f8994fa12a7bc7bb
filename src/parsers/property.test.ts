// Property tests (fast-check) of everything that reads hostile log text: every record format, the
// timestamp parser, the masker, the miner, the multi-line joiner and the line splitter. Each property
// runs RUNS cases (FUZZ_RUNS, 10,000 by default); no case may throw or take longer than CASE_MS.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logText, RUNS, timed } from '../../test/harness/fuzz.js';
import { createFormat } from './formats/detect.js';
import { TimestampParser } from './formats/timestamp.js';
import { Masker } from './masking/masker.js';
import { TemplateMiner } from './drain/miner.js';
import { MultilineJoiner } from './multiline/multiline.js';
import { LineSplitter } from './lines/line-splitter.js';

const LAYOUTS = Object.values(JSON.parse(readFileSync(new URL('../../test/fixtures/logs/loghub-samples/log-formats.json', import.meta.url), 'utf8')) as Record<string, string>);
const SPECS = ['json', 'logfmt', 'syslog', 'access-log', 'plain', ...LAYOUTS];

/** Text shaped like each format's lines, mutated: the parsers' interesting branches, not only noise. */
const shaped = fc.oneof(
  logText(),
  fc.tuple(logText(40), logText(40)).map(([a, b]) => `{"ts":"2026-01-02T03:04:05Z","level":"${a}","msg":${JSON.stringify(b)}}`),
  fc.tuple(logText(20), logText(60)).map(([a, b]) => `ts=2026-01-02T03:04:05Z level=${a} msg="${b}"`),
  fc.tuple(fc.integer({ min: 0, max: 200 }), logText(60)).map(([p, b]) => `<${p}>1 2026-01-02T03:04:05Z host app 1 - - ${b}`),
  fc.tuple(fc.integer({ min: 0, max: 200 }), logText(60)).map(([p, b]) => `<${p}>Jun 14 15:16:01 combo sshd[123]: ${b}`),
  logText(80).map((b) => `1.2.3.4 - - [14/Jun/2026:15:16:01 +0000] "GET /${b} HTTP/1.1" 200 12 "-" "${b}"`),
  logText(80).map((b) => `2026-01-02 03:04:05,678 ERROR [main] ${b}`),
  logText(80).map((b) => `081109 203615 148 INFO dfs.DataNode$PacketResponder: ${b}`),
);

describe('record formats (fast-check)', () => {
  it.each(SPECS)('%s: any text becomes one record with the text as raw, a finite time, and is counted once', (spec) => {
    const f = createFormat(spec);
    let n = 0;
    fc.assert(
      fc.property(
        shaped,
        timed((text: string) => {
          const rec = f.extract(text, 7, 1_700_000_000_000, 'fuzz');
          n++;
          expect(rec.raw).toBe(text);
          expect(rec.line).toBe(7);
          expect(typeof rec.message).toBe('string');
          expect(Number.isFinite(rec.ts)).toBe(true);
          if (rec.tsFromArrival === true) expect(rec.ts).toBe(1_700_000_000_000);
        }),
      ),
      { numRuns: RUNS },
    );
    // Line accounting: every input is matched or unmatched, never both, never lost.
    expect(f.stats.matched + f.stats.unmatched).toBe(n);
  });
});

describe('timestamp parser (fast-check)', () => {
  it('returns NaN or a finite time for any text, and a well-formed ISO time exactly', () => {
    const p = new TimestampParser();
    fc.assert(
      fc.property(
        shaped,
        timed((text: string) => {
          const t = p.parse(text, 1_700_000_000_000);
          expect(Number.isNaN(t) || Number.isFinite(t)).toBe(true);
        }),
      ),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.date({ min: new Date('1971-01-01T00:00:00Z'), max: new Date('2199-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        expect(p.parse(d.toISOString(), 0)).toBe(d.getTime());
      }),
      { numRuns: RUNS },
    );
  });
});

describe('masker and miner (fast-check)', () => {
  it('masks any text: tokens match the count, params come from the text', () => {
    const m = new Masker();
    fc.assert(
      fc.property(
        shaped,
        timed((text: string) => {
          const r = m.mask(text);
          expect(typeof r.key).toBe('string');
          expect(r.key.length).toBeLessThanOrEqual(Math.max(text.length * 8, 16));
          expect(r.tokens()).toHaveLength(r.count);
          for (const p of r.params) expect(text.includes(p)).toBe(true);
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('mines any text into a template; a line seen again gets the same id; clusters stay under the caps', () => {
    const miner = new TemplateMiner({ maxClusters: 500, maxTemplateChars: 20_000 });
    fc.assert(
      fc.property(
        shaped,
        timed((text: string) => {
          const a = miner.add(text);
          expect(a.templateId).toBeGreaterThan(0);
          expect(typeof a.template).toBe('string');
          expect(miner.match(text).templateId).toBe(a.templateId);
        }),
      ),
      { numRuns: RUNS },
    );
    expect(miner.stats.clusters).toBeLessThanOrEqual(500);
    expect(miner.templates().reduce((n, t) => n + t.template.length, 0)).toBeLessThanOrEqual(20_000 + 600);
  });
});

describe('multi-line joiner (fast-check)', () => {
  it('loses no line and invents none: every input line is in exactly one event, in order', () => {
    fc.assert(
      fc.property(
        fc.tuple(
          fc.array(fc.oneof(logText(40), fc.constantFrom('', '  at x.y(Z.java:1)', 'Caused by: e', '\tcontinued')), { maxLength: 60 }),
          fc.integer({ min: 1, max: 8 }),
          fc.integer({ min: 16, max: 400 }),
        ),
        timed(([lines, maxLines, maxBytes]: [string[], number, number]) => {
          const j = new MultilineJoiner({ isRecordStart: (t) => /^\d/.test(t), maxLines, maxBytes });
          const raw = lines.map((text, i) => ({ text, line: i + 1 }));
          const out = [...j.push(raw.slice(0, 20)), ...j.push(raw.slice(20)), ...j.flush()];
          // Events start at increasing input lines; their starting lines are input lines.
          for (let k = 1; k < out.length; k++) expect(out[k].line).toBeGreaterThan(out[k - 1].line);
          const nonBlank = lines.filter((l) => l.trim() !== '').length;
          expect(out.length).toBeLessThanOrEqual(lines.length);
          if (nonBlank > 0) expect(out.length).toBeGreaterThan(0);
          for (const e of out) expect(e.text.length).toBeLessThanOrEqual(Math.max(maxBytes, ...lines.map((l) => l.length)) + 1);
        }),
      ),
      { numRuns: RUNS },
    );
  });
});

/**
 * Lines a stream holds: newlines (+1 for an unterminated last line) of its text after a leading
 * byte-order mark — a UTF-16 BOM makes the rest UTF-16 (a stream that is only a BOM has no line).
 */
function expectedLines(buf: Buffer): number {
  const utf16 = buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff));
  if (utf16) {
    const text = new TextDecoder(buf[0] === 0xff ? 'utf-16le' : 'utf-16be', { ignoreBOM: true }).decode(buf.subarray(2));
    const lf = text.split('\n').length - 1;
    return lf + (text.length > 0 && !text.endsWith('\n') ? 1 : 0);
  }
  const body = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf;
  const lf = body.filter((b) => b === 10).length;
  return lf + (body.length > 0 && body[body.length - 1] !== 10 ? 1 : 0);
}

describe('line splitter (fast-check)', () => {
  it('any bytes in any chunks: lines in = newlines (+1 unterminated), each ≤ max bytes, cut ones counted', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 64, max: 128 }),
        (bytes, sizes, max) => {
          const s = new LineSplitter({ maxLineBytes: max });
          const buf = Buffer.from(bytes);
          const out: { text: string; truncated?: boolean }[] = [];
          for (let i = 0, k = 0; i < buf.length; k++) {
            const n = sizes[k % sizes.length];
            out.push(...s.push(buf.subarray(i, i + n)));
            i += n;
          }
          out.push(...s.end());
          expect(out.length).toBe(expectedLines(buf));
          for (const l of out) expect(Buffer.byteLength(l.text)).toBeLessThanOrEqual(max + 3);
          expect(s.stats.truncated).toBe(out.filter((l) => l.truncated === true).length);
        },
      ),
      {
        numRuns: RUNS,
        // Found by this property in CI: a stream that is only a UTF-16 BOM (no text, no line); and a BOM then one odd byte.
        examples: [
          [Uint8Array.from([254, 255]), [1], 64],
          [Uint8Array.from([254, 255, 1]), [1], 64],
          [Uint8Array.from([0xef, 0xbb, 0xbf]), [2], 64],
        ],
      },
    );
  });
});
