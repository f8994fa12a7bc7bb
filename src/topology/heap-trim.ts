/**
 * @module topology/heap-trim
 * `pipeline.heap_trim_mb`: a full collection of one thread's heap once its old generation holds that
 * many MiB more than the last full collection kept, checked each second on the main thread and on each
 * engine thread. V8 itself waits until the old generation is 1.5× (`heap_growth_percent`) and at least
 * 8 MiB past it plus the new space, so in a steady service each thread's heap swung by 10–20 MiB and
 * the process's RSS by 20–50 MiB from one minute to the next without anything more being live
 * (BENCHMARKS.md, "Soak and faults"). A collection of a steady thread's ~30 MiB takes 10–40 ms,
 * paid once every tens of seconds, and `minGapMs` bounds how often a busy thread pays it.
 * @example
 * const trim = heapTrim(config.pipeline.heap_trim_mb);
 * setInterval(() => trim?.(), 1000).unref();
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { performance } from 'node:perf_hooks';
import { runInNewContext } from 'node:vm';

const MIB = 1024 * 1024;
/** Spaces whose objects only a full collection frees (the young generation is not one of them). */
const OLD = new Set(['old_space', 'code_space', 'large_object_space', 'code_large_object_space']);

let gcFn: (() => void) | null | undefined;

/**
 * V8's `gc()`, taken from a fresh context with the flag on: the flag adds it to contexts made after it
 * is set (the main thread's own globals stay without it; engine threads started later have it as a
 * global too, where no user code runs). The flag stays on: turning it off again could race another
 * thread taking its own. Null if this V8 refuses.
 */
function fullCollection(): (() => void) | null {
  if (gcFn !== undefined) return gcFn;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('typeof gc === "function" ? gc : null');
    gcFn = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    gcFn = null;
  }
  return gcFn;
}

/** MiB of this thread's old generation in use (live objects and garbage not yet collected). */
export function oldInUse(): number {
  let used = 0;
  for (const s of getHeapSpaceStatistics()) if (OLD.has(s.space_name)) used += s.space_used_size;
  return used / MIB;
}

/**
 * A check to call periodically (each second): it collects when the old generation grew `mb` MiB past
 * the least it was seen at since the last collection — V8's own full collections lower that floor too,
 * so this only ever collects sooner than V8 would. Returns null when `mb` is 0 (off) or V8 has no gc.
 * `now` and `inUse` are parameters so that the rule is testable without a real heap.
 */
export function heapTrim(mb: number, minGapMs = 10_000, now: () => number = () => performance.now(), inUse: () => number = oldInUse, collect = fullCollection()): (() => boolean) | null {
  if (mb <= 0 || collect === null) return null;
  let floor = inUse();
  let last = -Infinity;
  return () => {
    const used = inUse();
    floor = Math.min(floor, used);
    if (used - floor < mb || now() - last < minGapMs) return false;
    collect();
    last = now();
    floor = inUse();
    return true;
  };
}

/**
 * A check to call each second on the main thread: it stops V8 from growing new spaces while this
 * thread's is at `mb` MiB or more (`--semi-space-growth-factor` 1, the one young-generation setting V8
 * re-reads after start; the size limits are fixed when the heap is made), and lets them grow below it.
 * The flag is process-wide: an engine thread's new space cannot grow meanwhile either (its own limit,
 * `engine_young_mb`, is the same size). Returns null when `mb` is 0 (off).
 */
export function youngCap(mb: number, size: () => number = newSpaceHeld, setFlag: (f: string) => void = setFlagsFromString): (() => void) | null {
  if (mb <= 0) return null;
  let capped: boolean | undefined;
  return () => {
    const atCap = size() >= mb;
    if (atCap === capped) return;
    capped = atCap;
    setFlag(`--semi-space-growth-factor=${atCap ? 1 : 2}`);
  };
}

/** MiB this thread's new space holds (both semi-spaces). */
function newSpaceHeld(): number {
  return (getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0) / MIB;
}

/**
 * The main thread's checks, each second for the life of the process (`anomalog serve`): the young
 * generation cap first, then the old generation trim. The timer does not keep the process alive.
 */
export function mainHeapUpkeep(pipeline: { heap_trim_mb: number; main_young_mb: number }): void {
  const young = youngCap(pipeline.main_young_mb);
  const trim = heapTrim(pipeline.heap_trim_mb);
  if (young === null && trim === null) return;
  setInterval(() => {
    young?.();
    trim?.();
  }, 1000).unref();
}
