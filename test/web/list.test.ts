/** Live arrivals of the anomalies list (web/src/list.ts): the fresh-id set stays bounded by the list. */
import { describe, expect, it } from 'vitest';
import { arrive, pruneFresh } from '../../web/src/list.js';

const item = (id: string) => ({ id });

describe('arrive', () => {
  it('puts the arrival first, cuts the list at max and forgets the fresh ids cut off', () => {
    const fresh = new Set<string>();
    let items: { id: string }[] = [];
    for (let i = 0; i < 10_000; i++) items = arrive(items, fresh, item(`a${i}`), 50);
    expect(items).toHaveLength(50);
    expect(items[0].id).toBe('a9999');
    expect(fresh.size).toBe(50);
    expect([...fresh].sort()).toEqual(items.map((x) => x.id).sort());
  });

  it('keeps loaded (not fresh) items, and does not list an id twice', () => {
    const fresh = new Set<string>();
    let items = arrive([item('old1'), item('old2')], fresh, item('n1'), 3);
    expect(items.map((x) => x.id)).toEqual(['n1', 'old1', 'old2']);
    items = arrive(items, fresh, item('n1'), 3);
    expect(items.map((x) => x.id)).toEqual(['n1', 'old1', 'old2']);
    items = arrive(items, fresh, item('n2'), 3);
    expect(items.map((x) => x.id)).toEqual(['n2', 'n1', 'old1']);
    expect([...fresh]).toEqual(['n1', 'n2']);
  });
});

describe('pruneFresh', () => {
  it('drops fresh ids that are no longer listed', () => {
    const fresh = new Set(['a', 'b', 'c']);
    pruneFresh(fresh, [item('b'), item('x')]);
    expect([...fresh]).toEqual(['b']);
  });
});
