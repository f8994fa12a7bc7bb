import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { heapTrim, youngCap } from './heap-trim.js';

const root = join(import.meta.dirname, '../..');

/** A heap whose old generation the test sets, and a clock in ms. */
function fakes() {
  const s = { used: 30, now: 0, collections: 0, keptAfter: 30 };
  const collect = () => {
    s.collections++;
    s.used = s.keptAfter;
  };
  return { s, trim: heapTrim(4, 10_000, () => s.now, () => s.used, collect) };
}

describe('heapTrim', () => {
  it('collects once the old generation grew the given MiB past the last collection, not before', () => {
    const { s, trim } = fakes();
    s.used = 33.9;
    expect(trim!()).toBe(false);
    s.used = 34;
    expect(trim!()).toBe(true);
    expect(s.collections).toBe(1);
    // The floor is what the collection kept: growth is measured from there again.
    s.now = 20_000;
    s.used = 33;
    expect(trim!()).toBe(false);
    s.used = 34;
    expect(trim!()).toBe(true);
  });

  it('counts from what V8 kept when V8 collected on its own meanwhile', () => {
    const { s, trim } = fakes();
    s.used = 20; // V8's own full collection
    expect(trim!()).toBe(false);
    s.used = 23.5;
    expect(trim!()).toBe(false);
    s.used = 24;
    s.keptAfter = 20;
    expect(trim!()).toBe(true);
  });

  it('collects at most once per minimum gap, however fast the heap grows', () => {
    const { s, trim } = fakes();
    s.keptAfter = 40; // what is live grows: every check sees 10 MiB more
    s.used = 40;
    expect(trim!()).toBe(true);
    for (const t of [1_000, 5_000, 9_999]) {
      s.now = t;
      s.used = 60;
      expect(trim!()).toBe(false);
    }
    s.now = 10_000;
    expect(trim!()).toBe(true);
    expect(s.collections).toBe(2);
  });

  it('is off at 0', () => {
    expect(heapTrim(0, 10_000, () => 0, () => 30, () => {})).toBeNull();
  });

  // What would break on another Node: `gc` not reachable after start, or a collection that keeps the garbage.
  // What would break on another Node: `gc` not reachable after start, or a collection that keeps the garbage.
  it('frees the old generation in a real main thread and worker thread, with gc reached after start', () => {
    const mod = JSON.stringify(pathToFileURL(join(root, 'src/topology/heap-trim.ts')).href);
    // Objects that outlive young collections, then are dropped: garbage in the old generation.
    const run = `({ heapTrim, oldInUse }) => {
      const trim = heapTrim(4, 0);
      const before = oldInUse();
      let hold = []; for (let i = 0; i < 400000; i++) hold.push({ i, s: 'old' + i }); hold = null;
      for (let r = 0; r < 20; r++) { const tmp = []; for (let i = 0; i < 20000; i++) tmp.push({ r, i }); }
      const grown = oldInUse();
      const collected = trim();
      return { before, grown, collected, after: oldInUse(), gcGlobal: typeof globalThis.gc };
    }`;
    // The worker loads the module as the engine threads do under tsx (core/spawn-worker.ts).
    const tsx = JSON.stringify(pathToFileURL(join(root, 'node_modules/tsx/dist/esm/api/index.mjs')).href);
    const workerCode = `import(${tsx}).then((t) => { t.register(); return import(${mod}); }).then(async (m) => (await import('node:worker_threads')).parentPort.postMessage((${run})(m)));`;
    const script = `
      import * as m from ${mod};
      import { Worker } from 'node:worker_threads';
      const main = (${run})(m);
      const w = new Worker(${JSON.stringify(workerCode)}, { eval: true });
      w.once('message', (worker) => { process.stdout.write(JSON.stringify({ main, worker })); void w.terminate(); });`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, { before: number; grown: number; collected: boolean; after: number; gcGlobal: string }>;
    for (const t of [out.main, out.worker]) {
      expect(t.grown - t.before).toBeGreaterThan(8); // the garbage is there to be collected
      expect(t.collected).toBe(true);
      expect(t.after).toBeLessThan(t.before + 4);
    }
    expect(out.main.gcGlobal).toBe('undefined'); // the flag reaches new contexts only: the CLI's own globals stay without gc
  }, 120_000);
  // A plain full collection keeps pages a third full; without the compaction this held ~2× what is used.
  it('gives back the pages of a fragmented old generation', () => {
    const script = `
      import { heapTrim } from ${JSON.stringify(join(root, 'src/topology/heap-trim.ts'))};
      import { getHeapSpaceStatistics } from 'node:v8';
      const old = () => getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
      let all = []; for (let i = 0; i < 1e6; i++) all.push({ i, s: 'v' + i });
      const keep = all.filter((_, i) => i % 3 === 0); all = null;
      let seen = 0;
      const trim = heapTrim(1, 0, undefined, () => (seen++ === 0 ? 0 : 10)); // the real collection, triggered
      trim(); trim();
      const o = old();
      process.stdout.write(JSON.stringify({ used: o.space_used_size / 2 ** 20, held: o.space_size / 2 ** 20, kept: keep.length }));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const { used, held } = JSON.parse(r.stdout) as { used: number; held: number };
    expect(used).toBeGreaterThan(15); // what is kept is there
    expect(held).toBeLessThan(used * 1.3);
  }, 60_000);
});

describe('youngCap', () => {
  it('stops new-space growth while the thread holds the cap, and allows it again below', () => {
    let size = 2;
    const flags: string[] = [];
    const check = youngCap(8, () => size, (f) => flags.push(f))!;
    check();
    size = 8;
    check();
    check();
    size = 4;
    check();
    expect(flags).toEqual(['--semi-space-growth-factor=2', '--semi-space-growth-factor=1', '--semi-space-growth-factor=2']);
    expect(youngCap(0)).toBeNull();
  });

  /** The largest new space (MiB) a churn reaches, in a fresh process whose semi-spaces may grow to 16 MiB. */
  function peakNewSpace(cap: boolean): number {
    const script = `
      import { youngCap } from ${JSON.stringify(join(root, 'src/topology/heap-trim.ts'))};
      import { getHeapSpaceStatistics } from 'node:v8';
      const check = ${cap} ? youngCap(4) : null;
      const held = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20;
      let keep = [], peak = 0;
      for (let r = 0; r < 200; r++) {
        for (let i = 0; i < 5000; i++) { keep.push({ s: 'x' + i, r }); if (keep.length > 100000) keep = keep.slice(50000); }
        check?.(); peak = Math.max(peak, held());
      }
      process.stdout.write(String(peak));`;
    const r = spawnSync(process.execPath, ['--max-semi-space-size=16', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    return Number(r.stdout);
  }

  it('keeps a real thread new space near the cap, set after start', () => {
    const own = peakNewSpace(false);
    expect(own).toBeGreaterThanOrEqual(16);
    // Near the cap, not at it: a doubling may pass it between two checks, and Node 24 reports more of
    // the new space than Node 20 and 22 (quiet: 10–12 MiB capped against 32 uncapped; Node 20: 4 against 16+).
    expect(peakNewSpace(true)).toBeLessThan(own / 2);
  }, 120_000);
});
