/**
 * @module sinks/file
 * The `file` sink: alerts as JSON lines in a file or on standard output.
 * @example
 * const sink = createFileSink({ path: '/var/log/anomalog/alerts.jsonl' });
 * await sink.write(alerts);
 */
import type { ComponentDefinition } from '../../core/component.js';
import type { Sink } from '../../core/sink.js';
import { type FileSinkConfig, fileSinkConfigSchema, type FileSinkOptions } from './config.js';
import { FileSink } from './file.js';

export { FileSink } from './file.js';
export { fileSinkConfigSchema } from './config.js';
export type { FileSinkConfig, FileSinkOptions } from './config.js';

export function createFileSink(options: FileSinkOptions): FileSink {
  return new FileSink(fileSinkConfigSchema.parse(options));
}

export const definition: ComponentDefinition<FileSinkConfig, Sink> = {
  kind: 'sink',
  type: 'file',
  configSchema: fileSinkConfigSchema,
  build: (config) => new FileSink(config),
};
