/**
 * @module telemetry/metrics
 * The service's Prometheus metrics, in one `Registry` per service (never prom-client's global one).
 * Nothing here runs per line: counters the pipeline keeps anyway (source stats, parser and miner
 * stats, engine stats, the live feed, the outbox, the model registry) are read when Prometheus
 * scrapes (`collect` callbacks); only stored anomalies — rare — are counted as they happen, with
 * their ingest → anomaly latency. Names follow `anomalog_<name>_<unit>`, counters end in `_total`.
 * @example
 * const metrics = createServiceMetrics({ version, clock, components, streams, engine, feed, outbox, models });
 * engineOptions.onAnomalies = (a, arrivalTs) => metrics.anomaliesStored(a, arrivalTs);
 * const { contentType, body } = await metrics.scrape(); // GET /metrics
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock } from '../core/clock.js';
import type { Anomaly } from '../core/event.js';
import type { SourceStats } from '../core/source.js';
import { LabelCap } from './labels.js';
import { ReportedMetrics, type ReportedReadings } from './reported.js';
import type { StoreWriteStats, StreamCounters } from '../core/engine.js';

/** A configured source component and its counters (`Source.stats()`, with type-specific extras). */
export interface ComponentReading {
  id: string;
  type: string;
  stats: SourceStats;
}

/** One record source (`file:/var/log/app.log`, `http:ingest`…): its parser's and miner's counters. */
export type StreamReading = StreamCounters;

/** One alert sink: the policy's counts for it and its dispatcher's. */
export interface SinkReading {
  sink: string;
  /** Notifications queued in the outbox (firing and resolved). */
  queued: number;
  /** Anomalies merged into a waiting notification. */
  grouped: number;
  /** Notifications dropped because the sink's backlog was full (`max_pending`). */
  backlogDropped: number;
  sent: number;
  retries: number;
  /** Alerts given up (rejected by the receiver, or out of attempts). */
  givenUp: number;
  errors: number;
}

/** One sink's pending outbox rows (`Outbox.deliveryBySink`). */
export interface OutboxReading {
  /** Every pending row, scheduled ones included (group wait, cooldown, resolves). */
  pending: number;
  /** Rows due now and not sent. */
  due: number;
  /** Rows with a failed attempt, not delivered yet. */
  retrying: number;
  /** Earliest next-attempt time of the due rows (epoch ms), null when none is due. */
  oldestDueAt: number | null;
}

export interface EngineReading {
  batches: number;
  records: number;
  errors: number;
  duplicates: number;
}

/** What the metrics read at scrape time; every function is called once per scrape and metric. */
export interface MetricsDeps {
  version: string;
  clock: Clock;
  components(): readonly ComponentReading[];
  streams(): Iterable<StreamReading>;
  engine(): EngineReading;
  feed(): { clients: number; dropped: number };
  /** Pending outbox rows per sink (read once per scrape). */
  outbox(): Record<string, OutboxReading>;
  /** Active models (one per kind). */
  models(): readonly { kind: string; version: number; createdAt: number }[];
  /** Alert sinks (none without `sinks:`). */
  sinks?(): readonly SinkReading[];
  /** Stored anomalies and what the store's hard caps dropped and evicted (store/anomalies.ts). */
  anomalyCaps?(): { stored: number; dropped: number; evicted: number };
  /** Whether the store refuses writes now, refused writes per reason, anomalies waiting for it. */
  storeWrites?(): StoreWriteStats;
  /** What components report through their context (`ComponentContext.metrics`), by component id. */
  reported?(): readonly ReportedReadings[];
  /** Most distinct values of an outside-controlled label (source, sink, model kind) per service; default 1000. */
  maxLabelValues?: number;
}

