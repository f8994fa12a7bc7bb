import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../core/component.js';
import type { KafkaClient } from './client.js';
import { GroupConsumer } from './group.js';

/**
 * A consumer as kafkajs hands it out, reduced to what GroupConsumer calls: the broker side is not
 * the point here (worker.test.ts runs the group against a real broker, restarts included); what a
 * consumer does after kafkajs gives it up is, and a real broker cannot be made to produce a
 * non-retriable crash on demand.
 */
class FakeConsumer extends EventEmitter {
  readonly events = { REBALANCING: 'rebalancing', GROUP_JOIN: 'join', CRASH: 'crash' };
  runs = 0;
  disconnects = 0;
  async connect(): Promise<void> {}
  async subscribe(): Promise<void> {}
  async run(): Promise<void> {
    this.runs++;
  }
  async disconnect(): Promise<void> {
    this.disconnects++;
  }
  crash(restart: boolean): void {
    this.emit('crash', { payload: { error: new Error('boom'), restart } });
  }
  join(partitions: number[]): void {
    this.emit('join', { payload: { memberAssignment: { logs: partitions } } });
  }
}

function setup() {
  const made: FakeConsumer[] = [];
  const kafka = { consumer: () => made[made.push(new FakeConsumer()) - 1] } as unknown as KafkaClient;
  const g = new GroupConsumer(kafka, { group: 'g', topic: 'logs', fromBeginning: true, sessionTimeoutMs: 6000, logger: silentLogger });
  const seen = { assigned: [] as number[][], rebalancing: 0 };
  const handlers = { onAssigned: (p: readonly number[]) => seen.assigned.push([...p]), onRebalancing: () => seen.rebalancing++, onBatch: async () => {} };
  return { made, g, seen, handlers };
}

describe('GroupConsumer after kafkajs gives a consumer up', () => {
  afterEach(() => vi.useRealTimers());

  it('replaces a consumer that stopped for good: a new one joins, and the old generation is over', async () => {
    vi.useFakeTimers();
    const { made, g, seen, handlers } = setup();
    await g.start(handlers);
    made[0].join([0, 1]);
    const gen = g.generation;
    made[0].crash(false);
    expect(made).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(made).toHaveLength(2);
    expect(made[0].disconnects).toBe(1);
    expect(made[1].runs).toBe(1);
    expect(g.revived).toBe(1);
    expect(seen.rebalancing).toBe(1);
    expect(g.generation).toBeGreaterThan(gen);
    // The new consumer's events reach the same handlers.
    made[1].join([2]);
    expect(seen.assigned).toEqual([[0, 1], [2]]);
  });

  it('leaves a consumer kafkajs restarts itself, and revives nothing once stopped', async () => {
    vi.useFakeTimers();
    const { made, g, handlers } = setup();
    await g.start(handlers);
    made[0].crash(true);
    await vi.advanceTimersByTimeAsync(5000);
    expect(made).toHaveLength(1);
    made[0].crash(false);
    await g.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(made).toHaveLength(1);
    expect(g.revived).toBe(0);
  });

  it('keeps trying, further apart, while the new consumer cannot start', async () => {
    vi.useFakeTimers();
    const made: FakeConsumer[] = [];
    let failing = 0;
    const kafka = {
      consumer: () => {
        const c = new FakeConsumer();
        if (made.length > 0 && failing-- > 0) c.connect = async () => Promise.reject(new Error('no broker'));
        made.push(c);
        return c;
      },
    } as unknown as KafkaClient;
    failing = 2;
    const g = new GroupConsumer(kafka, { group: 'g', topic: 'logs', fromBeginning: true, sessionTimeoutMs: 6000, logger: silentLogger });
    await g.start({ onAssigned: () => {}, onBatch: async () => {} });
    made[0].crash(false);
    await vi.advanceTimersByTimeAsync(1000); // 1st: fails
    expect(made).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1999);
    expect(made).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1); // 2nd, 2 s later: fails
    expect(made).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(4000); // 3rd, 4 s later: runs
    expect(made).toHaveLength(4);
    expect(made[3].runs).toBe(1);
    await g.stop();
  });
});
