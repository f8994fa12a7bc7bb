/**
 * @module core/clock
 * The only place that reads wall-clock time; tests inject a fake clock.
 */
import { performance } from 'node:perf_hooks';

export interface Clock {
  now(): number;
}

/**
 * How fast a clock that is ahead of the wall clock (after the wall clock stepped back) closes the
 * gap: it runs at 1 − SLEW of real time until the wall clock catches up, so a one-hour step back is
 * absorbed in 100 hours (a restart absorbs it at once). 1 % keeps rates measured in this clock's
 * time within 1 % of the truth, where a faster slew would read as a volume spike.
 */
const SLEW = 0.01;

/**
 * The wall clock (`wall`, default `Date.now`) as the service reads it: it never runs backwards.
 * Every "every N ms" decision compares two readings — checkpoints, detector ticks, alert retries
 * and group waits, rotation waits — and a backward step of the system clock (NTP, an operator)
 * would stop all of them for the size of the step: measured by the soak (bench/soak), a −1 h step
 * stopped checkpoints, so the service kept processing but saved nothing for the hour. After a
 * backward step this clock goes on from its last reading with the monotonic clock (`mono`, default
 * `performance.now`) at 99 % pace until the wall clock catches up. Forward steps pass through:
 * time did pass, as far as anyone can tell.
 */
export function steadyWallClock(wall: () => number = () => Date.now(), mono: () => number = () => performance.now()): Clock {
  let last = wall();
  let lastMono = mono();
  return {
    now(): number {
      const w = wall();
      const m = mono();
      const elapsed = m - lastMono;
      lastMono = m;
      last = w >= last ? w : Math.max(w, last + elapsed * (1 - SLEW));
      return Math.floor(last);
    },
  };
}

/** The process's wall clock (one per thread: each engine worker thread has its own). */
export const systemClock: Clock = steadyWallClock();

/** A manually advanced clock for tests and replay. */
export class ManualClock implements Clock {
  constructor(private t = 0) {}
  now(): number {
    return this.t;
  }
  set(t: number): void {
    this.t = t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
