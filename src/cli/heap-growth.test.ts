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

describe('heapGrowth', () => {
  // The setting only helps while V8 reads the flag at each limit (Node 20–24): this is what would break.
  it('keeps the old generation closer to what is live than V8 left alone does, set after start', () => {
    const own = peakOldSpace(0);
    const bounded = peakOldSpace(30);
    expect(bounded).toBeGreaterThan(20); // the live set itself
    expect(bounded).toBeLessThan(own * 0.8);
  }, 120_000);
});
