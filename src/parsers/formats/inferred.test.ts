import { describe, expect, it } from 'vitest';
import { InferredFormat, type LayoutChange } from './inferred.js';
import { PlainFormat } from './plain.js';

const ARRIVAL = Date.UTC(2026, 11, 6, 12, 0, 0);
const pad = (n: number): string => String(n % 60).padStart(2, '0');
const free = (i: number): string => `worker ${i % 7} picked job ${i} from queue q${i % 3}`;
const headed = (i: number): string => `2024-05-01 10:${pad(i >> 6)}:${pad(i)},123 ${i % 9 ? 'INFO' : 'WARN'} [main] org.app.Worker: job ${i} done`;
const levelOnly = (i: number): string => `[${i % 5 ? 'info' : 'error'}] job ${i} done`;

describe('InferredFormat.message: the fast path matches extract', () => {
  it('same message, stats, layout and changes over free text, headed lines and a change of header', () => {
    const texts: string[] = [];
    for (let i = 0; i < 3000; i++) texts.push(free(i));
    for (let i = 0; i < 3000; i++) texts.push(headed(i));
    for (let i = 0; i < 3000; i++) texts.push(`[2024-05-01T11:00:${pad(i)}Z] [warn] (w-${i % 4}) cache ${i} evicted`);
    const seenA: LayoutChange[] = [];
    const seenB: LayoutChange[] = [];
    const a = new InferredFormat(null, (c) => seenA.push(c));
    const b = new InferredFormat(null, (c) => seenB.push(c));
    texts.forEach((t, i) => {
      expect(b.message(t, ARRIVAL, i + 1)).toBe(a.extract(t, i + 1, ARRIVAL, 's').message);
    });
    expect(b.stats).toEqual(a.stats);
    expect(b.layout).toBe(a.layout);
    expect(seenB).toEqual(seenA);
    // Free text → a header → another header: two changes, reported with their line numbers.
    expect(seenA.map((c) => c.to)).toEqual(['<Date> <Time> <Level> <Thread> <Component>: <Content>', '\\[<Timestamp>\\] \\[<Level>\\] <Content>']);
    expect(seenA[0].line).toBeGreaterThan(3000);
  });

  it('PlainFormat.message is extract(…).message, with and without a leading time and level', () => {
    const lines = ['2024-01-02 03:04:05 ERROR disk full', 'plain words only', 'INFO starts with a level', '[2024-01-02 03:04:05] [warn] x', 'Jun  4 15:16:01 host c', '2024-01-02 03:04:05'];
    const a = new PlainFormat();
    const b = new PlainFormat();
    for (const l of lines) expect(b.message(l, ARRIVAL)).toBe(a.extract(l, 1, ARRIVAL, 's').message);
    expect(b.stats).toEqual(a.stats);
    expect(b.timedLines).toBe(4);
  });
});

describe('InferredFormat without a layout: tries back off', () => {
  it('free text is re-inferred a few times, not every 1024 lines', () => {
    const f = new InferredFormat(null);
    for (let i = 0; i < 200_000; i++) f.message(free(i), ARRIVAL, i + 1);
    expect(f.layout).toBeNull();
    // Tries after 1024, 2048, 4096 … 65,536 lines: 7 tries in 200,000 lines (every 1024: 195).
    expect(f.tries).toBeGreaterThanOrEqual(5);
    expect(f.tries).toBeLessThanOrEqual(8);
  });

  it('a header arriving after long free text is found soon when its lines carry a time', () => {
    const changes: LayoutChange[] = [];
    const f = new InferredFormat(null, (c) => changes.push(c));
    let line = 0;
    for (let i = 0; i < 100_000; i++) f.message(free(i), ARRIVAL, ++line);
    const switchAt = line;
    for (let i = 0; i < 5000 && f.layout === null; i++) f.message(headed(i), ARRIVAL, ++line);
    expect(f.layout).toBe('<Date> <Time> <Level> <Thread> <Component>: <Content>');
    // Plain looks for a time only every 1024th line in free text, then at once on every line.
    expect(changes[0].line - switchAt).toBeLessThanOrEqual(1024 + 2 * 256);
  });

  it('a header without a time is still found, at the latest after the longest wait', () => {
    const f = new InferredFormat(null);
    let line = 0;
    for (let i = 0; i < 100_000; i++) f.message(free(i), ARRIVAL, ++line);
    let after = 0;
    while (f.layout === null && after < 70_000) f.message(levelOnly(after++), ARRIVAL, ++line);
    expect(f.layout).toBe('\\[<Level>\\] <Content>');
    expect(after).toBeLessThanOrEqual(65_536 + 256);
  });

  it('lines with a time that fit no layout are not re-inferred on every look', () => {
    // A time but no consistent header after it: the shapes vary too much for one layout.
    const shapes = [(i: number) => `2024-05-01 10:00:${pad(i)} job ${i} done`, (i: number) => `2024-05-01T10:00:${pad(i)}Z a b`, (i: number) => `May 1 10:00:${pad(i)} x`, (i: number) => `text ${i}`];
    const f = new InferredFormat(null);
    for (let i = 0; i < 100_000; i++) f.message(shapes[i % 4](i), ARRIVAL, i + 1);
    expect(f.layout).toBeNull();
    expect(f.tries).toBeLessThanOrEqual(8);
  });
});
