import { describe, expect, it } from 'vitest';
import { IdempotentProducer, type KafkaClient } from './client.js';

/** Client producers that record what they do; `fail` makes their sends reject (a refused sequence). */
function fakeKafka(fail: (n: number) => boolean) {
  const made: { n: number; connected: boolean; sent: number; disconnected: boolean }[] = [];
  const kafka = {
    producer: () => {
      const p = { n: made.length, connected: false, sent: 0, disconnected: false };
      made.push(p);
      return {
        connect: async () => void (p.connected = true),
        disconnect: async () => void (p.disconnected = true),
        sendBatch: async () => {
          if (fail(p.n)) throw Object.assign(new Error('The broker received an out of order sequence number'), { type: 'OUT_OF_ORDER_SEQUENCE_NUMBER', retriable: false });
          p.sent++;
          return [];
        },
      };
    },
  } as unknown as KafkaClient;
  return { kafka, made };
}

const batch = [{ topic: 't', messages: [{ key: 'k', value: 'v' }] }];

describe('IdempotentProducer', () => {
  it('sends through a new client producer after a failed send (kafkajs does not recover a refused sequence)', async () => {
    const { kafka, made } = fakeKafka((n) => n === 0);
    const p = new IdempotentProducer(kafka);
    await p.connect();
    await expect(p.send(batch)).rejects.toThrow(/out of order/);
    await p.send(batch);
    expect(made).toHaveLength(2);
    expect(made[0].disconnected).toBe(true);
    expect(made[1]).toMatchObject({ connected: true, sent: 1, disconnected: false });
    await p.send(batch);
    // Healthy again: no new producer per send.
    expect(made).toHaveLength(2);
    expect(made[1].sent).toBe(2);
  });

  it('keeps one producer while sends succeed', async () => {
    const { kafka, made } = fakeKafka(() => false);
    const p = new IdempotentProducer(kafka);
    await p.connect();
    for (let i = 0; i < 3; i++) await p.send(batch);
    expect(made).toHaveLength(1);
    expect(made[0].sent).toBe(3);
  });
});
