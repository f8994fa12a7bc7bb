/**
 * @module topology/component-metrics
 * The components' metrics port (`ComponentContext.metrics`): what each component reports, by its
 * id, read when the metrics are scraped. The service has one (topology/build.ts; telemetry reads
 * it). Each engine worker thread has its own: the worker sends its declarations when ready and its
 * values when asked (a scrape), and the worker host reports them through the service's port
 * (topology/engine-thread.ts), summed over its workers — so `GET /metrics` shows the same readings
 * whichever host runs the detectors.
 * @example
 * const readings = new ComponentReadings();
 * const ctx = { …, metrics: readings.port('novelty') };   // a component calls ctx.metrics.report(…)
 * metricsForService({ …, reported: () => readings.components() });
 */
import type { ComponentMetrics, Reading } from '../core/component.js';

/** One component's report: its readings and how to read their values now. */
export interface ReportedComponent {
  id: string;
  readings: readonly Reading[];
  read(): Readonly<Record<string, number>>;
}

/** A component's declarations as plain data (they cross to the main thread once). */
export interface DeclaredReadings {
  id: string;
  readings: Reading[];
}

export class ComponentReadings {
  private readonly list: ReportedComponent[] = [];

  /** The port for the component `id`. */
  port(id: string): ComponentMetrics {
    return { report: (readings, read) => void this.list.push({ id, readings: [...readings], read }) };
  }

  components(): readonly ReportedComponent[] {
    return this.list;
  }

  declared(): DeclaredReadings[] {
    return this.list.map(({ id, readings }) => ({ id, readings: [...readings] }));
  }

  /** Each report's values now, in `declared()` order (plain data). */
  values(): Record<string, number>[] {
    return this.list.map((c) => ({ ...c.read() }));
  }
}
