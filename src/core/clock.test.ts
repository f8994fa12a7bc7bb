import { describe, expect, it } from 'vitest';
import { steadyWallClock } from './clock.js';

/** A wall clock and a monotonic clock the test moves by hand. */
function clocks(start = 1_000_000) {
  const c = { wall: start, mono: 0 };
  const tick = (ms: number) => {
    c.wall += ms;
    c.mono += ms;
  };
  return { c, tick, clock: steadyWallClock(() => c.wall, () => c.mono) };
}

describe('steadyWallClock', () => {
  it('reads the wall clock while it runs forward, forward steps included', () => {
    const { c, tick, clock } = clocks();
    expect(clock.now()).toBe(1_000_000);
    tick(250);
    expect(clock.now()).toBe(1_000_250);
    c.wall += 3_600_000;
    expect(clock.now()).toBe(4_600_250);
  });

  it('never runs backwards: after a backward step it keeps going at 99 % pace until the wall clock catches up', () => {
    const { c, tick, clock } = clocks();
    tick(1000);
    expect(clock.now()).toBe(1_001_000);
    c.wall -= 3_600_000;
    expect(clock.now()).toBe(1_001_000);
    // Intervals keep passing (a checkpoint every 1000 ms still happens, 1 % later).
    let prev = clock.now();
    for (let i = 0; i < 100; i++) {
      tick(1000);
      const t = clock.now();
      expect(t - prev).toBeGreaterThanOrEqual(989);
      expect(t - prev).toBeLessThanOrEqual(991);
      prev = t;
    }
    // The gap closes by 1 % of real time: after 100 h the wall clock is back in charge.
    tick(100 * 3_600_000);
    expect(clock.now()).toBe(c.wall);
    tick(5);
    expect(clock.now()).toBe(c.wall);
  });

  it('small backward jitter does not move it back either', () => {
    const { c, clock } = clocks();
    const t = clock.now();
    c.wall -= 3;
    expect(clock.now()).toBe(t);
  });
});
