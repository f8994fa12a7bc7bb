import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

/**
 * The largest old space (MiB) a churn of objects that outlive young collections reaches, in a fresh
 * process after `heapGrowth(percent)`. About 25 MiB stay live throughout.
 */
function peakOldSpace(percent: number): number {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { heapGrowth } from ${JSON.stringify(join(root, 'src/cli/heap-growth.ts'))};
    heapGrowth(${percent});
    const old = () => getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_size;
    const live = []; for (let i = 0; i < 300000; i++) live.push({ i, s: 'live' + i });
    const ring = new Array(200000); let k = 0, peak = 0;
    for (let r = 0; r < 25; r++) { for (let i = 0; i < 200000; i++) ring[k++ % ring.length] = { r, i, s: 'x' + i }; peak = Math.max(peak, old()); }
    process.stdout.write(String(peak / 2 ** 20));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return Number(r.stdout);
}

/** The median of `n` fresh processes: one process's peak moves with when its collections happen to run. */
function medianPeak(percent: number, n = 3): number {
  const peaks = Array.from({ length: n }, () => peakOldSpace(percent)).sort((a, b) => a - b);
  return peaks[Math.floor(n / 2)];
}

describe('heapGrowth', () => {
  // The setting only helps while V8 reads the flag at each limit (Node 20–24): this is what would break.
  // Medians of three, and a 10% margin: quiet, Node 20 and 22 give ~49 against ~86 MiB, Node 24 ~86
  // against ~108 (its heap grows by larger minimum steps); one run under a loaded CI reached 94 against 112.
  it('keeps the old generation closer to what is live than V8 left alone does, set after start', () => {
    const own = medianPeak(0);
    const bounded = medianPeak(30);
    expect(bounded).toBeGreaterThan(20); // the live set itself
    expect(bounded).toBeLessThan(own * 0.9);
  }, 180_000);
});
