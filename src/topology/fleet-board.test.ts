import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../core/event.js';
import { FleetBoard } from './fleet-board.js';

const ev = (n: number): LogEvent[] => Array.from({ length: n }, (_, i) => ({ ts: i, source: 's', message: `m${i}`, raw: `m${i}`, templateId: i, template: `m${i}`, params: [] }) as LogEvent);

/** Two engine threads on one board, driven from one thread: each is asked only when the other is past it (no wait). */
function pair(maxKeys = 100) {
  const main = FleetBoard.create(2, maxKeys);
  return { main, a: FleetBoard.attach(main.buffers, 0), b: FleetBoard.attach(main.buffers, 1) };
}

describe('FleetBoard', () => {
  it('answers by the order of the input, not by which thread asks first', () => {
    const { main, a, b } = pair();
    // Batch 1 split: records 0 and 2 to thread a, 1 and 3 to thread b.
    main.posting([0, 1]);
    const ea = ev(2);
    const eb = ev(2);
    a.part(1, Int32Array.from([0, 2]));
    b.part(1, Int32Array.from([1, 3]));
    a.delivering(ea, [0, 0, 1, 1]); // runs: event 0 from record 0 (global 0), event 1 from record 1 (global 2)
    b.delivering(eb, [0, 0, 1, 1]); // global 1 and 3
    // Thread b is already at global 1 (its part started there): a, at global 0, need not wait.
    expect(a.seenElsewhere('disk failure', ea[0])).toBe(false);
    a.partDone();
    // b sights it at global 1: a sighted it at global 0, earlier in the input.
    expect(b.seenElsewhere('disk failure', eb[0])).toBe(true);
    // b's own first sighting at global 3 of a key a never saw.
    expect(b.seenElsewhere('journal stalled', eb[1])).toBe(false);
    b.partDone();
    // Next batch, whole to thread a: the key b sighted in batch 1 is known.
    main.posting([0]);
    const e2 = ev(1);
    a.part(2, undefined);
    a.delivering(e2, [0, 0]);
    expect(a.seenElsewhere('journal stalled', e2[0])).toBe(true);
    a.partDone();
    expect(main.size()).toBe(2);
    expect(a.owned() + b.owned()).toBe(2);
  });

  it('knows what a restored thread knew from the start', () => {
    const { main, a, b } = pair();
    a.seed(['restored type']);
    main.posting([1]);
    const e = ev(1);
    b.part(1, undefined);
    b.delivering(e, [0, 0]);
    expect(b.seenElsewhere('restored type', e[0])).toBe(true);
    expect(b.seenElsewhere('other type', e[0])).toBe(false);
  });

  it('is bounded: beyond 3/4 of its slots new keys are not shared, and counted', () => {
    const main = FleetBoard.create(2, 1); // 1024 slots: 768 keys
    const warned: string[] = [];
    const a = FleetBoard.attach(main.buffers, 0, (msg) => warned.push(msg));
    main.posting([0]);
    const e = ev(1);
    a.part(1, undefined);
    a.delivering(e, [0, 0]);
    for (let i = 0; i < 800; i++) a.seenElsewhere(`key ${i}`, e[0]);
    expect(main.size()).toBe(768);
    expect(a.overflowed).toBe(32);
    expect(warned).toHaveLength(1); // said once, counted every time
    expect(a.seenElsewhere('key 799', e[0])).toBe(false);
    expect(a.seenElsewhere('key 1', e[0])).toBe(false); // its own sighting, at the same place: not earlier
  });

  it('places events delivered between parts (an idle flush) after the thread\'s last part', () => {
    const { main, a, b } = pair();
    main.posting([0, 1]);
    const ea = ev(1);
    const eb = ev(1);
    a.part(1, Int32Array.from([0]));
    b.part(1, Int32Array.from([1]));
    a.delivering(ea, [0, 0]);
    a.partDone();
    b.delivering(eb, [0, 0]);
    expect(b.seenElsewhere('x', eb[0])).toBe(false);
    b.partDone();
    const flushed = ev(1);
    a.delivering(flushed, null);
    expect(a.seenElsewhere('x', flushed[0])).toBe(true);
    expect(a.timeouts + b.timeouts).toBe(0);
  });
});
