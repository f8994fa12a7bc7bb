/**
 * @module detectors/model/train-worker
 * Worker-thread entry of the streaming model detector: receives `{ id, job }`, trains with
 * `trainWindows` off the pipeline thread and answers `{ id, result: { artifact, ms } }` or `{ id, error }`.
 */
import { parentPort } from 'node:worker_threads';
import { timedTraining, type TrainJob } from './training.js';

parentPort?.on('message', (msg: { id: number; job: TrainJob }) => {
  try {
    parentPort?.postMessage({ id: msg.id, result: timedTraining(msg.job) });
  } catch (e) {
    parentPort?.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
