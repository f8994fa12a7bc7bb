/**
 * @module topology/kafka/model-training
 * `anomalog models train`: a model for the workers' `model` detector, trained offline on log lines
 * of one source. The lines go through a Kafka partition's own pipeline (`PartitionEngine`, every
 * detector off: the parser a worker runs, multi-line joining off), so the templates are mined and
 * written as a worker mines them; its events are counted into the detector's windows
 * (`detectors.model`: window or session, limits), sampled by the detector's reservoir (its size and
 * seed), and trained by the detector's own training function. The artifact records its windows
 * and the text of its vocabulary's templates: a worker maps them onto its own template ids
 * (`detectors/model/remap.ts`) and refuses a model trained on other windows.
 * @example
 * const r = await trainForWorkers({ config, source: 'web-1', lines: readLines('web-1.log') });
 * writeFileSync('model.json', JSON.stringify(r.artifact));
 */
import type { Logger } from '../../core/component.js';
import { AnomalogError } from '../../core/errors.js';
import type { LogEvent } from '../../core/event.js';
import type { ServeConfig } from '../../config/schema.js';
import type { ModelDetectorConfig } from '../../detectors/model/config.js';
import { Reservoir } from '../../detectors/model/reservoir.js';
import { windowSpecOf } from '../../detectors/model/stream.js';
import { type StreamModelArtifact, timedTraining, TrainedModel } from '../../detectors/model/training.js';
import { type Closed, type ClosedCounts, SourceWindows } from '../../features/count-windows.js';
import type { KafkaRecordIn } from '../../sources/kafka/records.js';
import { PartitionEngine } from './partition.js';

/** Lines handed to the partition engine at a time. */
const CHUNK = 2000;
/** Distinct template texts kept (the latest text per id; a miner's templates are bounded as well). */
const MAX_TEXTS = 100_000;

export interface TrainForWorkersOptions {
  /** The workers' configuration (its `parser` and `detectors.model` sections are used). */
  config: ServeConfig;
  /** The source the lines are from (the record key the workers see). */
  source: string;
  lines: AsyncIterable<string> | Iterable<string>;
  logger: Logger;
  /** Arrival time of lines without a time of their own (epoch ms). */
  arrival: number;
}

export interface TrainForWorkersResult {
  artifact: StreamModelArtifact;
  lines: number;
  /** Windows closed by the lines (the last open one is left out), and those trained on (the reservoir). */
  windows: number;
  trained: number;
  ms: number;
}

export async function trainForWorkers(o: TrainForWorkersOptions): Promise<TrainForWorkersResult> {
  const m = o.config.detectors.model as ModelDetectorConfig;
  const spec = windowSpecOf(m);
  const windows = new SourceWindows(spec, m);
  const reservoir = new Reservoir<ClosedCounts>(m.reservoir_size, m.seed);
  const texts = new Map<number, string>();
  const closed: Closed[] = [];
  let count = 0;
  const onEvents = (events: readonly LogEvent[]) => {
    for (const e of events) {
      if (typeof e.templateId !== 'number' || typeof e.template !== 'string') continue;
      // Insertion order = recency: the latest text of a template (after the miner generalised it).
      texts.delete(e.templateId);
      texts.set(e.templateId, e.template.slice(0, m.max_line_chars));
      if (texts.size > MAX_TEXTS) texts.delete(texts.keys().next().value as number);
    }
    windows.add(events, 0, events.length, closed);
    for (const c of closed) reservoir.add(c.counts);
    count += closed.length;
    closed.length = 0;
  };
  const off = Object.fromEntries(Object.entries(o.config.detectors).map(([k, v]) => [k, { ...(v as object), enabled: false }]));
  const engine = new PartitionEngine({
    config: { ...o.config, detectors: off as ServeConfig['detectors'] },
    topic: 'train',
    partition: 0,
    naming: { topic: 'train', from: 'key' },
    maxLineBytes: 1 << 20,
    logger: o.logger,
    onEvents,
  });
  const key = Buffer.from(o.source);
  const at = String(o.arrival);
  let offset = 0;
  let chunk: KafkaRecordIn[] = [];
  try {
    for await (const line of o.lines) {
      if (line.length === 0) continue;
      chunk.push({ key, value: Buffer.from(line), timestamp: at, offset: String(offset++) });
      if (chunk.length >= CHUNK) {
        await engine.process(chunk);
        chunk = [];
      }
    }
    await engine.process(chunk);
  } finally {
    engine.close();
  }
  if (reservoir.size < 2) {
    throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', `The ${offset} lines of ${JSON.stringify(o.source)} close ${count} window${count === 1 ? '' : 's'} of the model detector; a model needs at least two (dozens to be useful).`, {
      hint: 'Train on more log, or with a shorter detectors.model.window_seconds (the workers must use the same).',
    });
  }
  const r = timedTraining({ source: o.source, version: 1, windows: [...reservoir.items], model: m.model, seed: m.seed, max_vocabulary: m.max_vocabulary, threshold: m.threshold });
  const templates: Record<string, string> = {};
  for (const id of TrainedModel.fromArtifact(r.artifact).features.vocabulary.ids) {
    const t = texts.get(id);
    if (t !== undefined) templates[String(id)] = t;
  }
  return { artifact: { ...r.artifact, templates, windowing: spec }, lines: offset, windows: count, trained: reservoir.size, ms: r.ms };
}
