import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../core/event.js';
import { detectorContract, type Step } from '../../../test/contract/detector.contract.js';
import { errorCode } from '../../../test/harness/errors.js';
import { batches, EventFactory, hdfsReplay, rng } from '../../../test/harness/log-streams.js';
import { createParams, definition, paramsConfigSchema, parseNumeric } from './index.js';

const T0 = Date.UTC(2026, 10, 24);

// Shape of the real Go log/slog logfmt line in test/fixtures/logs/other/go-slog.logfmt
// (`… msg="slow request" service=checkout req.method=GET req.path=/cart/42 req.ms=912`); the
// latency value is scripted: lognormal around `median` ms.
function requests(f: EventFactory, n: number, start: number, median: number, seed: number, gapMs = 1000): LogEvent[] {
  const next = rng(seed);
  const out: LogEvent[] = [];
  for (let i = 0; i < n; i++) {
    // Box–Muller normal, σ = 0.2 on the log scale (±20 % typical spread).
    const z = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    const ms = Math.round(median * Math.exp(0.2 * z));
    const line = `msg="request" service=checkout req.method=GET req.path=/cart/${(i % 50) + 1} req.ms=${ms}`;
    out.push(f.event(line, start + i * gapMs, 'checkout', 'info'));
  }
  return out;
}

function withHdfs(f: EventFactory, reqs: LogEvent[], seed = 7): LogEvent[] {
  const span = reqs[reqs.length - 1].ts - reqs[0].ts;
  const hdfs = hdfsReplay(f, { count: Math.max(200, Math.floor(span / 100)), meanGapMs: 100, start: reqs[0].ts, seed });
  return [...hdfs, ...reqs].sort((a, b) => a.ts - b.ts);
}

function contractStream(): Step[] {
  const f = new EventFactory();
  const normal = requests(f, 300, T0, 50, 1);
  const jump = requests(f, 40, T0 + 300_000, 900, 2);
  return batches(withHdfs(f, [...normal, ...jump]), 200).map((events) => ({ events }));
}

detectorContract('params', {
  make: () => createParams({ min_samples: 20, max_templates: 200, max_sources: 10 }),
  stream: contractStream,
});

describe('params', () => {
  it('raises nothing on a normal replay (HDFS sizes, ports, ids; latencies ~50 ms) after warm-up', () => {
    const f = new EventFactory();
    const events = withHdfs(f, requests(f, 3000, T0, 50, 3, 200));
    const d = createParams();
    expect(batches(events, 500).flatMap((b) => d.observe(b))).toEqual([]);
    // Only measurements are tracked: the latency (and HDFS block sizes), not ports, ids or counters.
    expect(d.stats().series).toBeGreaterThanOrEqual(1);
    expect(d.stats().series).toBeLessThanOrEqual(3);
  });

  it('flags a latency jumping from ~50 ms to ~900 ms once per bucket, with observed vs expected', () => {
    const f = new EventFactory();
    const normal = requests(f, 2000, T0, 50, 4);
    const d = createParams();
    expect(d.observe(withHdfs(f, normal))).toEqual([]);
    const at = T0 + 2000 * 1000;
    const slow = requests(f, 30, at, 900, 5, 1000).map((e) => ({ ...e, level: 'warn' }));
    const found = d.observe(slow);
    // 30 slow requests over 30 s with buckets of 60 s: at most two buckets, one anomaly each.
    const buckets = new Set(slow.map((e) => Math.floor(e.ts / 60_000)));
    expect(found).toHaveLength(buckets.size);
    const a = found[0];
    expect(a.ts).toBe(slow[0].ts);
    expect(a.templateId).toBe(normal[0].templateId);
    expect(a.severity).toBe('warning');
    expect(a.explanation[0].observed).toBe(Number(slow[0].params[slow[0].params.length - 1]));
    expect(a.explanation[0].expected).toBeGreaterThan(40);
    expect(a.explanation[0].expected).toBeLessThan(60);
    expect(a.title).toMatch(/^Parameter \d of '.*req\.ms=<NUM>' on checkout is unusually high: \d+ \(median \d+(\.\d)? over 128 recent values\)\.$/);
    expect(a.context[a.context.length - 1]).toBe(slow[0].raw);
    const low = createParams({ direction: 'low' });
    low.observe(normal);
    expect(low.observe(slow)).toEqual([]);
  });

  it('learns a lasting shift as the new normal once it fills half the window (window_samples × window_stride values)', () => {
    // One value a second, one anomaly per 60 s bucket: the last alert says when the shift became normal.
    const lastAlertIndex = (cfg: Parameters<typeof createParams>[0]): number => {
      const f = new EventFactory();
      const d = createParams({ ...cfg, max_alerts_per_hour: 0 });
      d.observe(requests(f, 1500, T0, 50, 6));
      const shifted = requests(f, 1200, T0 + 1_500_000, 900, 7);
      const found = d.observe(shifted);
      expect(found.length).toBeGreaterThan(0);
      const last = Math.max(...found.map((a) => a.ts));
      return shifted.findIndex((e) => e.ts === last);
    };
    // Every value enters: half of a 128-value window is 64 values.
    expect(lastAlertIndex({ window_stride: 1 })).toBeLessThan(128);
    // The default stride 4: the window spans 512 values, half of it 256.
    const strided = lastAlertIndex({});
    expect(strided).toBeGreaterThanOrEqual(128);
    expect(strided).toBeLessThan(128 * 4);
  });

  it('parses numbers with units and refuses ids, addresses and hex', () => {
    expect(parseNumeric('160ms')).toBe(160);
    expect(parseNumeric('1.5s')).toBe(1500);
    expect(parseNumeric('5KB')).toBe(5120);
    expect(parseNumeric('-3')).toBe(-3);
    expect(parseNumeric('67108864')).toBe(67108864);
    for (const s of ['blk_-6952295868487656571', '10.251.73.220', '0x1f', '12abc', '1e400', 'NaN', '', '/10.251.42.84']) expect(parseNumeric(s)).toBeNaN();
  });

  it('validates its config strictly and is registered as a detector', () => {
    expect(errorCode(() => createParams({ direction: 'up' } as never))).toBe('ANOMALOG_ERR_CONFIG_INVALID');
    expect(errorCode(() => createParams({ min_sample: 3 } as never))).toBe('ANOMALOG_ERR_CONFIG_INVALID');
    expect(definition).toMatchObject({ kind: 'detector', type: 'params' });
    expect(paramsConfigSchema.parse({}).min_samples).toBe(30);
  });
});

