/**
 * @module sources/file-tail
 * The `file_tail` source: tails files and globs with rotation, truncation and checkpoints.
 * @example
 * const source = createFileTailSource({ paths: ['/var/log/app/*.log'] }, { checkpoints });
 * await source.run(async (batch) => { await pipeline.process(batch.records); if (batch.cursor) source.ack(batch.cursor); }, signal);
 */
import type { ComponentContext, ComponentDefinition } from '../../core/component.js';
import type { CheckpointStore, Source } from '../../core/source.js';
import { fileTailConfigSchema, type FileTailConfig, type FileTailOptions } from './config.js';
import { FileTailSource, type FileTailDeps } from './file-tail.js';

export { FileTailSource } from './file-tail.js';
export type { FileTailStats, FileTailDeps } from './file-tail.js';
export { fileTailConfigSchema } from './config.js';
export type { FileTailConfig, FileTailOptions } from './config.js';
export { compilePattern, expandPattern, globToRegExpSource } from './glob.js';

/** Validates options (defaults applied, unknown keys rejected) and builds the source. */
export function createFileTailSource(options: FileTailOptions, deps: FileTailDeps): FileTailSource {
  return new FileTailSource(fileTailConfigSchema.parse(options), deps);
}

/** Volatile checkpoints, for a build context that has no store. */
function volatileCheckpoints(): CheckpointStore {
  const m = new Map<string, ReturnType<CheckpointStore['load']>>();
  return { load: (id) => m.get(id), save: (id, c) => void m.set(id, c) };
}

export const definition: ComponentDefinition<FileTailConfig, Source> = {
  kind: 'source',
  type: 'file_tail',
  configSchema: fileTailConfigSchema,
  build(config: FileTailConfig, ctx: ComponentContext): Source {
    // Without `ctx.checkpoints`, positions are kept in memory only (no resume after a restart).
    return new FileTailSource(config, {
      checkpoints: ctx.checkpoints ?? volatileCheckpoints(),
      clock: ctx.clock,
      logger: ctx.logger,
      id: ctx.id,
    });
  },
};
