import { describe, expect, it } from 'vitest';
import { createFormat, detectFormat } from '../parsers/formats/index.js';
import { decodeNdjson } from '../sources/http/decode.js';
import { DemoGenerator, type Lines, SERVICES } from './generator.js';
import { ndjson } from './runner.js';
import { INCIDENTS, Scenario } from './scenario.js';
import { SERVICE_NAMES } from './services/common.js';

const LIVE = Date.UTC(2026, 10, 30, 15, 0, 0);
const ORIGIN = LIVE - 600_000;

function gen(seed: number, incidents = true, origin = ORIGIN, maxLinesPerSecond?: number): DemoGenerator {
  return new DemoGenerator({ seed, origin, scenario: new Scenario({ liveStart: LIVE, cycleSeconds: 300, incidents }), maxLinesPerSecond });
}

/** Lines of `seconds` consecutive seconds from `from`, per service. */
function collect(g: DemoGenerator, from: number, seconds: number): Lines {
  const out: Lines = { web: [], api: [], db: [], auth: [] };
  for (let i = 0; i < seconds; i++) {
    const l = g.second(from + i * 1000);
    for (const s of SERVICE_NAMES) out[s].push(...l[s]);
  }
  return out;
}

describe('demo generator: real formats', () => {
  // History, then a whole incident cycle: incident lines must be in the service's format too.
  const lines = { history: collect(gen(7), ORIGIN, 20), live: collect(gen(7), LIVE, 300) };

  for (const name of SERVICE_NAMES) {
    it(`${name}: detected as ${SERVICES[name].format}, every line parsed with its time stamp`, () => {
      const all = [...lines.history[name], ...lines.live[name]];
      expect(all.length).toBeGreaterThan(SERVICES[name].rate * 200);
      expect(detectFormat(lines.history[name].slice(0, 50)).kind).toBe(SERVICES[name].format);
      // Detection on a sample taken during the incidents must agree.
      expect(detectFormat(lines.live[name].slice(lines.live[name].length >> 1, (lines.live[name].length >> 1) + 50)).kind).toBe(SERVICES[name].format);
      const f = createFormat({ kind: SERVICES[name].format });
      let prev = 0;
      for (let i = 0; i < all.length; i++) {
        const r = f.extract(all[i], i + 1, LIVE, name); // arrival: RFC 3164 takes its year from it
        expect(r.tsFromArrival ?? false, all[i]).toBe(false);
        if (i >= lines.history[name].length) expect(r.ts).toBeGreaterThanOrEqual(LIVE);
        expect(r.ts).toBeGreaterThanOrEqual(prev - 999); // sorted (syslog 3164 has whole seconds)
        prev = Math.max(prev, r.ts);
      }
      expect(f.stats.unmatched).toBe(0);
      expect(f.stats.matched).toBe(all.length);
    });
  }

  it('levels come through the formats: errors on api, warnings on db, notices on auth', () => {
    const api = createFormat({ kind: 'json' });
    const errors = lines.live.api.filter((l) => api.extract(l, 1, 0, 'api').level === 'error');
    expect(errors.length).toBeGreaterThan(100); // the new-error burst: 6/s for 30 s
    const db = createFormat({ kind: 'logfmt' });
    expect(lines.live.db.some((l) => db.extract(l, 1, 0, 'db').level === 'warn')).toBe(true);
  });
});

describe('demo generator: reproducible and bounded', () => {
  it('the same seed gives the same lines, another seed others', () => {
    expect(collect(gen(3), ORIGIN, 5)).toEqual(collect(gen(3), ORIGIN, 5));
    expect(collect(gen(4), ORIGIN, 5).api).not.toEqual(collect(gen(3), ORIGIN, 5).api);
  });

  it('a second is a pure function of its number: any order gives the same lines (no state kept between seconds)', () => {
    const a = gen(5);
    const inOrder = [0, 1, 2, 3].map((i) => a.second(LIVE + i * 1000));
    const b = gen(5);
    b.second(LIVE + 3_600_000); // far away first
    const reversed = [3, 2, 1, 0].map((i) => b.second(LIVE + i * 1000)).reverse();
    expect(reversed).toEqual(inOrder);
  });

  it('runs started at different times draw the same lines (only the time stamps move)', () => {
    const shift = 86_400_000 + 37_000;
    const a = collect(gen(9, false, ORIGIN), ORIGIN, 3);
    const b = collect(gen(9, false, ORIGIN + shift), ORIGIN + shift, 3);
    expect(b.api.length).toBe(a.api.length);
    const json = (l: string) => JSON.parse(l) as { time: number; req_id: string; msg: string };
    for (let i = 0; i < a.api.length; i++) {
      expect(json(b.api[i]).time - json(a.api[i]).time).toBe(shift);
      expect(json(b.api[i]).msg).toBe(json(a.api[i]).msg);
    }
  });

  it('normal traffic is the same with and without incidents (the baseline run is comparable)', () => {
    const silence = INCIDENTS.find((i) => i.kind === 'silence')!;
    const t = LIVE + (silence.at + 15) * 1000; // only web is affected then
    const on = gen(11, true).second(t);
    const off = gen(11, false).second(t);
    expect(on.web).toEqual([]);
    expect(off.web.length).toBeGreaterThan(50);
    expect(on.api).toEqual(off.api);
    expect(on.db).toEqual(off.db);
    expect(on.auth).toEqual(off.auth);
    const latency = INCIDENTS.find((i) => i.kind === 'latency')!;
    const slow = (l: string[]) => l.filter((x) => x.includes('FROM orders WHERE customer_id')).map((x) => Number(/duration: ([\d.]+) ms/.exec(x)![1]));
    const during = LIVE + (latency.at + 1) * 1000;
    const fast = slow(gen(11, false).second(during).db);
    const slowed = slow(gen(11, true).second(during).db);
    expect(slowed.length).toBe(fast.length);
    expect(fast.length).toBeGreaterThan(0);
    for (let i = 0; i < fast.length; i++) expect(slowed[i]).toBeCloseTo(fast[i] * 40, 1);
  });

  it('caps the lines of one service in one second', () => {
    const bf = INCIDENTS.find((i) => i.kind === 'brute-force')!;
    const l = gen(1, true, ORIGIN, 15).second(LIVE + (bf.at + 1) * 1000);
    for (const s of SERVICE_NAMES) expect(l[s].length).toBeLessThanOrEqual(15);
    expect(l.auth.length).toBe(15); // 20 normal + 25 guesses per second, capped
  });
});

describe('demo ingest bodies', () => {
  it('every service line reaches the service unchanged through the real NDJSON decoder', () => {
    const l = gen(2).second(LIVE + 20_000); // api's new-error burst included
    for (const s of SERVICE_NAMES) {
      const d = decodeNdjson(ndjson(l[s]), `demo:${s}`, 0);
      expect(d.rejected).toBe(0);
      expect(d.records.map((r) => r.text)).toEqual(l[s]);
    }
    expect(ndjson(['plain', '{"a":1}'])).toBe('"plain"\n{"a":1}');
  });
});
