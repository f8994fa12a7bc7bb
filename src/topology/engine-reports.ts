/**
 * @module topology/engine-reports
 * What each engine worker thread last reported to the main thread (topology/engine-thread.ts), and
 * how the host shows it as one engine: counters summed, failures listed, the workers' component
 * readings reported through the service's context summed over the workers (each holds its share
 * of the record sources), store writes and heaps per thread.
 */
import type { ComponentContext, ComponentError } from '../core/component.js';
import type { EngineStats, StoreWriteStats, StreamCounters, ThreadMemory } from '../core/engine.js';
import { noWriteFailures } from '../store/index.js';
import type { DeclaredReadings } from './component-metrics.js';
import type { FromWorker } from './engine-wire.js';

export interface WorkerReport {
  stats: EngineStats;
  counters: StreamCounters[];
  /** Its sources in flood mode, as of its last report (each second). */
  floods: StreamCounters[];
  errors: ComponentError[];
  /** The worker's store writes, as of its last report. */
  writes: StoreWriteStats;
  /** The worker's V8 heap, as of its last report (each second). */
  heap: Omit<ThreadMemory, 'thread'>;
  /** What its components report, and their values as of the last `refresh`. */
  declared: DeclaredReadings[];
  readings: Record<string, number>[];
}

export const zeroStats = (): EngineStats => ({ batches: 0, records: 0, events: 0, anomalies: 0, duplicates: 0, errors: 0, evictedSources: 0 });

export function emptyReport(): WorkerReport {
  return { stats: zeroStats(), counters: [], floods: [], errors: [], writes: noWriteFailures(), declared: [], readings: [], heap: { heapUsed: 0, heapTotal: 0, external: 0 } };
}

/** A worker's periodic report (each second), or its reply to a `counters` request (parser counters and readings too). */
export function takeCounters(r: WorkerReport, m: Extract<FromWorker, { t: 'counters' }>): void {
  if (m.streams) r.counters = m.streams;
  if (m.floods) r.floods = m.floods;
  if (m.readings) r.readings = m.readings;
  r.errors = m.errors;
  r.stats = m.stats;
  r.writes = m.writes;
  r.heap = m.heap;
}

/** The workers' counters summed (what this thread stores and counts itself is added by the host). */
export function sumStats(reports: readonly WorkerReport[]): EngineStats {
  const s = zeroStats();
  for (const r of reports) for (const k of Object.keys(s) as (keyof EngineStats)[]) s[k] += r.stats[k];
  return s;
}

/**
 * Reports the workers' component readings through this thread's context, as a host on this thread
 * would: one report per component, its values summed over the workers, as of the last `refresh`.
 */
export function reportReadings(reports: readonly WorkerReport[], context: ((id: string) => ComponentContext) | undefined): void {
  // Every worker builds the same components from the same config: report i of each is the same component's.
  reports[0].declared.forEach(({ id, readings }, i) => {
    context?.(id).metrics?.report(readings, () => {
      const sum: Record<string, number> = {};
      for (const r of reports) {
        const values = r.declared[i]?.id === id ? r.readings[i] : undefined;
        if (values === undefined) continue;
        for (const x of readings) sum[x.name] = (sum[x.name] ?? 0) + (values[x.name] ?? 0);
      }
      return sum;
    });
  });
}
