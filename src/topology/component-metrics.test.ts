import { describe, expect, it } from 'vitest';
import { systemClock } from '../core/clock.js';
import { type ComponentContext, silentLogger } from '../core/component.js';
import { DETECTORS, buildDetectors } from '../config/registry.js';
import { serveConfigSchema } from '../config/schema.js';
import { validate } from '../config/load.js';
import { EventFactory, hdfsLines } from '../../test/harness/log-streams.js';
import { ComponentReadings } from './component-metrics.js';

/** Every detector of the registry, enabled, built with a context whose metrics port is `readings`. */
function buildAll(readings: ComponentReadings) {
  const config = validate({ detectors: Object.fromEntries(Object.keys(DETECTORS).map((k) => [k, { enabled: true }])) }, serveConfigSchema);
  const abort = new AbortController();
  const ctx = (id: string): ComponentContext => ({ id, logger: silentLogger, clock: systemClock, signal: abort.signal, metrics: readings.port(id) });
  const detectors = buildDetectors(config.detectors, ctx);
  return { detectors, stop: () => abort.abort() };
}

describe('ComponentContext.metrics: what the detectors report', () => {
  it('every detector of the registry reports its counters with well-formed names, one type per name', () => {
    const readings = new ComponentReadings();
    const { detectors, stop } = buildAll(readings);
    try {
      expect(readings.declared().map((d) => d.id).sort()).toEqual(detectors.map((d) => d.kind).sort());
      const types = new Map<string, string>();
      for (const { readings: list } of readings.declared()) {
        expect(list.length).toBeGreaterThan(0);
        for (const r of list) {
          expect(r.name).toMatch(/^anomalog_detector_[a-z0-9_]+$/);
          // Prometheus naming: counters end in _total, gauges do not.
          expect(r.name.endsWith('_total'), r.name).toBe(r.type === 'counter');
          expect(types.get(r.name) ?? r.type, `${r.name} declared with two types`).toBe(r.type);
          types.set(r.name, r.type);
        }
      }
      // Plain data that crosses threads: one value per declared reading.
      const values = readings.values();
      readings.declared().forEach((d, i) => expect(Object.keys(values[i]).sort()).toEqual(d.readings.map((r) => r.name).sort()));
    } finally {
      stop();
    }
  });

  it('reads values when asked: what novelty learned shows up, nothing is counted per event', () => {
    const readings = new ComponentReadings();
    const { detectors, stop } = buildAll(readings);
    try {
      const novelty = readings.components().find((c) => c.id === 'novelty')!;
      expect(novelty.read()).toMatchObject({ anomalog_detector_sources: 0, anomalog_detector_templates: 0 });
      const f = new EventFactory();
      const events = hdfsLines().slice(0, 50).map((l, i) => f.event(l, 1_000 + i, i % 2 === 0 ? 'a' : 'b'));
      for (const d of detectors) if (d.kind === 'novelty') d.observe(events);
      const templates = new Set(events.map((e) => `${e.source}/${e.templateId}`)).size;
      expect(novelty.read()).toMatchObject({ anomalog_detector_sources: 2, anomalog_detector_templates: templates });
    } finally {
      stop();
    }
  });
});
