/**
 * @module detectors/model/trainer
 * Where a training runs. `WorkerTrainer` keeps one worker thread (started on the first training,
 * `unref`'d so it never holds the process open) and posts jobs to it: the pipeline thread only
 * copies the reservoir out and the artifact back. `InlineTrainer` trains synchronously on the
 * calling thread (deterministic; tests and tiny setups).
 *
 * @example
 * const t = new WorkerTrainer(600_000);
 * const { artifact, ms } = await t.train(job); // resolves when the worker is done
 * t.close();
 */
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../core/spawn-worker.js';
import { AnomalogError } from '../../core/errors.js';
import { timedTraining, type TrainJob, type TrainResult } from './training.js';

export interface Trainer {
  /** Inline trainers return the artifact itself; worker trainers a promise of it. */
  train(job: TrainJob): TrainResult | Promise<TrainResult>;
  close(): void;
}

export class InlineTrainer implements Trainer {
  train(job: TrainJob): TrainResult {
    return timedTraining(job);
  }
  close(): void {}
}

interface Pending {
  resolve(r: TrainResult): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class WorkerTrainer implements Trainer {
  private worker: Worker | null = null;
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  constructor(private readonly timeoutMs: number) {}

  train(job: TrainJob): Promise<TrainResult> {
    if (this.closed) return Promise.reject(new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', 'The model trainer is closed (the service is stopping).'));
    const w = this.ensure();
    const id = this.next++;
    return new Promise<TrainResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', `Training the model of ${job.source} took longer than ${this.timeoutMs} ms; the worker was restarted.`));
        this.restart();
      }, this.timeoutMs);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer });
      w.postMessage({ id, job });
    });
  }

  close(): void {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    this.failAll(new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', 'The model trainer was closed.'));
    if (w) void w.terminate();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = spawnTrainWorker();
    w.unref();
    w.on('message', (m: { id: number; result?: TrainResult; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.result) p.resolve(m.result);
      else p.reject(new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', `Training failed: ${m.error ?? 'unknown error'}`));
    });
    w.on('error', (e) => {
      if (this.worker === w) this.worker = null;
      this.failAll(e instanceof Error ? e : new Error(String(e)));
    });
    w.on('exit', () => {
      if (this.worker === w) this.worker = null;
      this.failAll(new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', 'The model training worker exited.'));
    });
    this.worker = w;
    return w;
  }

  private restart(): void {
    const w = this.worker;
    this.worker = null;
    if (w) void w.terminate();
  }

  private failAll(e: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(e);
    }
  }
}

function spawnTrainWorker(): Worker {
  return spawnWorker(import.meta.url, './train-worker');
}
