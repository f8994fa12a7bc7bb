/**
 * @module test/contract/source.contract
 * The shared suite every `Source` runs (STYLE §3.6): lines arrive once and in order, stats count
 * them, `run()` resolves on abort (idle, and with an emit in flight), and the acknowledged
 * position moves only on `ack`, never backwards.
 */
import { describe, expect, it } from 'vitest';
import type { Cursor } from '../../src/core/event.js';
import type { RawBatch, Source } from '../../src/core/source.js';

export interface SourceFixture {
  source: Source;
  /** Makes these lines (without newlines) available to the source. */
  write(lines: string[]): Promise<void>;
  /** The acknowledged position as the source persisted or recorded it (undefined before any ack). */
  committed(): Cursor | undefined;
  cleanup(): Promise<void>;
}

/** Polls `cond` every 10 ms until it holds (fails after `ms`). */
export async function waitFor(cond: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > ms) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Running {
  batches: RawBatch[];
  texts(): string[];
  stop(): Promise<void>;
  done: Promise<void>;
}

function start(source: Source, onBatch?: (b: RawBatch) => Promise<void>): Running {
  const ac = new AbortController();
  const batches: RawBatch[] = [];
  const done = source.run(async (b) => {
    batches.push(b);
    if (onBatch) await onBatch(b);
  }, ac.signal);
  return {
    batches,
    texts: () => batches.flatMap((b) => b.records.map((r) => r.text)),
    stop: async () => {
      ac.abort();
      await done;
    },
    done,
  };
}

export function sourceContract(name: string, make: () => Promise<SourceFixture>): void {
  describe(`Source contract: ${name}`, () => {
    it('delivers written lines once, in order, and counts them in stats()', async () => {
      const fx = await make();
      try {
        const r = start(fx.source);
        const lines = Array.from({ length: 300 }, (_, i) => `contract line ${i} ${'x'.repeat(i % 17)}`);
        await fx.write(lines.slice(0, 120));
        await fx.write(lines.slice(120));
        await waitFor(() => r.texts().length >= lines.length, 10_000, 'all lines');
        await r.stop();
        expect(r.texts()).toEqual(lines);
        const st = fx.source.stats();
        expect(st.received).toBe(lines.length);
        expect(st.bytes).toBeGreaterThanOrEqual(lines.reduce((n, l) => n + l.length + 1, 0) - 1);
        for (const b of r.batches) expect(b.records.every((rec) => typeof rec.source === 'string' && rec.source.length > 0)).toBe(true);
      } finally {
        await fx.cleanup();
      }
    });

    it('moves the acknowledged position only on ack, and never backwards', async () => {
      const fx = await make();
      try {
        const r = start(fx.source);
        await fx.write(['a1', 'a2']);
        await waitFor(() => r.texts().length >= 2, 10_000, 'first lines');
        await fx.write(['b1', 'b2', 'b3']);
        await waitFor(() => r.texts().length >= 5, 10_000, 'second lines');
        expect(fx.committed()).toBeUndefined();
        const cursors = r.batches.map((b) => b.cursor).filter((c): c is Cursor => c !== undefined);
        expect(cursors.length).toBeGreaterThan(0);
        const last = cursors[cursors.length - 1];
        fx.source.ack(last);
        expect(fx.committed()).toMatchObject({ id: last.id, offset: last.offset });
        if (cursors.length > 1) {
          fx.source.ack(cursors[0]);
          expect(fx.committed()?.offset).toBe(last.offset);
        }
        for (let i = 1; i < cursors.length; i++) expect(cursors[i].offset).toBeGreaterThan(cursors[i - 1].offset);
        await r.stop();
      } finally {
        await fx.cleanup();
      }
    });

    it('resolves run() on abort when idle', async () => {
      const fx = await make();
      try {
        const r = start(fx.source);
        await new Promise((res) => setTimeout(res, 50));
        await r.stop();
        expect(r.batches).toEqual([]);
      } finally {
        await fx.cleanup();
      }
    });

    it('on abort lets the emit in flight finish, then resolves without emitting more', async () => {
      const fx = await make();
      try {
        let release: () => void = () => undefined;
        const gate = new Promise<void>((res) => (release = res));
        let inFlight = 0;
        let finished = 0;
        const r = start(fx.source, async () => {
          inFlight++;
          await gate;
          finished++;
        });
        await fx.write(['g1']);
        await waitFor(() => inFlight === 1, 10_000, 'an emit in flight');
        await fx.write(['g2', 'g3']);
        const ac = r.stop();
        let resolved = false;
        void ac.then(() => (resolved = true));
        await new Promise((res) => setTimeout(res, 30));
        expect(resolved).toBe(false);
        release();
        await ac;
        expect(finished).toBe(1);
        expect(r.batches).toHaveLength(1);
      } finally {
        await fx.cleanup();
      }
    });
  });
}
