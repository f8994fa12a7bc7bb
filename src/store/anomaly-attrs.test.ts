import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_ATTR_VALUE, MAX_ATTRS } from '../core/attrs.js';
import { ManualClock } from '../core/clock.js';
import { errorCode } from '../../test/harness/errors.js';
import Database from 'better-sqlite3';
import type { Anomaly } from '../core/event.js';
import { makeAnomaly as base, tmpDir, type TmpDir } from '../../test/harness/store-fixtures.js';
import { openStore, type Store } from './store.js';

let tmp: TmpDir;
let store: Store;
let clock: ManualClock;
let file: string;
/** A fixture anomaly with these fields. */
const makeAnomaly = (over: Partial<Anomaly>): Anomaly => ({ ...base(1), attrs: undefined, contextAttrs: undefined, ...over });
beforeEach(() => {
  tmp = tmpDir();
  clock = new ManualClock(1_800_000_000_000);
  file = tmp.file();
  store = openStore(file, { clock });
});
afterEach(() => {
  store.close();
  tmp.remove();
});

const ids = (q: Parameters<Store['queryAnomalies']>[0]) => store.queryAnomalies(q).anomalies.map((a) => a.id).sort();

describe('anomaly attributes', () => {
  it('stores an anomaly\'s attributes and its context lines\' attributes, and reads them back as written', () => {
    const a = makeAnomaly({ id: 'a1', context: ['one', 'two'], attrs: { hostname: 'web-1', appname: 'nginx' }, contextAttrs: [{ hostname: 'web-1' }, null] });
    store.insertAnomalies([a, makeAnomaly({ id: 'a2' })]);
    expect(store.getAnomaly('a1')).toMatchObject({ attrs: { hostname: 'web-1', appname: 'nginx' }, contextAttrs: [{ hostname: 'web-1' }, null] });
    const plain = store.getAnomaly('a2');
    expect(plain?.attrs).toBeUndefined();
    expect(plain?.contextAttrs).toBeUndefined();
  });

  it('filters by attributes: exact values, all of them, with paging', () => {
    store.insertAnomalies([
      makeAnomaly({ id: 'w1-nginx', ts: 1, attrs: { hostname: 'web-1', appname: 'nginx' } }),
      makeAnomaly({ id: 'w1-cron', ts: 2, attrs: { hostname: 'web-1', appname: 'cron' } }),
      makeAnomaly({ id: 'w2-nginx', ts: 3, attrs: { hostname: 'web-2', appname: 'nginx' } }),
      makeAnomaly({ id: 'w10', ts: 4, attrs: { hostname: 'web-10' } }),
      makeAnomaly({ id: 'none', ts: 5 }),
    ]);
    expect(ids({ attrs: { hostname: 'web-1' } })).toEqual(['w1-cron', 'w1-nginx']);
    expect(ids({ attrs: { hostname: 'web-1', appname: 'nginx' } })).toEqual(['w1-nginx']);
    expect(ids({ attrs: { appname: 'nginx' }, since: 2 })).toEqual(['w2-nginx']);
    expect(ids({ attrs: { hostname: 'web-' } })).toEqual([]);
    expect(ids({ attrs: { nope: 'web-1' } })).toEqual([]);
    const first = store.queryAnomalies({ attrs: { hostname: 'web-1' }, limit: 1 });
    expect(first.anomalies.map((a) => a.id)).toEqual(['w1-cron']);
    expect(store.queryAnomalies({ attrs: { hostname: 'web-1' }, limit: 1, cursor: first.next! }).anomalies.map((a) => a.id)).toEqual(['w1-nginx']);
  });

  it('takes hostile names and values as plain data (bound parameters), and bounds what is stored', () => {
    const hostile = { "x' OR 1=1 --": "'); DROP TABLE anomalies; --", '%': '_', big: 'v'.repeat(10_000) };
    const many: Record<string, string> = {};
    for (let i = 0; i < 100; i++) many[`k${i}`] = String(i);
    store.insertAnomalies([makeAnomaly({ id: 'h', ts: 1, attrs: hostile }), makeAnomaly({ id: 'm', ts: 2, attrs: many })]);
    expect(ids({ attrs: { "x' OR 1=1 --": "'); DROP TABLE anomalies; --" } })).toEqual(['h']);
    expect(ids({ attrs: { '%': '%' } })).toEqual([]);
    const h = store.getAnomaly('h')!;
    expect(h.attrs?.big.length).toBe(MAX_ATTR_VALUE);
    expect(Object.keys(store.getAnomaly('m')!.attrs!)).toHaveLength(MAX_ATTRS);
    expect(ids({ attrs: { k99: '99' } })).toEqual([]);
    expect(ids({ attrs: { k0: '0' } })).toEqual(['m']);
    expect(errorCode(() => store.queryAnomalies({ attrs: { a: '1', b: '2', c: '3', d: '4', e: '5' } }))).toBe('ANOMALOG_ERR_STORE_QUERY');
    expect(errorCode(() => store.queryAnomalies({ attrs: { '': 'x' } }))).toBe('ANOMALOG_ERR_STORE_QUERY');
  });

  it('forgets an anomaly\'s attributes with it (retention, caps)', () => {
    store.insertAnomalies([makeAnomaly({ id: 'old', ts: 1, attrs: { hostname: 'web-1' } }), makeAnomaly({ id: 'new', ts: 10, attrs: { hostname: 'web-1' } })]);
    expect(store.deleteAnomaliesBefore(5)).toBe(1);
    const db = new Database(file, { readonly: true });
    const left = db.prepare('SELECT anomaly_id FROM anomaly_attrs ORDER BY anomaly_id').all() as { anomaly_id: string }[];
    db.close();
    expect(left.map((r) => r.anomaly_id)).toEqual(['new']);
    expect(ids({ attrs: { hostname: 'web-1' } })).toEqual(['new']);
  });

  it('keeps context attributes only when they line up with the context lines', () => {
    store.insertAnomalies([makeAnomaly({ id: 'x', context: ['a', 'b'], contextAttrs: [{ k: 'v' }] })]);
    expect(store.getAnomaly('x')?.contextAttrs).toBeUndefined();
  });
});
