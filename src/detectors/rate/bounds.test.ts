/**
 * The rate detector's bounds: beyond `max_templates` per source and `max_sources` it forgets the
 * least recently seen one — also when the same source or template comes many times in a row (the
 * detector skips moving what is already the most recent), and after a restore.
 */
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../core/event.js';
import { createRate } from './index.js';

const T0 = Date.UTC(2026, 0, 5);

function ev(source: string, tid: number, ts = T0): LogEvent {
  return { ts, source, level: 'info', message: `m ${tid}`, raw: `m ${tid}`, templateId: tid, template: `m ${tid}`, params: [] };
}

type Snap = { data: { sources: { name: string; templates: unknown[][] }[] } };
const sourceNames = (d: ReturnType<typeof createRate>) => (d.snapshot() as Snap).data.sources.map((s) => s.name);
const templateIds = (d: ReturnType<typeof createRate>, source: string) => (d.snapshot() as Snap).data.sources.find((s) => s.name === source)?.templates.map((t) => t[0]);

describe('rate bounds', () => {
  it('evicts the least recently seen template, runs of the same one included', () => {
    const d = createRate({ max_templates: 3 });
    d.observe([ev('a', 1), ev('a', 2), ev('a', 3), ev('a', 1), ev('a', 1), ev('a', 2), ev('a', 2)]);
    expect(templateIds(d, 'a')).toEqual([3, 1, 2]);
    d.observe([ev('a', 3), ev('a', 4)]);
    // 1 was the least recently seen.
    expect(templateIds(d, 'a')).toEqual([2, 3, 4]);
    expect(d.stats().evictedTemplates).toBe(1);
  });

  it('evicts the least recently seen source, runs of the same one included', () => {
    const d = createRate({ max_sources: 2 });
    d.observe([ev('a', 1), ev('b', 1), ev('a', 1), ev('a', 2)]);
    expect(sourceNames(d)).toEqual(['b', 'a']);
    d.observe([ev('b', 1), ev('b', 1), ev('c', 1)]);
    expect(sourceNames(d)).toEqual(['b', 'c']);
    expect(d.stats().evictedSources).toBe(1);
  });

  it('keeps the order across a restore: the most recent before it is not taken as the most recent after it', () => {
    const d = createRate({ max_sources: 2, max_templates: 2 });
    d.observe([ev('a', 1), ev('a', 2), ev('b', 1)]);
    const back = createRate({ max_sources: 2, max_templates: 2 });
    // Its own most recent source is 'a'; the restored order is a, b.
    back.observe([ev('b', 1), ev('a', 1)]);
    back.restore(d.snapshot());
    back.observe([ev('a', 1), ev('c', 1)]);
    // 'a' moved to the end, so 'b' was the least recently seen.
    expect(sourceNames(back)).toEqual(['a', 'c']);
    back.observe([ev('b', 1)]);
    back.observe([ev('b', 2), ev('b', 3)]);
    expect(templateIds(back, 'b')).toEqual([2, 3]);
  });
});
