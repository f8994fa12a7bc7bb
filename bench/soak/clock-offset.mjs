/**
 * @module bench/soak/clock-offset
 * The soak's wall-clock step, as NTP or libfaketime would make it: preloaded into `anomalog serve`
 * with `node --import <this file>`, it shifts `Date.now()` — the only wall clock the product reads
 * (core/clock.ts `systemClock`) — by the milliseconds written in the file named by
 * `ANOMALOG_SOAK_CLOCK_FILE` (re-read every 100 ms; missing or unreadable = 0). Node passes the
 * preload to worker threads, so the engine threads jump with the main thread. Monotonic time
 * (`performance.now()`, timers) is left alone, as a real clock step leaves it.
 *
 * Why a preload and not a flag in `serve`: the jump must reach every thread's `systemClock` (the
 * engine workers build their own), and a test-only clock path in the shipped CLI is one more thing
 * a user could turn on by mistake. Plain JS so it loads into the built CLI without tsx.
 */
import { readFileSync } from 'node:fs';

const file = process.env.ANOMALOG_SOAK_CLOCK_FILE;
if (file) {
  const realNow = Date.now.bind(Date);
  let offset = 0;
  const read = () => {
    try {
      const v = Number(readFileSync(file, 'utf8').trim());
      offset = Number.isFinite(v) ? v : 0;
    } catch {
      offset = 0;
    }
  };
  read();
  setInterval(read, 100).unref();
  Date.now = () => realNow() + offset;
}
