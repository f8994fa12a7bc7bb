/**
 * @module sources/stdin
 * The `stdin` source: lines from standard input (or any byte stream), batched, no checkpoint.
 * @example
 * const source = createStdinSource({}, { stream: process.stdin });
 * await source.run(async (batch) => pipeline.process(batch.records), signal); // resolves at EOF
 */
import type { ComponentContext, ComponentDefinition } from '../../core/component.js';
import type { Source } from '../../core/source.js';
import { stdinConfigSchema, type StdinConfig, type StdinOptions } from './config.js';
import { StdinSource, type StdinDeps } from './stdin.js';

export { StdinSource } from './stdin.js';
export type { StdinStats, StdinDeps } from './stdin.js';
export { stdinConfigSchema } from './config.js';
export type { StdinConfig, StdinOptions } from './config.js';

/** Validates options (defaults applied, unknown keys rejected) and builds the source. */
export function createStdinSource(options: StdinOptions, deps: StdinDeps = {}): StdinSource {
  return new StdinSource(stdinConfigSchema.parse(options), deps);
}

export const definition: ComponentDefinition<StdinConfig, Source> = {
  kind: 'source',
  type: 'stdin',
  configSchema: stdinConfigSchema,
  build(config: StdinConfig, ctx: ComponentContext): Source {
    return new StdinSource(config, { clock: ctx.clock });
  },
};
