import { describe, expect, it } from 'vitest';
import { InlineTrainer, WorkerTrainer } from './trainer.js';
import type { TrainJob } from './training.js';
import type { ClosedCounts } from '../../features/count-windows.js';

const threshold = { method: 'spot', q: 1e-3, level: 0.98, contamination: 0.01 } as const;

function job(n: number): TrainJob {
  const windows: ClosedCounts[] = [];
  for (let k = 0; k < n; k++) windows.push({ key: 'window', start: k, end: k + 1, ids: [1, 2], counts: [10 + (k % 5), 3 + (k % 3)], events: 13 + (k % 5) + (k % 3), errors: 0, warns: 0 });
  return { source: 's', version: 3, windows, model: 'if', seed: 1, max_vocabulary: 10, threshold };
}

describe('trainers', () => {
  it('a worker thread trains the same artifact as inline training', async () => {
    const w = new WorkerTrainer(60_000);
    try {
      const [a, b] = await Promise.all([w.train(job(40)), w.train(job(41))]);
      const inline = new InlineTrainer().train(job(40));
      expect(a.artifact).toEqual(inline.artifact);
      expect(a.artifact.modelVersion).toBe(3);
      expect(b.artifact.training.windows).toBe(41);
      expect(a.ms).toBeGreaterThanOrEqual(0);
    } finally {
      w.close();
    }
  }, 30_000);

  it('reports a failed training, and refuses work once closed', async () => {
    const w = new WorkerTrainer(60_000);
    await expect(w.train(job(1))).rejects.toThrow(/Training failed: A model needs at least two windows/);
    w.close();
    await expect(w.train(job(40))).rejects.toThrow(/closed/);
  }, 30_000);

  it('abandons a training that takes longer than the timeout', async () => {
    const w = new WorkerTrainer(1);
    try {
      await expect(w.train(job(2000))).rejects.toThrow(/took longer than 1 ms/);
    } finally {
      w.close();
    }
  }, 30_000);
});
