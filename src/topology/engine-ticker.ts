/**
 * @module topology/engine-ticker
 * The engine's clock while it runs (topology/engine.ts): wakes every `everyMs` until the signal
 * aborts, and calls `wake` — which ticks the engine or makes a due checkpoint. One timer and one
 * abort listener at a time: a long-running signal does not collect a listener per wait.
 * @example
 * await runTicker(signal, 200, () => engine.onWake());
 */

/** Waits `ms`, or less when `signal` aborts first. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    // The listener goes when the timer fires: one per wait would pile up on a long-running signal.
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Calls `wake` every `everyMs` until `signal` aborts (not after it aborted). */
export async function runTicker(signal: AbortSignal, everyMs: number, wake: () => void): Promise<void> {
  while (!signal.aborted) {
    await pause(everyMs, signal);
    if (signal.aborted) break;
    wake();
  }
}
