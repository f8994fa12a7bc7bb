import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../core/event.js';
import type { EvictedTemplates, TemplateDelta } from '../core/engine.js';
import { TemplateCounts } from './template-counts.js';

const ev = (source: string, templateId: number, ts: number): LogEvent => ({ ts, source, message: 'm', raw: 'm', templateId, template: `t${templateId}`, params: [] });

function recorder() {
  const writes: TemplateDelta[][] = [];
  const deletes: EvictedTemplates[][] = [];
  return {
    writes,
    deletes,
    store: {
      upsertTemplates: (rows: readonly TemplateDelta[], evicted: readonly EvictedTemplates[] = []) => {
        writes.push(rows.map((r) => ({ ...r })));
        deletes.push(evicted.map((e) => ({ source: e.source, templateIds: [...e.templateIds] })));
      },
    },
  };
}

describe('TemplateCounts', () => {
  it('merges batches until flush, then writes one row per (source, template)', () => {
    const { writes, store } = recorder();
    const c = new TemplateCounts(store, true);
    c.add([ev('a', 1, 10), ev('a', 1, 5), ev('b', 1, 7)]);
    c.add([ev('a', 1, 20), ev('a', 2, 30)]);
    expect(writes).toEqual([]);
    c.flush();
    expect(writes).toHaveLength(1);
    const rows = writes[0].map((r) => [r.source, r.templateId, r.count, r.firstSeen, r.lastSeen]);
    expect(rows).toEqual([['a', 1, 3, 5, 20], ['a', 2, 1, 30, 30], ['b', 1, 1, 7, 7]]);
    c.flush();
    expect(writes).toHaveLength(1);
  });

  it('writes each batch when not deferred, and early when 10,000 templates are held', () => {
    const { writes, store } = recorder();
    new TemplateCounts(store, false).add([ev('a', 1, 1), ev('a', 1, 2)]);
    expect(writes.map((w) => w.map((r) => r.count))).toEqual([[2]]);
    const held = recorder();
    const c = new TemplateCounts(held.store, true);
    c.add(Array.from({ length: 9_999 }, (_, i) => ev('a', i, i)));
    expect(held.writes).toHaveLength(0);
    c.add([ev('a', 10_000, 1)]);
    expect(held.writes).toHaveLength(1);
    expect(held.writes[0]).toHaveLength(10_000);
  });

  it('drops the held delta of an evicted template and deletes its row after the upserts', () => {
    const { writes, deletes, store } = recorder();
    const c = new TemplateCounts(store, true);
    c.add([ev('a', 1, 1), ev('a', 2, 2), ev('b', 1, 3)]);
    c.evict('a', 1);
    c.evict('a', 7);
    c.flush();
    expect(writes[0].map((r) => [r.source, r.templateId])).toEqual([['a', 2], ['b', 1]]);
    expect(deletes[0]).toEqual([{ source: 'a', templateIds: [1, 7] }]);
    // Written once: the next flush has nothing to write or delete.
    c.flush();
    expect(writes).toHaveLength(1);
    // An eviction alone is written too.
    c.evict('b', 1);
    c.flush();
    expect(deletes[1]).toEqual([{ source: 'b', templateIds: [1] }]);
  });

  it('without checkpoints deletes with the next batch, never writing an evicted template', () => {
    const { writes, deletes, store } = recorder();
    const c = new TemplateCounts(store, false);
    c.evict('a', 3);
    c.add([ev('a', 3, 1), ev('a', 4, 2)]);
    expect(writes).toEqual([[expect.objectContaining({ templateId: 4 })]]);
    expect(deletes).toEqual([[{ source: 'a', templateIds: [3] }]]);
    c.add([ev('a', 4, 3)]);
    expect(deletes[1]).toEqual([]);
  });

  it('keeps evictions whose write was refused for the next write', () => {
    let refuse = true;
    const deletes: number[][] = [];
    const c = new TemplateCounts(
      {
        upsertTemplates: (_rows, evicted = []) => {
          if (refuse) throw new Error('disk full');
          deletes.push(evicted.flatMap((e) => e.templateIds));
        },
      },
      true,
    );
    c.evict('a', 5);
    expect(() => c.flush()).toThrow('disk full');
    refuse = false;
    c.flush();
    expect(deletes).toEqual([[5]]);
  });
});
