/**
 * @module topology/kafka/worker-options
 * What `anomalog worker` (worker.ts) is given and what it reports.
 */
import type { StreamCounters } from '../../core/engine.js';
import type { Logger } from '../../core/component.js';
import type { ServeConfig } from '../../config/schema.js';
import type { SourceNaming } from '../../sources/kafka/records.js';
import { floodWarnings } from '../serve-checks.js';
import type { ModelsFeedStats } from './models.js';

export interface WorkerOptions {
  config: ServeConfig;
  brokers: readonly string[];
  topic: string;
  group: string;
  logger: Logger;
  /** Where a group without committed offsets starts (default earliest). */
  start?: 'earliest' | 'latest';
  /** Where anomalies go (default `anomalies`). */
  anomaliesTopic?: string;
  /** The compacted state changelog (default `<group>.state`). */
  changelogTopic?: string;
  /** The compacted topic of feedback the serve node relays (default `anomalog.feedback`). */
  feedbackTopic?: string;
  /** The compacted topic of published models (default `anomalog.models`; read only with the model detector on). */
  modelsTopic?: string;
  naming?: Omit<SourceNaming, 'topic'>;
  maxLineBytes?: number;
  sessionTimeoutMs?: number;
  clientId?: string;
}

export interface WorkerStats {
  /**
   * `degraded` while a record source of its partitions is in flood mode (the miner's flood guard),
   * with one warning per source in `warnings` — those of serve's /api/health (serve-checks.ts).
   */
  status: 'ok' | 'degraded';
  warnings: string[];
  partitions: number[];
  records: number;
  anomaliesProduced: number;
  checkpoints: number;
  /** Offset commits the group refused (a rebalance or a coordinator away, as after a broker restart): retried at the next checkpoint tick. */
  commitsRefused: number;
  rebalances: number;
  /** A rebalance began and no new assignment came yet: no checkpoint meanwhile. */
  rebalancing: boolean;
  /** Per partition: records behind the end of the log at the last fetched batch. */
  lag: Record<number, number>;
  /** Latest restore of a partition's state (ms, including the wait for the changelog's end). */
  lastRestoreMs: number;
  /** Feedback lessons read from the feedback topic, applied by at least one partition, unreadable, and applied to restored partitions. */
  feedback: { read: number; applied: number; invalid: number; atRestore: number };
  /** The models topic (absent when the model detector is off: the topic is not read). */
  models?: ModelsFeedStats;
}

/**
 * The health of a worker from its partitions' engines: `degraded` while a record source of theirs is
 * in flood mode, with the warnings serve's /api/health gives for its own sources (one code path:
 * `floodWarnings`), without the metric names (a worker serves no /metrics).
 */
export function workerHealth(engines: Iterable<{ engine: { flooding?(): StreamCounters[] } }>): Pick<WorkerStats, 'status' | 'warnings'> {
  const floods: StreamCounters[] = [];
  for (const e of engines) floods.push(...(e.engine.flooding?.() ?? []));
  const warnings = floodWarnings(floods, { metrics: false });
  return { status: warnings.length > 0 ? 'degraded' : 'ok', warnings };
}
