/**
 * @module test/contract/sink.contract
 * The shared suite every `Sink` runs (STYLE §3.6): a batch is delivered whole and answered `ok`;
 * an unreachable receiver is `retry`, a permanent refusal `reject`; `write` never throws, even on
 * hostile alerts (huge lines, control characters, markup); `healthcheck` and `close` (twice) are safe.
 */
import { describe, expect, it } from 'vitest';
import type { Alert, Sink } from '../../src/core/sink.js';
import { HttpReceiver, type Received } from '../harness/http-receiver.js';
import { sampleAlert } from '../harness/alerts.js';

export interface SinkFixture {
  sink: Sink;
  /** Alerts the receiver has accepted so far. */
  delivered(): number;
  /** Makes the receiver unreachable. */
  down(): Promise<void>;
  /** Makes the receiver refuse for good (HTTP 400); undefined when the sink has no such answer. */
  refuse?: () => void;
  cleanup(): Promise<void>;
}

/** A fixture for an HTTP sink: a local receiver; `count` says how many alerts one request holds. */
export async function httpSinkFixture(build: (url: string) => Sink, count: (r: Received) => number): Promise<SinkFixture> {
  const rx = new HttpReceiver();
  await rx.start();
  return {
    sink: build(rx.url),
    delivered: () => rx.requests.reduce((n, r) => n + count(r), 0),
    down: () => rx.stop(),
    refuse: () => {
      rx.status = () => 400;
    },
    cleanup: () => rx.stop(),
  };
}

function hostile(i: number): Alert {
  const line = `<!channel> & </script><b>x</b> \u0000\u001b[31m ${'é✓'.repeat(3_000)} \`\`\` ${i}`;
  const a = sampleAlert({ title: line.slice(0, 5_000), source: `file:/tmp/${'../'.repeat(50)}x` });
  return { ...a, anomaly: { ...a.anomaly, context: Array.from({ length: 10 }, () => line) } };
}

export function sinkContract(name: string, make: () => Promise<SinkFixture>): void {
  describe(`Sink contract: ${name}`, () => {
    it('delivers a whole batch and answers ok; healthcheck and close (twice) are safe', async () => {
      const fx = await make();
      try {
        await fx.sink.healthcheck();
        const batch = [sampleAlert(), sampleAlert({ status: 'resolved' }), hostile(1)];
        let before = fx.delivered();
        for (const a of batch) {
          expect(await fx.sink.write([a])).toBe('ok');
          expect(fx.delivered()).toBe(++before);
        }
        expect(await fx.sink.write([])).toBe('ok');
        await fx.sink.close();
        await fx.sink.close();
      } finally {
        await fx.cleanup();
      }
    });

    it('an unreachable receiver is retry with a reason; a refusal is reject; write never throws', async () => {
      const fx = await make();
      try {
        if (fx.refuse) {
          fx.refuse();
          expect(await fx.sink.write([sampleAlert()])).toBe('reject');
          expect(fx.sink.lastError).toBeTruthy();
        }
        await fx.down();
        expect(await fx.sink.write([sampleAlert(), hostile(2)])).toBe('retry');
        expect(fx.sink.lastError).toBeTruthy();
        expect(fx.delivered()).toBe(0);
      } finally {
        await fx.cleanup();
      }
    });
  });
}
