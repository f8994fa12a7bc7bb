import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Anomaly } from '../core/event.js';
import { ManualClock } from '../core/clock.js';
import { errorCode } from '../../test/harness/errors.js';
import { openStore, type Store } from './store.js';
import { MAX_PAGE } from './paging.js';
import { DETECTORS, SOURCES, makeAnomalies, makeAnomaly, tmpDir, type TmpDir } from '../../test/harness/store-fixtures.js';

let tmp: TmpDir;
let store: Store;
let clock: ManualClock;
beforeEach(() => {
  tmp = tmpDir();
  clock = new ManualClock(1_800_000_000_000);
  store = openStore(tmp.file(), { clock });
});
afterEach(() => {
  store.close();
  tmp.remove();
});

/** The expected order: ts descending, then id descending. */
function newestFirst(a: Anomaly, b: Anomaly): number {
  return b.ts - a.ts || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

function pageAll(q: Parameters<Store['queryAnomalies']>[0], start?: string): Anomaly[] {
  const out: Anomaly[] = [];
  let cursor = start;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = store.queryAnomalies({ ...q, cursor });
    out.push(...page.anomalies);
    if (page.next === null) return out;
    cursor = page.next;
  }
  throw new Error('paging did not end');
}

describe('anomalies', () => {
  it('dedupes by id: a re-inserted batch returns only the new ones', () => {
    const first = makeAnomalies(50);
    expect(store.insertAnomalies(first).map((a) => a.id)).toEqual(first.map((a) => a.id));
    const again = [...first.slice(10, 20), ...makeAnomalies(5, 'a', 50)];
    expect(store.insertAnomalies(again).map((a) => a.id)).toEqual(makeAnomalies(5, 'a', 50).map((a) => a.id));
    expect(pageAll({ limit: 1000 })).toHaveLength(55);
  });

  it('a changed anomaly with a known id keeps the first version (idempotent re-processing)', () => {
    const a = makeAnomaly(1);
    store.insertAnomalies([a]);
    expect(store.insertAnomalies([{ ...a, title: 'different' }])).toEqual([]);
    expect(store.getAnomaly(a.id)?.title).toBe(a.title);
  });

  it('round-trips every field, optional ones absent when not set', () => {
    const batch = makeAnomalies(30);
    store.insertAnomalies(batch);
    for (const a of batch) expect(store.getAnomaly(a.id)).toStrictEqual(a);
    expect(store.getAnomaly('missing')).toBeUndefined();
  });

  it('stores hostile strings verbatim', () => {
    const nasty = ["it's \"quoted\"", "'; DROP TABLE anomalies; --", 'nul\u0000inside', 'emoji 🔥🧨 and ZWJ 👩‍💻', '\\%_ like wildcards', 'line\nbreak\r\n', '\uFEFFbom'];
    const batch = nasty.map((s, i): Anomaly => ({
      ...makeAnomaly(i),
      id: `id-${s}`,
      source: s,
      detector: s,
      title: s,
      sessionKey: s,
      context: [s, s],
      explanation: [{ feature: s, template: s, observed: 1, expected: 0, contribution: 1 }],
    }));
    expect(store.insertAnomalies(batch)).toHaveLength(nasty.length);
    for (const a of batch) {
      expect(store.getAnomaly(a.id)).toStrictEqual(a);
      expect(store.queryAnomalies({ source: a.source }).anomalies.map((x) => x.id)).toEqual([a.id]);
    }
    expect(pageAll({})).toHaveLength(nasty.length);
  });

  it('pages through 2,500 rows in (ts DESC, id DESC) order with no duplicates or gaps', () => {
    const all = makeAnomalies(2500);
    for (let i = 0; i < all.length; i += 500) store.insertAnomalies(all.slice(i, i + 500));
    for (const limit of [1000, 77]) {
      const got = pageAll({ limit });
      expect(got.map((a) => a.id)).toEqual([...all].sort(newestFirst).map((a) => a.id));
    }
  });

  it('a page inserted between requests does not shift the pages already handed out', () => {
    store.insertAnomalies(makeAnomalies(300));
    const p1 = store.queryAnomalies({ limit: 100 });
    store.insertAnomalies(makeAnomalies(50, 'late'));
    expect(p1.next).not.toBeNull();
    const rest = pageAll({ limit: 100 }, p1.next as string);
    const seen = [...p1.anomalies, ...rest].filter((a) => a.id.startsWith('a-'));
    expect(seen).toHaveLength(300);
    expect(new Set(seen.map((a) => a.id)).size).toBe(300);
  });

  it('filters by since/until/source/detector/severity, alone and combined, with paging', () => {
    const all = makeAnomalies(1200);
    store.insertAnomalies(all);
    const t0 = all[0].ts;
    const cases = [
      { since: t0 + 20_000 },
      { until: t0 + 30_000 },
      { since: t0 + 10_000, until: t0 + 50_000 },
      { source: SOURCES[1] },
      { detector: DETECTORS[2] },
      { severity: 'error' as const },
      { source: SOURCES[0], detector: DETECTORS[3], severity: 'warning' as const, since: t0 + 5_000 },
      { source: 'nope' },
    ];
    for (const f of cases) {
      const want = all
        .filter(
          (a) =>
            (f.since === undefined || a.ts >= f.since) &&
            (f.until === undefined || a.ts < f.until) &&
            (f.source === undefined || a.source === f.source) &&
            (f.detector === undefined || a.detector === f.detector) &&
            (f.severity === undefined || a.severity === f.severity),
        )
        .sort(newestFirst);
      expect(pageAll({ ...f, limit: 64 }).map((a) => a.id)).toEqual(want.map((a) => a.id));
    }
  });

  it('filters by a title substring: case-insensitive, wildcards and quotes literal, combined with filters and paging', () => {
    const titles = ['Disk FULL on /var', 'disk full on /tmp', '100% CPU on web-1', 'CPU at 100_% on web_2', "user 'x' OR 1=1 --", 'Connection refused'];
    store.insertAnomalies(titles.map((title, i) => ({ ...makeAnomaly(i, 'q'), title, source: i % 2 ? 'b' : 'a' })));
    const found = (q: Parameters<Store['queryAnomalies']>[0]) => pageAll({ ...q, limit: 1 }).map((a) => a.title).sort();
    expect(found({ q: 'disk full' })).toEqual(['Disk FULL on /var', 'disk full on /tmp']);
    expect(found({ q: 'disk full', source: 'b' })).toEqual(['disk full on /tmp']);
    expect(found({ q: '100%' })).toEqual(['100% CPU on web-1']);
    expect(found({ q: '_' })).toEqual(['CPU at 100_% on web_2']);
    expect(found({ q: '%' })).toEqual(['100% CPU on web-1', 'CPU at 100_% on web_2']);
    expect(found({ q: "'x' OR 1=1" })).toEqual(["user 'x' OR 1=1 --"]);
    expect(found({ q: '\\' })).toEqual([]);
    expect(found({ q: '' })).toHaveLength(titles.length);
  });

  it('caps the page at 1000 and rejects bad limits, times and cursors', () => {
    store.insertAnomalies(makeAnomalies(MAX_PAGE + 5));
    const page = store.queryAnomalies({ limit: 5000 });
    expect(page.anomalies).toHaveLength(MAX_PAGE);
    expect(page.next).not.toBeNull();
    expect(store.queryAnomalies({ cursor: page.next as string }).anomalies).toHaveLength(5);
    for (const limit of [0, -1, 1.5, Number.NaN]) expect(errorCode(() => store.queryAnomalies({ limit }))).toBe('ANOMALOG_ERR_STORE_QUERY');
    expect(errorCode(() => store.queryAnomalies({ since: Number.NaN }))).toBe('ANOMALOG_ERR_STORE_QUERY');
    for (const cursor of ['garbage!', Buffer.from('[1]').toString('base64url'), Buffer.from('{"ts":1}').toString('base64url')]) {
      expect(errorCode(() => store.queryAnomalies({ cursor }))).toBe('ANOMALOG_ERR_STORE_QUERY');
    }
  });

  it('deleteAnomaliesBefore removes exactly the older rows', () => {
    const all = makeAnomalies(400);
    store.insertAnomalies(all);
    const cut = all[0].ts + 40_000;
    expect(store.deleteAnomaliesBefore(cut)).toBe(all.filter((a) => a.ts < cut).length);
    const left = pageAll({ limit: 1000 });
    expect(left.map((a) => a.id).sort()).toEqual(all.filter((a) => a.ts >= cut).map((a) => a.id).sort());
  });

  it('retention by age counts from when a row was stored (not its event time), by rows keeps the newest ts', () => {
    // Five batches stored an hour apart; event times are old and interleaved (as in a replay).
    const batches = [0, 1, 2, 3, 4].map((k) => makeAnomalies(100, `s${k}`));
    const storedAt = new Map<string, number>();
    for (const batch of batches) {
      store.insertAnomalies(batch);
      for (const a of batch) storedAt.set(a.id, clock.now());
      clock.advance(3_600_000);
    }
    const all = batches.flat();
    const maxAgeMs = 2.5 * 3_600_000;
    const keptByAge = all.filter((a) => (storedAt.get(a.id) as number) >= clock.now() - maxAgeMs);
    expect(keptByAge.length).toBeGreaterThan(0);
    expect(keptByAge.length).toBeLessThan(all.length);
    const r1 = store.applyRetention({ maxAgeMs });
    expect(r1).toEqual({ byAge: all.length - keptByAge.length, byRows: 0, outbox: 0 });
    expect(pageAll({ limit: 1000 }).map((a) => a.id)).toEqual([...keptByAge].sort(newestFirst).map((a) => a.id));
    const r2 = store.applyRetention({ maxRows: 120 });
    expect(r2.byRows).toBe(keptByAge.length - 120);
    expect(pageAll({ limit: 1000 }).map((a) => a.id)).toEqual([...keptByAge].sort(newestFirst).slice(0, 120).map((a) => a.id));
    expect(store.applyRetention({ maxRows: 0 }).byRows).toBe(120);
    expect(errorCode(() => store.applyRetention({ maxRows: -1 }))).toBe('ANOMALOG_ERR_STORE_QUERY');
    expect(errorCode(() => store.applyRetention({ maxAgeMs: Number.NaN }))).toBe('ANOMALOG_ERR_STORE_QUERY');
  });

  it('a fresh anomaly with an ancient event time survives age retention', () => {
    const old = { ...makeAnomaly(1), ts: 1_000 };
    store.insertAnomalies([old]);
    expect(store.applyRetention({ maxAgeMs: 60_000 }).byAge).toBe(0);
    expect(store.getAnomaly(old.id)).toStrictEqual(old);
  });
});

