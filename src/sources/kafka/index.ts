/**
 * @module sources/kafka
 * The `kafka` source (one `serve` reading a topic of log records in a consumer group) and the Kafka
 * parts `anomalog worker` and `serve --kafka` are built from. The only folder that imports the
 * Kafka client (kafkajs).
 * @example
 * sources: [{ type: kafka, brokers: ['127.0.0.1:9092'], topic: logs, group: anomalog, start: earliest }]
 */
import type { ComponentContext, ComponentDefinition } from '../../core/component.js';
import type { Source } from '../../core/source.js';
import { kafkaConfigSchema, type KafkaConfig } from './config.js';
import { KafkaSource } from './kafka-source.js';

export { KafkaSource, type KafkaSourceStats } from './kafka-source.js';
export { kafkaConfigSchema, kafkaIntakeSchema, type KafkaConfig, type KafkaOptions, type KafkaIntakeConfig } from './config.js';

export const definition: ComponentDefinition<KafkaConfig, Source> = {
  kind: 'source',
  type: 'kafka',
  configSchema: kafkaConfigSchema,
  build(config: KafkaConfig, ctx: ComponentContext): Source {
    return new KafkaSource(kafkaConfigSchema.parse(config), { clock: ctx.clock, logger: ctx.logger });
  },
};
