/**
 * @module detectors/model/own-models
 * The lifecycle of the models a streaming `model` detector trains for its sources itself: load the
 * registry's active model for a source (a restart scores at once), start a training when a source
 * is due (one at a time, in the worker thread so `observe` never waits), install the result (the
 * hot swap) and save it in the registry, or count and log a failure and retry later. Kept apart
 * from `stream.ts` (scoring, per-source windows, published models) because it is the only part
 * that talks to the trainer and the registry and runs across ticks (a training in flight).
 */
import type { Logger } from '../../core/component.js';
import type { ModelRegistry } from '../../core/ports.js';
import type { ModelDetectorConfig } from './config.js';
import type { SourceModelState } from './state.js';
import { type StreamModelArtifact, TrainedModel, type TrainJob } from './training.js';
import type { Trainer } from './trainer.js';

/** After a failed training, the next attempt waits this long (clock time). */
const RETRY_MS = 60_000;

/** The registry kind of a source's model. */
export function registryKind(source: string): string {
  return `model-detector:${source}`;
}

/** The detector's counters this module adds to (the detector snapshots them with its own). */
export interface TrainingCounters {
  trainings: number;
  trainingFailures: number;
}

export class OwnModels {
  /** Duration of the latest training (not in the snapshot: timings are not deterministic). */
  lastTrainingMs = 0;

  /**
   * @param isCurrent whether a source's state is still the detector's when a training returns (a
   *   restore or an eviction may have replaced it meanwhile: its result is then dropped).
   */
  constructor(
    private readonly config: ModelDetectorConfig,
    private readonly trainer: Trainer,
    private readonly registry: ModelRegistry | undefined,
    private readonly logger: Logger,
    private readonly counters: TrainingCounters,
    private readonly isCurrent: (st: SourceModelState) => boolean,
  ) {}

  /** A restart scores with the registry's active model at once instead of waiting to retrain. */
  loadActive(st: SourceModelState): void {
    const reg = this.registry;
    if (!reg) return;
    try {
      const m = reg.activeModel<StreamModelArtifact>(registryKind(st.name));
      if (!m) return;
      st.model = TrainedModel.fromArtifact(m.artifact);
      st.version = Math.max(st.version, m.version);
      st.nextTrainAt = this.config.retrain_every_seconds > 0 ? m.createdAt + this.config.retrain_every_seconds * 1000 : Infinity;
    } catch (e) {
      this.logger.warn('The stored model could not be loaded; the source trains a new one.', { source: st.name, error: String(e) });
    }
  }

  inFlight(sources: Iterable<SourceModelState>): boolean {
    for (const st of sources) if (st.training) return true;
    return false;
  }

  /** Starts a training when the source is due; true when one was started. */
  maybeTrain(st: SourceModelState, now: number): boolean {
    if (st.training || st.published?.model || now < st.nextTrainAt || st.reservoir.size < Math.min(this.config.min_windows, this.config.reservoir_size)) return false;
    // Until the training succeeds (install sets the real schedule), a failure retries after RETRY_MS.
    st.nextTrainAt = now + RETRY_MS;
    const job: TrainJob = {
      source: st.name,
      version: st.version + 1,
      windows: [...st.reservoir.items],
      model: this.config.model,
      seed: this.config.seed,
      max_vocabulary: this.config.max_vocabulary,
      threshold: this.config.threshold,
    };
    let result: ReturnType<Trainer['train']>;
    try {
      result = this.trainer.train(job);
    } catch (e) {
      this.trainingFailed(st, e);
      return true;
    }
    if (!(result instanceof Promise)) {
      this.install(st, result.artifact, result.ms, now);
      return true;
    }
    st.training = true;
    result.then(
      (r) => {
        st.training = false;
        if (this.isCurrent(st)) this.install(st, r.artifact, r.ms, now);
      },
      (e: unknown) => {
        st.training = false;
        this.trainingFailed(st, e);
      },
    );
    return true;
  }

  /** Stops the training worker. */
  close(): void {
    this.trainer.close();
  }

  private trainingFailed(st: SourceModelState, e: unknown): void {
    this.counters.trainingFailures++;
    this.logger.warn('A model training failed; the current model stays.', { source: st.name, error: e instanceof Error ? e.message : String(e) });
  }

  /** The hot swap: one assignment, between two batches; later windows use the new version. */
  private install(st: SourceModelState, artifact: StreamModelArtifact, ms: number, now: number): void {
    let model: TrainedModel;
    try {
      model = TrainedModel.fromArtifact(artifact);
    } catch (e) {
      this.trainingFailed(st, e);
      return;
    }
    if (st.model !== null && model.version <= st.model.version) return;
    // A published model came in while this training ran: it stays in force.
    if (st.published?.model) return;
    const templates: Record<string, string> = {};
    for (const id of model.features.vocabulary.ids) {
      const t = st.texts.get(id);
      if (t !== undefined) templates[String(id)] = t;
    }
    artifact.templates = templates;
    st.model = model;
    st.version = model.version;
    st.flaggedRun = 0;
    st.nextTrainAt = this.config.retrain_every_seconds > 0 ? now + this.config.retrain_every_seconds * 1000 : Infinity;
    this.counters.trainings++;
    this.lastTrainingMs = ms;
    const kind = registryKind(st.name);
    try {
      this.registry?.saveModel({ id: `${kind}:v${model.version}`, kind, version: model.version, artifact });
      this.registry?.pruneModels?.(kind, this.config.keep_versions);
    } catch (e) {
      this.logger.warn('The trained model could not be saved in the registry.', { source: st.name, error: String(e) });
    }
    this.logger.info('A model was trained and swapped in.', { source: st.name, version: model.version, windows: artifact.training.windows, training_ms: ms });
  }
}