export interface ServiceMetrics {
  readonly registry: Registry;
  /**
   * Counts newly stored anomalies by detector, severity and source; with `arrivalTs` (the arrival
   * time of the batch they were found in) observes the ingest → anomaly latency.
   */
  anomaliesStored(anomalies: readonly Anomaly[], arrivalTs?: number): void;
  /** The exposition text for `GET /metrics`. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

/** Seconds buckets of the ingest → anomaly latency (the SLO of the service is well under 1 s). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

type Labels = Record<string, string>;
type Add = (labels: Labels, value: number) => void;

export function createServiceMetrics(deps: MetricsDeps): ServiceMetrics {
  const registry = new Registry();
  const max = deps.maxLabelValues ?? 1000;
  const caps = { source: new LabelCap(max), component: new LabelCap(max), sink: new LabelCap(max), kind: new LabelCap(max), detector: new LabelCap(max) };
  // The outbox is read once per scrape (one query) for its four gauges; a direct registry read queries per gauge.
  const snap: Def['snap'] = { outbox: undefined };
  const def = { registry, caps, deps, snap };
  defineSourceMetrics(def);
  defineStreamMetrics(def);
  defineServiceMetrics(def);
  defineSinkMetrics(def);
  const reported = new ReportedMetrics(registry, caps.component, () => deps.reported?.() ?? []);
  const anomalies = new Counter({
    name: 'anomalog_anomalies_total',
    help: 'Anomalies stored (new ids only), by detector, severity and record source.',
    labelNames: ['detector', 'severity', 'source'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'anomalog_anomaly_latency_seconds',
    help: 'Ingest → anomaly latency: from the arrival of the batch an anomaly was found in to its storage (anomalies found by tick, e.g. silence, are not observed).',
    labelNames: ['detector'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  return {
    registry,
    anomaliesStored(list, arrivalTs) {
      const now = deps.clock.now();
      for (const a of list) {
        const detector = caps.detector.get(a.detector);
        anomalies.inc({ detector, severity: a.severity, source: caps.source.get(a.source) });
        if (arrivalTs !== undefined) latency.observe({ detector }, Math.max(0, now - arrivalTs) / 1000);
      }
    },
    async scrape() {
      snap.outbox = deps.outbox();
      reported.prepare();
      try {
        return { contentType: registry.contentType, body: await registry.metrics() };
      } finally {
        snap.outbox = undefined;
        reported.finish();
      }
    },
  };
}

interface Def {
  registry: Registry;
  caps: Record<'source' | 'component' | 'sink' | 'kind' | 'detector', LabelCap>;
  deps: MetricsDeps;
  snap: { outbox: Record<string, OutboxReading> | undefined };
}

/** A counter or gauge whose values are read from the service when Prometheus scrapes. */
function scraped(def: Def, type: 'counter' | 'gauge', name: string, help: string, labelNames: string[], read: (add: Add) => void): void {
  const collect = function (this: Counter | Gauge) {
    this.reset();
    read((labels, value) => {
      if (Number.isFinite(value) && value >= 0) this.inc(labels, value);
    });
  };
  if (type === 'counter') new Counter({ name, help, labelNames, registers: [def.registry], collect });
  else new Gauge({ name, help, labelNames, registers: [def.registry], collect });
}

/** A type-specific counter of a source's stats (`truncated_lines` of file_tail, `queued` of syslog…), if it has it. */
const extra = (s: SourceStats, key: string): number | undefined => {
  const v = (s as unknown as Record<string, unknown>)[key];
  return typeof v === 'number' ? v : undefined;
};

/** Per configured source component: what it received, dropped, truncated and holds. */
function defineSourceMetrics(def: Def): void {
  const per = (name: string, help: string, type: 'counter' | 'gauge', pick: (s: ComponentReading['stats']) => number | undefined) =>
    scraped(def, type, name, help, ['component_id', 'component_type'], (add) => {
      for (const c of def.deps.components()) {
        const v = pick(c.stats);
        if (v !== undefined) add({ component_id: def.caps.component.get(c.id), component_type: c.type }, v);
      }
    });
  per('anomalog_source_received_lines_total', 'Lines (records, messages) a source component received.', 'counter', (s) => s.received);
  per('anomalog_source_received_bytes_total', 'Bytes a source component received.', 'counter', (s) => s.bytes);
  per('anomalog_source_dropped_lines_total', 'Lines a source component dropped or rejected (bad records, full queues).', 'counter', (s) => s.dropped);
  per('anomalog_source_errors_total', 'Errors of a source component (unreadable files, bad requests, broken connections).', 'counter', (s) => s.errors);
  per('anomalog_source_truncated_lines_total', 'Lines cut at the source\'s maximum line/message size.', 'counter', (s) => extra(s, 'truncated_lines') ?? extra(s, 'truncated'));
  per('anomalog_source_file_truncations_total', 'Tailed files found shorter than the read position (truncated, copytruncate) and read again from the start.', 'counter', (s) => extra(s, 'truncations'));
  per('anomalog_source_overflow_records_total', 'Records a source component sent to its overflow source: `source_by` had opened pipeline.max_sources record sources.', 'counter', (s) => extra(s, 'overflow_records'));
  per('anomalog_source_queued_lines', 'Lines a source component holds for the pipeline now (queue depth).', 'gauge', (s) => extra(s, 'queued'));
}

/** Per record source: its parser (lines, events, records that did not match the format) and miner. */
function defineStreamMetrics(def: Def): void {
  const per = (name: string, help: string, type: 'counter' | 'gauge', pick: (s: StreamReading) => number) =>
    scraped(def, type, name, help, ['source'], (add) => {
      for (const s of def.deps.streams()) add({ source: def.caps.source.get(s.source) }, pick(s));
    });
  per('anomalog_parser_lines_total', 'Lines that reached the parser of a record source.', 'counter', (s) => s.lines);
  per('anomalog_parser_events_total', 'Events (records with their template) a record source\'s parser produced.', 'counter', (s) => s.events);
  per('anomalog_parser_unmatched_records_total', 'Records that did not match the source\'s format (parse failures; kept as whole-line messages).', 'counter', (s) => s.unmatched);
  per('anomalog_templates', 'Templates (clusters) the miner of a record source holds now.', 'gauge', (s) => s.templates);
  per('anomalog_templates_evicted_total', 'Templates evicted from a record source\'s miner at its cluster cap.', 'counter', (s) => s.evictedTemplates);
  per('anomalog_miner_overflow_lines_total', 'Lines of a record source in flood mode that matched no template and went to its overflow template unmined.', 'counter', (s) => s.overflowLines ?? 0);
  per('anomalog_miner_flood_lines_total', 'Lines of a record source mined while it was in flood mode (how long it lasted, in lines).', 'counter', (s) => s.floodLines ?? 0);
  per('anomalog_miner_flood_entries_total', 'Times a record source entered flood mode (almost every line a new message type).', 'counter', (s) => s.floodEntries ?? 0);
  per('anomalog_miner_flooding', 'Whether a record source is in flood mode now (1) or not (0).', 'gauge', (s) => (s.flooding ? 1 : 0));
}

/** The engine, the live feed, the outbox, the model registry and the build. */
function defineServiceMetrics(def: Def): void {
  const { deps, caps } = def;
  const engine = (name: string, help: string, pick: (e: EngineReading) => number) => scraped(def, 'counter', name, help, [], (add) => add({}, pick(deps.engine())));
  engine('anomalog_engine_batches_total', 'Batches the engine processed.', (e) => e.batches);
  engine('anomalog_engine_records_total', 'Records the engine took from all sources.', (e) => e.records);
  engine('anomalog_engine_errors_total', 'Component failures the engine caught (the pipeline went on).', (e) => e.errors);
  engine('anomalog_engine_duplicate_anomalies_total', 'Anomalies found again with an id already stored (not stored twice).', (e) => e.duplicates);
  scraped(def, 'gauge', 'anomalog_live_feed_clients', 'Clients connected to the live feed (/api/stream).', [], (add) => add({}, deps.feed().clients));
  scraped(def, 'counter', 'anomalog_live_feed_dropped_clients_total', 'Live-feed clients dropped because they did not read.', [], (add) => add({}, deps.feed().dropped));
  defineOutboxMetrics(def);
  const capped = deps.anomalyCaps;
  if (capped !== undefined) {
    scraped(def, 'gauge', 'anomalog_anomalies_stored', 'Anomalies in the store now (at most retention.max_anomalies).', [], (add) => add({}, capped().stored));
    scraped(def, 'counter', 'anomalog_anomalies_capped_total', 'Anomalies not stored or deleted at the store\'s hard caps: `dropped` (their source\'s hour was full), `evicted` (oldest lowest-severity ones removed to make room).', ['reason'], (add) => {
      const c = capped();
      add({ reason: 'dropped' }, c.dropped);
      add({ reason: 'evicted' }, c.evicted);
    });
  }
  const writes = deps.storeWrites;
  if (writes !== undefined) {
    scraped(def, 'gauge', 'anomalog_store_writable', '1 while the store writes; 0 while it refuses writes (disk full, locked by another process, read-only): see /api/health.', [], (add) => add({}, writes().failing === null ? 1 : 0));
    scraped(def, 'counter', 'anomalog_store_write_errors_total', 'Store writes refused, by reason (disk_full, locked, read_only, io); each is retried.', ['reason'], (add) => {
      const w = writes();
      for (const r of Object.keys(w.errors) as (keyof StoreWriteStats['errors'])[]) add({ reason: r }, w.errors[r]);
    });
    scraped(def, 'gauge', 'anomalog_anomalies_unstored', 'Anomalies found and waiting for the store (it refuses writes).', [], (add) => add({}, writes().unstored));
    scraped(def, 'counter', 'anomalog_anomalies_unstored_dropped_total', 'Anomalies dropped because more than 10,000 waited for a store that refused writes.', [], (add) => add({}, writes().unstoredDropped));
  }
  scraped(def, 'gauge', 'anomalog_model_version', 'Version of the active model of a kind (no series without an active model).', ['kind'], (add) => {
    for (const m of deps.models()) add({ kind: caps.kind.get(m.kind) }, m.version);
  });
  scraped(def, 'gauge', 'anomalog_model_age_seconds', 'Seconds since the active model of a kind was stored.', ['kind'], (add) => {
    const now = deps.clock.now();
    for (const m of deps.models()) add({ kind: caps.kind.get(m.kind) }, Math.max(0, now - m.createdAt) / 1000);
  });
  const started = deps.clock.now() / 1000;
  scraped(def, 'gauge', 'anomalog_start_time_seconds', 'Start time of the service (Unix seconds).', [], (add) => add({}, started));
  scraped(def, 'gauge', 'anomalog_build_info', 'Always 1; the version of the running service.', ['version'], (add) => add({ version: deps.version }, 1));
}

/**
 * Per sink with pending outbox rows: all of them, and those that tell a stuck receiver (due and not
 * sent, failed at least once, how long the oldest due one waits) from alerts merely scheduled
 * for later (group wait, cooldown, a resolve due `resolve_after` after the last repeat).
 */
function defineOutboxMetrics(def: Def): void {
  const per = (name: string, help: string, pick: (o: OutboxReading, now: number) => number) =>
    scraped(def, 'gauge', name, help, ['sink'], (add) => {
      const now = def.deps.clock.now();
      for (const [sink, o] of Object.entries(def.snap.outbox ?? def.deps.outbox())) add({ sink: def.caps.sink.get(sink) }, pick(o, now));
    });
  per('anomalog_outbox_pending', 'Alerts waiting in the outbox, per sink, including those scheduled for later (group wait, cooldown, pending resolves).', (o) => o.pending);
  per('anomalog_outbox_due', 'Alerts in the outbox that are due now and not yet sent, per sink.', (o) => o.due);
  per('anomalog_outbox_retrying', 'Alerts in the outbox whose delivery failed at least once and that are not delivered yet, per sink.', (o) => o.retrying);
  per('anomalog_outbox_oldest_due_age_seconds', 'Seconds the oldest due alert of a sink has waited since it became due (0 when none is due).', (o, now) =>
    o.oldestDueAt === null ? 0 : Math.max(0, now - o.oldestDueAt) / 1000,
  );
}

/** Per alert sink: what the policy queued, grouped and dropped, what the dispatcher delivered. */
function defineSinkMetrics(def: Def): void {
  const per = (name: string, help: string, pick: (s: SinkReading) => number) =>
    scraped(def, 'counter', name, help, ['sink'], (add) => {
      for (const s of def.deps.sinks?.() ?? []) add({ sink: def.caps.sink.get(s.sink) }, pick(s));
    });
  per('anomalog_alerts_queued_total', 'Notifications the alert policy queued for a sink (firing and resolved).', (s) => s.queued);
  per('anomalog_alerts_grouped_total', 'Anomalies merged into a notification still waiting for a sink.', (s) => s.grouped);
  per('anomalog_alerts_dropped_total', 'Notifications dropped because the sink\'s backlog was full (max_pending).', (s) => s.backlogDropped);
  per('anomalog_sink_sent_alerts_total', 'Alerts a sink delivered.', (s) => s.sent);
  per('anomalog_sink_retries_total', 'Failed deliveries that will be retried.', (s) => s.retries);
  per('anomalog_sink_given_up_alerts_total', 'Alerts given up: rejected by the receiver or out of attempts.', (s) => s.givenUp);
  per('anomalog_sink_errors_total', 'Failed writes to a sink (retry, reject or an exception).', (s) => s.errors);
}
