import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../core/event.js';
import type { TemplateDelta } from '../core/engine.js';
import { TemplateCounts } from './template-counts.js';

const ev = (source: string, templateId: number, ts: number): LogEvent => ({ ts, source, message: 'm', raw: 'm', templateId, template: `t${templateId}`, params: [] });

function recorder() {
  const writes: TemplateDelta[][] = [];
  return { writes, store: { upsertTemplates: (rows: readonly TemplateDelta[]) => void writes.push(rows.map((r) => ({ ...r }))) } };
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
});
