import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Cursor } from '../core/event.js';
import { ManualClock } from '../core/clock.js';
import { errorCode } from '../../test/harness/errors.js';
import { openStore, type Store } from './store.js';
import type { TemplateRow } from './templates.js';
import { tmpDir, type TmpDir } from '../../test/harness/store-fixtures.js';

let tmp: TmpDir;
let store: Store;
let clock: ManualClock;
beforeEach(() => {
  tmp = tmpDir();
  clock = new ManualClock(1_000);
  store = openStore(tmp.file(), { clock });
});
afterEach(() => {
  store.close();
  tmp.remove();
});

function reopen(): Store {
  store.close();
  store = openStore(tmp.file(), { clock });
  return store;
}

describe('checkpoints', () => {
  it('round-trips cursors per source, last save wins, survives a reopen', () => {
    const c1: Cursor = { kind: 'file', id: '2049:131', offset: 4096 };
    const c2: Cursor = { kind: 'kafka', id: 'logs:3', offset: 17 };
    expect(store.checkpoints.load('file:/a.log')).toBeUndefined();
    store.checkpoints.save('file:/a.log', c1);
    store.checkpoints.save('kafka', c2);
    store.checkpoints.save('file:/a.log', { ...c1, offset: 8192 });
    reopen();
    expect(store.checkpoints.load('file:/a.log')).toEqual({ ...c1, offset: 8192 });
    expect(store.checkpoints.load('kafka')).toEqual(c2);
  });

  it('refuses a malformed cursor instead of persisting it', () => {
    expect(errorCode(() => store.checkpoints.save('x', { kind: 'tape', id: 'a', offset: 1 } as unknown as Cursor))).toBe('ANOMALOG_ERR_SNAPSHOT_INVALID');
    expect(errorCode(() => store.checkpoints.save('x', { kind: 'file', id: 'a', offset: Number.NaN }))).toBe('ANOMALOG_ERR_SNAPSHOT_INVALID');
    expect(store.checkpoints.load('x')).toBeUndefined();
  });

  it('batch() commits anomalies and the checkpoint together or not at all', () => {
    const cursor: Cursor = { kind: 'stream', id: 'stdin', offset: 10 };
    expect(() =>
      store.batch(() => {
        store.checkpoints.save('stdin', cursor);
        store.saveParserState('stdin', { kind: 'drain', version: 1, data: {} });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.checkpoints.load('stdin')).toBeUndefined();
    expect(store.loadParserState('stdin')).toBeUndefined();
    store.batch(() => store.checkpoints.save('stdin', cursor));
    expect(store.checkpoints.load('stdin')).toEqual(cursor);
  });
});

describe('parser state', () => {
  it('round-trips a snapshot per source', () => {
    const snap = { kind: 'drain', version: 3, data: { clusters: [{ id: 1, tokens: ['a', '<*>'], size: 4 }], depth: 4 } };
    store.saveParserState('syslog', snap);
    store.saveParserState('http', { kind: 'drain', version: 3, data: null });
    reopen();
    expect(store.loadParserState('syslog')).toEqual(snap);
    expect(store.loadParserState('http')).toEqual({ kind: 'drain', version: 3, data: null });
    expect(store.loadParserState('none')).toBeUndefined();
  });
});

describe('templates', () => {
  const row = (source: string, templateId: number, count: number, firstSeen: number, lastSeen: number, template = `T${templateId} <*>`): TemplateRow => ({
    source,
    templateId,
    template,
    count,
    firstSeen,
    lastSeen,
  });

  it('adds counts, keeps the earliest first_seen, moves last_seen, takes the newest template text', () => {
    const deltas = [
      row('s', 1, 5, 100, 200, 'Connected to <*>'),
      row('s', 1, 3, 150, 400, 'Connected to <*> port <*>'),
      row('s', 1, 2, 90, 300, 'Connected to <*> port <*>'),
      row('t', 1, 7, 10, 20),
    ];
    store.upsertTemplates(deltas.slice(0, 1));
    store.upsertTemplates(deltas.slice(1));
    const s1 = store.listTemplates({ source: 's' }).templates;
    const sDeltas = deltas.filter((d) => d.source === 's');
    expect(s1).toEqual([
      {
        source: 's',
        templateId: 1,
        template: sDeltas[sDeltas.length - 1].template,
        count: sDeltas.reduce((n, d) => n + d.count, 0),
        firstSeen: Math.min(...sDeltas.map((d) => d.firstSeen)),
        lastSeen: Math.max(...sDeltas.map((d) => d.lastSeen)),
      },
    ]);
    expect(store.listTemplates({ source: 't' }).templates[0].count).toBe(7);
  });

  it('deletes the rows of evicted templates of that source only, after the upserts, and counts them', () => {
    store.upsertTemplates([row('s', 1, 1, 1, 1), row('s', 2, 1, 1, 1), row('s', 3, 1, 1, 1), row("s'; --", 1, 1, 1, 1), row('t', 2, 1, 1, 1)]);
    // Id 4 is upserted and evicted in the same write (never seen by a reader); 9 was never stored.
    store.upsertTemplates([row('s', 4, 1, 2, 2)], [{ source: 's', templateIds: [1, 2, 4, 9] }, { source: "s'; --", templateIds: [1] }]);
    expect(store.listTemplates().templates.map((t) => [t.source, t.templateId]).sort()).toEqual([['s', 3], ['t', 2]]);
    expect(store.evictedTemplateRows).toBe(4);
  });

  it('keeps the first example params', () => {
    store.upsertTemplates([{ ...row('s', 2, 1, 1, 1), exampleParams: ['10.0.0.1', "'; DROP TABLE templates; --"] }]);
    store.upsertTemplates([{ ...row('s', 2, 1, 2, 2), exampleParams: ['other'] }]);
    store.upsertTemplates([row('s', 2, 1, 3, 3)]);
    expect(store.listTemplates().templates[0].exampleParams).toEqual(['10.0.0.1', "'; DROP TABLE templates; --"]);
  });

  it('bounds the stored example: the first 32 params, each cut at 256 characters (a hostile line is not stored whole)', () => {
    const huge = Array.from({ length: 1000 }, (_, i) => `${i}:${'w'.repeat(10_000)}`);
    store.upsertTemplates([{ ...row('h', 1, 1, 1, 1), exampleParams: ['short', '😀'.repeat(200), ...huge] }]);
    const ex = store.listTemplates({ source: 'h' }).templates[0].exampleParams!;
    expect(ex).toHaveLength(32);
    expect(ex[0]).toBe('short');
    // 127 whole pairs and the mark: never half a pair.
    expect(ex[1]).toBe(`${'😀'.repeat(127)}…`);
    expect(ex[2]).toBe(`0:${'w'.repeat(253)}…`);
    expect(Math.max(...ex.map((p) => p.length))).toBeLessThanOrEqual(256);
  });

  it('lists by count with source, substring search (wildcards literal), limit, offset and total', () => {
    const rows: TemplateRow[] = [];
    for (let i = 0; i < 40; i++) rows.push(row(i % 2 ? 'a' : 'b', i, (i * 7) % 23, i, i + 1, i % 5 === 0 ? `100% done_${i}` : `step ${i} <*>`));
    store.upsertTemplates(rows);
    const byCount = [...rows].sort((x, y) => y.count - x.count || (x.source < y.source ? -1 : x.source > y.source ? 1 : x.templateId - y.templateId));
    const p = store.listTemplates({ limit: 10, offset: 5 });
    expect(p.total).toBe(40);
    expect(p.templates.map((t) => [t.source, t.templateId])).toEqual(byCount.slice(5, 15).map((t) => [t.source, t.templateId]));
    const a = store.listTemplates({ source: 'a', limit: 1000 });
    expect(a.total).toBe(rows.filter((r) => r.source === 'a').length);
    const pct = store.listTemplates({ search: '0% d', limit: 1000 });
    expect(pct.templates.map((t) => t.templateId).sort((x, y) => x - y)).toEqual(rows.filter((r) => r.template.includes('0% d')).map((r) => r.templateId));
    expect(store.listTemplates({ search: '_', limit: 1000 }).total).toBe(rows.filter((r) => r.template.includes('_')).length);
    expect(store.listTemplates({ search: '%' }).total).toBe(rows.filter((r) => r.template.includes('%')).length);
    expect(errorCode(() => store.listTemplates({ offset: -1 }))).toBe('ANOMALOG_ERR_STORE_QUERY');
  });
});

describe('models', () => {
  it('keeps one active model per kind; the newest activation wins; artifacts round-trip', () => {
    expect(store.activeModel('model-detector')).toBeUndefined();
    const art1 = { kind: 'isolation-forest', version: 1, data: { trees: [[1, 2, 3]], vocabulary: ['E1', 'E2'] } };
    store.saveModel({ id: 'm1', kind: 'model-detector', version: 1, artifact: art1 });
    clock.advance(10);
    store.saveModel({ id: 'm2', kind: 'model-detector', version: 1, artifact: { ...art1, data: { trees: [] } } });
    store.saveModel({ id: 'm3', kind: 'model-detector', version: 1, artifact: art1, activate: false });
    store.saveModel({ id: 'n1', kind: 'other', version: 2, artifact: [1.5, -2] });
    reopen();
    const active = store.activeModel('model-detector');
    expect(active).toMatchObject({ id: 'm2', active: true, createdAt: 1010, artifact: { ...art1, data: { trees: [] } } });
    expect(store.activeModel('other')?.artifact).toEqual([1.5, -2]);
    store.saveModel({ id: 'm1', kind: 'model-detector', version: 1, artifact: art1 });
    expect(store.activeModel('model-detector')?.id).toBe('m1');
  });

  it('prunes inactive versions of a kind beyond the newest ones, never the active one', () => {
    for (let v = 1; v <= 5; v++) {
      clock.advance(10);
      store.saveModel({ id: `p${v}`, kind: 'pruned', version: v, artifact: { v } });
    }
    store.saveModel({ id: 'q1', kind: 'kept', version: 1, artifact: {} });
    expect(store.pruneModels('pruned', 2)).toBe(3);
    expect(store.pruneModels('pruned', 2)).toBe(0);
    expect(store.activeModel('pruned')?.id).toBe('p5');
    expect(store.activeModels().map((m) => m.kind)).toContain('kept');
    // An older version re-activated stays even when it is not among the newest.
    store.saveModel({ id: 'p4', kind: 'pruned', version: 4, artifact: { v: 4 } });
    clock.advance(10);
    store.saveModel({ id: 'p6', kind: 'pruned', version: 6, artifact: { v: 6 }, activate: false });
    store.saveModel({ id: 'p7', kind: 'pruned', version: 7, artifact: { v: 7 }, activate: false });
    expect(store.pruneModels('pruned', 1)).toBe(2);
    expect(store.activeModel('pruned')?.id).toBe('p4');
  });

  it('lists a model detector artifact\'s algorithm, threshold rule and threshold with the active models, and nothing else of it', () => {
    const base = { format: 'x', modelKind: 'if', model: { trees: ['big'] } };
    store.saveModel({ id: 'md:a:v1', kind: 'model-detector:a', version: 1, artifact: { ...base, threshold: { kind: 'quantile', version: 1, contamination: 0.01, threshold: 0.61 } } });
    store.saveModel({ id: 'md:b:v3', kind: 'model-detector:b', version: 3, artifact: { ...base, modelKind: 'pca', threshold: { kind: 'spot', version: 1, z: 12.5, t: 9 } } });
    store.saveModel({ id: 'odd', kind: 'odd', version: 1, artifact: { modelKind: { not: 'a string' }, threshold: { threshold: 'high' } } });
    store.saveModel({ id: 'arr', kind: 'arr', version: 1, artifact: [1, 2] });
    const byKind = new Map(store.activeModels().map((m) => [m.kind, m]));
    expect(byKind.get('model-detector:a')).toEqual({ id: 'md:a:v1', kind: 'model-detector:a', version: 1, createdAt: expect.any(Number), active: true, modelKind: 'if', thresholdRule: 'quantile', threshold: 0.61 });
    expect(byKind.get('model-detector:b')).toMatchObject({ modelKind: 'pca', thresholdRule: 'spot', threshold: 12.5 });
    expect(Object.keys(byKind.get('odd')!).sort()).toEqual(['active', 'createdAt', 'id', 'kind', 'version']);
    expect(Object.keys(byKind.get('arr')!).sort()).toEqual(['active', 'createdAt', 'id', 'kind', 'version']);
  });
});
