/**
 * @module telemetry/reported
 * Metrics for what components report through their context (`ComponentContext.metrics`): each
 * reading becomes its metric (counter or gauge, the component's own name and help) with the label
 * `component_id`. Components are read once per scrape; a metric is defined the first time a reading
 * of its name appears (a worker thread's components are declared once it is ready), and readings of
 * several components with one name share the metric (the first declaration's help).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Reading } from '../core/component.js';
import type { LabelCap } from './labels.js';

/** A component's report, as the metrics read it. */
export interface ReportedReadings {
  id: string;
  readings: readonly Reading[];
  read(): Readonly<Record<string, number>>;
}

export class ReportedMetrics {
  private readonly defined = new Map<string, Reading['type']>();
  /** Per metric name, the values of this scrape (set by `prepare`, cleared by `finish`). */
  private current = new Map<string, [string, number][]>();

  constructor(
    private readonly registry: Registry,
    private readonly cap: LabelCap,
    private readonly reported: () => readonly ReportedReadings[],
  ) {}

  /** Reads every component once for this scrape, defining the metrics of readings not seen before. */
  prepare(): void {
    const current = new Map<string, [string, number][]>();
    for (const c of this.reported()) {
      const values = c.read();
      for (const r of c.readings) {
        if (!this.define(r)) continue;
        const v = values[r.name];
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) continue;
        let list = current.get(r.name);
        if (list === undefined) current.set(r.name, (list = []));
        list.push([c.id, v]);
      }
    }
    this.current = current;
  }

  finish(): void {
    this.current = new Map();
  }

  /** Defines `r`'s metric once; false when its name is already taken by a metric of another type. */
  private define(r: Reading): boolean {
    const known = this.defined.get(r.name);
    if (known !== undefined) return known === r.type;
    // A name the service's own metrics use (or an invalid one) is not redefined: skipped, not thrown at scrape time.
    if (this.registry.getSingleMetric(r.name) !== undefined || !/^anomalog_[a-z0-9_]+$/.test(r.name)) return false;
    this.defined.set(r.name, r.type);
    const current = () => this.current.get(r.name) ?? [];
    const cap = this.cap;
    const collect = function (this: Counter | Gauge) {
      this.reset();
      for (const [id, v] of current()) this.inc({ component_id: cap.get(id) }, v);
    };
    const spec = { name: r.name, help: r.help, labelNames: ['component_id'], registers: [this.registry], collect };
    if (r.type === 'counter') new Counter(spec);
    else new Gauge(spec);
    return true;
  }
}
