import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { pause, runTicker } from './engine-ticker.js';

describe('engine ticker', () => {
  it('wakes until the signal aborts, never after, with at most one abort listener at a time', async () => {
    const abort = new AbortController();
    let wakes = 0;
    let listeners = 0;
    const running = runTicker(abort.signal, 2, () => {
      wakes++;
      listeners = Math.max(listeners, getEventListeners(abort.signal, 'abort').length);
      if (wakes === 20) abort.abort();
    });
    await running;
    expect(wakes).toBe(20);
    expect(listeners).toBe(0);
    expect(getEventListeners(abort.signal, 'abort')).toHaveLength(0);
  });

  it('a pause ends early when the signal aborts, and at once when it already did', async () => {
    const abort = new AbortController();
    const t = performance.now();
    setTimeout(() => abort.abort(), 10);
    await pause(60_000, abort.signal);
    expect(performance.now() - t).toBeLessThan(5_000);
    await pause(60_000, abort.signal);
    expect(getEventListeners(abort.signal, 'abort')).toHaveLength(0);
  });
});
