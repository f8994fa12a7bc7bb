/**
 * @module cli/heap-growth
 * `pipeline.heap_growth_percent`: how far V8 lets a thread's old-generation heap grow past what the
 * last full collection kept before it collects again, for every thread of `anomalog serve`.
 * It is the one heap setting that can change after the process started: V8 reads the flag each time it
 * sets the next collection's limit, whereas the heap's size limits (`--max-old-space-size`, the
 * semi-spaces) are fixed when the main thread's heap is created — applying those to the CLI's own
 * thread would need a second process started with node flags. The engine threads' sizes are set per
 * thread (topology/engine-thread.ts, `engine_heap_mb` and `engine_young_mb`).
 * @example
 * heapGrowth(config.pipeline.heap_growth_percent); // before the service starts
 */
import { setFlagsFromString } from 'node:v8';

/** 0 leaves V8's own factor (up to 4× on a large machine's main thread). Process-wide. */
export function heapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${Math.round(percent)}`);
}