describe('params: recurring values beyond the range', () => {
  // An access log's status code position: 200 nearly always, then a 503 once a minute.
  const ev = (i: number, ts: number, status: string): LogEvent => ({
    ts, source: 'web', message: `GET /cart ${status}`, raw: `GET /cart ${status}`, templateId: 7, template: 'GET /cart <NUM>', params: [status],
  });

  it('alerts in accept_after_alerts buckets, then takes the value into the range; a higher one still alerts', () => {
    const d = createParams({ min_samples: 30, positions: 'all', max_alerts_per_hour: 0 });
    const minute = 60_000;
    const normal = Array.from({ length: 200 }, (_, i) => ev(i, T0 + i * 100, '200'));
    expect(d.observe(normal)).toEqual([]);
    const alertsByMinute: number[] = [];
    for (let m = 1; m <= 6; m++) {
      const batch = [ev(0, T0 + m * minute, '503'), ...Array.from({ length: 20 }, (_, i) => ev(i, T0 + m * minute + 1000 + i * 100, '200'))];
      alertsByMinute.push(d.observe(batch).length);
    }
    expect(alertsByMinute).toEqual([1, 1, 1, 0, 0, 0]);
    expect(d.observe([ev(0, T0 + 7 * minute, '599')])).toHaveLength(1);
  });

  it('keeps alerting on a recurring slowdown whose values vary (latencies rarely repeat exactly)', () => {
    const d = createParams({ min_samples: 30, max_alerts_per_hour: 0 });
    const lat = (ts: number, ms: number): LogEvent => ({ ts, source: 'db', message: `query took ${ms} ms`, raw: `query took ${ms} ms`, templateId: 3, template: 'query took <NUM> ms', params: [String(ms)] });
    d.observe(Array.from({ length: 200 }, (_, i) => lat(T0 + i * 100, 5 + (i % 3))));
    const slow = [250, 243, 247, 241, 249, 244];
    const counts = slow.map((ms, m) => d.observe([lat(T0 + (m + 1) * 300_000, ms)]).length);
    expect(counts).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('keeps alerting every bucket with accept_after_alerts: 0', () => {
    const d = createParams({ min_samples: 30, accept_after_alerts: 0, positions: 'all', max_alerts_per_hour: 0 });
    d.observe(Array.from({ length: 200 }, (_, i) => ev(i, T0 + i * 100, '200')));
    const counts = [1, 2, 3, 4, 5].map((m) => d.observe([ev(0, T0 + m * 60_000, '503')]).length);
    expect(counts).toEqual([1, 1, 1, 1, 1]);
  });

  it('carries the alert counts through a snapshot', () => {
    const cfg = { min_samples: 30, positions: 'all', max_alerts_per_hour: 0 } as const;
    const d = createParams(cfg);
    d.observe(Array.from({ length: 200 }, (_, i) => ev(i, T0 + i * 100, '200')));
    for (const m of [1, 2]) d.observe([ev(0, T0 + m * 60_000, '503')]);
    const r = createParams(cfg);
    r.restore(JSON.parse(JSON.stringify(d.snapshot())));
    expect([3, 4].map((m) => r.observe([ev(0, T0 + m * 60_000, '503')]).length)).toEqual([1, 0]);
  });
});

describe('params: measurements, not identifiers', () => {
  const at = (i: number) => T0 + i * 1000;
  const sshd = (i: number, port: number): LogEvent => {
    const line = `Received disconnect from 10.0.0.${i % 200}: 11: Bye Bye [preauth] port ${port}`;
    return { ts: at(i), source: 'sshd', message: line, raw: line, templateId: 4, template: 'Received disconnect from <IP>: <NUM>: Bye Bye [preauth] port <NUM>', params: [`10.0.0.${i % 200}`, '11', String(port)] };
  };

  it('leaves ports, pids and ids alone (positions: measurements), and judges them with positions: all', () => {
    const next = rng(9);
    const normal = Array.from({ length: 300 }, (_, i) => sshd(i, 40_000 + Math.floor(next() * 20_000)));
    const odd = sshd(301, 1022);
    const run = (positions: 'measurements' | 'all') => {
      const d = createParams({ positions, max_alerts_per_hour: 0 });
      d.observe(normal);
      return d.observe([odd]);
    };
    expect(run('measurements')).toEqual([]);
    expect(run('all')).toHaveLength(1);
  });

  it('knows measurements by unit, by name and by the word before: ms after, duration:, took, latency=', async () => {
    const { measurementPositions } = await import('./measures.js');
    expect(measurementPositions('duration: <NUM> ms statement: SELECT <*>')).toEqual([true, false]);
    expect(measurementPositions('msg="request" req.path=<ID> req.ms=<NUM>')).toEqual([false, true]);
    expect(measurementPositions('GET <PATH> served in <NUM>ms to <IP>:<NUM>')).toEqual([false, true, false, false]);
    expect(measurementPositions('query took <NUM> for user <NUM> pid=<NUM>')).toEqual([true, false, false]);
    expect(measurementPositions('Accepted password for <ID> from <IP> port <NUM> ssh2')).toEqual([false, false, false]);
    expect(measurementPositions('<NUM>:<NUM>:<NUM> generating core.<NUM> latency_ms=<NUM> size=<SIZE>')).toEqual([false, false, false, false, true, true]);
  });

  it('shows the median in the unit of the value it is compared with (1.5s beside 0.05s, not beside 50)', () => {
    const ev = (i: number, v: string): LogEvent => ({ ts: at(i), source: 'api', message: `done in ${v}`, raw: `done in ${v}`, templateId: 2, template: 'done in <DURATION>', params: [v] });
    const d = createParams({ max_alerts_per_hour: 0 });
    d.observe(Array.from({ length: 200 }, (_, i) => ev(i, `${45 + (i % 10)}ms`)));
    const [a] = d.observe([ev(201, '1.5s')]);
    expect(a.title).toMatch(/unusually high: 1\.5s \(median 0\.050?s over \d+ recent values\)\.$/);
    expect(a.explanation[0]).toMatchObject({ observed: 1500 });
  });

  it('ignores small moves of small values (min_change_ratio): 3 after a run of 1s is not news', () => {
    const ev = (i: number, v: number): LogEvent => ({ ts: at(i), source: 'q', message: `retries=${v}`, raw: `retries=${v}`, templateId: 5, template: 'queue wait=<NUM>', params: [String(v)] });
    const run = (min_change_ratio: number) => {
      const d = createParams({ min_change_ratio, max_alerts_per_hour: 0, min_spread: 0.01 });
      d.observe(Array.from({ length: 200 }, (_, i) => ev(i, 1)));
      return d.observe([ev(201, 1.9)]).length;
    };
    expect(run(1)).toBe(1);
    expect(run(2)).toBe(0);
  });

  it('keeps its alarm budget across a snapshot: a restored detector alerts no more than the running one', () => {
    // Two templates of one source, both slow at once; the budget (1 an hour) lets one alert through.
    const ev = (i: number, tid: number, v: string): LogEvent => ({ ts: at(i), source: 'api', message: `t${tid} done in ${v}`, raw: `t${tid} done in ${v}`, templateId: tid, template: `t${tid} done in <DURATION>`, params: [v] });
    const warm = (d: ReturnType<typeof createParams>) => d.observe(Array.from({ length: 400 }, (_, i) => ev(i, 1 + (i % 2), `${45 + (i % 10)}ms`)));
    const running = createParams({ max_alerts_per_hour: 1 });
    warm(running);
    expect(running.observe([ev(401, 1, '1.5s')])).toHaveLength(1);
    const restored = createParams({ max_alerts_per_hour: 1 });
    restored.restore(JSON.parse(JSON.stringify(running.snapshot())));
    expect(running.observe([ev(402, 2, '1.5s')])).toHaveLength(0);
    expect(restored.observe([ev(402, 2, '1.5s')])).toHaveLength(0);
  });
});
