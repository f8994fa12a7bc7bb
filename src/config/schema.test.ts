import { describe, expect, it } from 'vitest';
import { validate } from './load.js';
import { serveConfigSchema } from './schema.js';

const kafka = (topic: string, over: Record<string, unknown> = {}) => ({ type: 'kafka', brokers: ['127.0.0.1:9092'], topic, ...over });
const parse = (sources: unknown[]) => validate({ sources }, serveConfigSchema);

describe('serve configuration: kafka sources', () => {
  // kafkajs's assigner gives every member partitions of every topic the group reads, so a second
  // source in the same group would be handed partitions of the first one's topic and never read them.
  it('refuses two kafka sources in one consumer group (the default group too), naming both', () => {
    expect(() => parse([kafka('a'), kafka('b')])).toThrow(/sources\[1\]\.group: .*#0 and #1 share the consumer group "anomalog"/);
    expect(() => parse([kafka('a', { group: 'g' }), { type: 'http' }, kafka('b', { group: 'g', brokers: '127.0.0.1:9092' })])).toThrow(/sources\[2\]\.group: .*#0 and #2/);
  });

  it('accepts them in different groups, or the same group name on different clusters', () => {
    expect(parse([kafka('a', { group: 'g1' }), kafka('b', { group: 'g2' })]).sources).toHaveLength(2);
    expect(parse([kafka('a'), kafka('b', { brokers: ['10.0.0.9:9092'] })]).sources).toHaveLength(2);
  });
});