describe('malformed anomalies', () => {
  it('fail the whole batch loudly instead of being dropped as duplicates', () => {
    const ok = makeAnomalies(3);
    for (const bad of [{ score: Number.NaN }, { ts: Number.NaN }, { severity: 'loud' }, { id: '' }] as Partial<Anomaly>[]) {
      const batch = [...ok, { ...makeAnomaly(99), ...bad }];
      expect(errorCode(() => store.insertAnomalies(batch))).toBe('ANOMALOG_ERR_STORE_QUERY');
      expect(store.queryAnomalies().anomalies).toEqual([]);
    }
    const inf = { ...makeAnomaly(7), score: Number.POSITIVE_INFINITY };
    expect(store.insertAnomalies([inf])).toHaveLength(1);
    expect(store.getAnomaly(inf.id)?.score).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('anomaly caps', () => {
  const mk = (i: number, source: string, severity: Anomaly['severity']): Anomaly => ({ ...makeAnomaly(i, `cap-${source}`), source, severity });

  it('stores at most maxPerSourceHour per source per hour; more severe ones replace the oldest least severe', () => {
    const s = openStore(tmp.file('caps.db'), { clock, anomalyCaps: { maxPerSourceHour: 10 } });
    try {
      const first = Array.from({ length: 25 }, (_, i) => mk(i, 'flood', 'warning'));
      expect(s.insertAnomalies(first)).toHaveLength(10);
      expect(s.anomalyCapStats()).toEqual({ stored: 10, dropped: 15, evicted: 0 });
      // Another source has its own hour.
      expect(s.insertAnomalies([mk(100, 'calm', 'info')])).toHaveLength(1);
      // A critical one replaces the oldest warning of the full source.
      const crit = mk(200, 'flood', 'critical');
      expect(s.insertAnomalies([crit])).toEqual([crit]);
      expect(s.getAnomaly(first[0].id)).toBeUndefined();
      expect(s.getAnomaly(first[1].id)).toBeDefined();
      expect(s.anomalyCapStats()).toEqual({ stored: 11, dropped: 15, evicted: 1 });
      // A duplicate of a stored id in a full hour is neither dropped nor evicting.
      expect(s.insertAnomalies([first[1]])).toHaveLength(0);
      expect(s.anomalyCapStats().evicted).toBe(1);
      // The next hour starts empty.
      clock.advance(3_600_000);
      expect(s.insertAnomalies(Array.from({ length: 12 }, (_, i) => mk(300 + i, 'flood', 'warning')))).toHaveLength(10);
    } finally {
      s.close();
    }
  });

  it('counts an hour already stored after a restart', () => {
    const file = tmp.file('caps-restart.db');
    let s = openStore(file, { clock, anomalyCaps: { maxPerSourceHour: 5 } });
    s.insertAnomalies(Array.from({ length: 3 }, (_, i) => mk(i, 'x', 'error')));
    s.close();
    s = openStore(file, { clock, anomalyCaps: { maxPerSourceHour: 5 } });
    try {
      expect(s.insertAnomalies(Array.from({ length: 5 }, (_, i) => mk(10 + i, 'x', 'error')))).toHaveLength(2);
      expect(s.anomalyCapStats()).toMatchObject({ stored: 5, dropped: 3 });
    } finally {
      s.close();
    }
  });

  it('keeps the total under maxTotal, deleting the oldest of the lowest severity first', () => {
    const s = openStore(tmp.file('caps-total.db'), { clock, anomalyCaps: { maxTotal: 100 } });
    try {
      const errors = Array.from({ length: 20 }, (_, i) => mk(i, 'src-e', 'error'));
      s.insertAnomalies(errors);
      for (let k = 0; k < 10; k++) {
        clock.advance(1000);
        s.insertAnomalies(Array.from({ length: 30 }, (_, i) => mk(1000 + k * 30 + i, `src-${k}`, 'info')));
        expect(s.anomalyCapStats().stored).toBeLessThanOrEqual(100);
      }
      // Every error survived; the newest info ones did too.
      for (const e of errors) expect(s.getAnomaly(e.id)).toBeDefined();
      expect(s.getAnomaly(mk(1000 + 299, 'src-9', 'info').id)).toBeDefined();
      expect(s.getAnomaly(mk(1000, 'src-0', 'info').id)).toBeUndefined();
      const c = s.anomalyCapStats();
      expect(c.stored + c.evicted).toBe(320);
      expect(pageAllOf(s)).toHaveLength(c.stored);
    } finally {
      s.close();
    }
  });
});

function pageAllOf(s: Store): Anomaly[] {
  const out: Anomaly[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = s.queryAnomalies({ limit: 1000, cursor });
    out.push(...page.anomalies);
    if (page.next === null) return out;
    cursor = page.next;
  }
  throw new Error('paging did not end');
}
