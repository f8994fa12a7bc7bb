/**
 * @module detectors/shared/readings
 * The detectors' own counters on `GET /metrics` (`ComponentContext.metrics`): one metric per stats
 * field, defined once here and shared by every detector that keeps the field, so
 * `anomalog_detector_templates{component_id="novelty"}` and `{component_id="rate"}` mean the same.
 * Read when the metrics are scraped (`stats()` sums over the detector's sources); nothing per event.
 * @example
 * build: (config, ctx) => reportStats(ctx, new NoveltyDetector(config), (d) => d.stats(), ['sources', 'templates']),
 */
import type { ComponentContext, Reading } from '../../core/component.js';

const gauge = (name: Reading['name'], help: string): Reading => ({ name, type: 'gauge', help });
const counter = (name: Reading['name'], help: string): Reading => ({ name, type: 'counter', help });

/** Stats field → its metric. Gauges for sizes (they shrink at eviction), counters for events. */
export const DETECTOR_READINGS = {
  sources: gauge('anomalog_detector_sources', 'Record sources a detector keeps state for now.'),
  templates: gauge('anomalog_detector_templates', 'Templates a detector keeps state for now, over all its record sources.'),
  evictedTemplates: counter('anomalog_detector_evicted_templates_total', "Templates a detector dropped at its cap (their learned state is lost)."),
  evictedSources: counter('anomalog_detector_evicted_sources_total', "Record sources a detector dropped at its cap (their learned state is lost)."),
  evictedWords: counter('anomalog_detector_evicted_words_total', 'Words a detector dropped from record sources\' vocabularies at its cap (novelty: `max_words`).'),
  fleetTemplates: gauge('anomalog_detector_fleet_templates', 'Template texts a detector shares across record sources (novelty: a type seen on another source is not new).'),
  series: gauge('anomalog_detector_series', 'Parameter series (template positions) a detector tracks now.'),
  windows: counter('anomalog_detector_windows_total', 'Windows a detector closed and scored.'),
  flagged: counter('anomalog_detector_flagged_windows_total', 'Windows a detector scored as anomalous.'),
  trainings: counter('anomalog_detector_trainings_total', 'Models a detector trained.'),
  trainingFailures: counter('anomalog_detector_training_failures_total', 'Model trainings that failed (the previous model is kept).'),
  contexts: gauge('anomalog_detector_contexts', 'Event contexts (preceding templates) a sequence detector knows the successors of.'),
  keys: gauge('anomalog_detector_sessions', 'Sessions (by key) a detector follows now.'),
  evictedContexts: counter('anomalog_detector_evicted_contexts_total', 'Event contexts a detector dropped at its cap.'),
  relations: gauge('anomalog_detector_relations', 'Relations between templates an invariants detector has mined.'),
  openSessions: gauge('anomalog_detector_open_sessions', 'Sessions a detector holds open now.'),
  closedSessions: gauge('anomalog_detector_closed_sessions', 'Sessions a detector has closed and checked, over the record sources it keeps.'),
  watched: gauge('anomalog_detector_watched_templates', 'Templates a detector watches for recurrences of confirmed problems.'),
  confirmed: gauge('anomalog_detector_confirmed_templates', 'Templates people confirmed as real problems that a detector watches.'),
  reported: counter('anomalog_detector_recurrences_total', 'Recurrences of confirmed problems a detector reported.'),
} as const satisfies Record<string, Reading>;

export type ReadingField = keyof typeof DETECTOR_READINGS;

/**
 * Reports the `fields` of the detector's stats through its context (when the context has a
 * metrics port) and returns the detector.
 */
export function reportStats<D, S extends Partial<Record<ReadingField, number>>>(ctx: ComponentContext, d: D, stats: (d: D) => S, fields: readonly (keyof S & ReadingField)[]): D {
  ctx.metrics?.report(
    fields.map((f) => DETECTOR_READINGS[f]),
    () => {
      const s = stats(d);
      const out: Record<string, number> = {};
      for (const f of fields) out[DETECTOR_READINGS[f].name] = s[f] ?? 0;
      return out;
    },
  );
  return d;
}
