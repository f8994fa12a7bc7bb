/**
 * @module sources/syslog
 * The `syslog` source: RFC 3164 and RFC 5424 messages over UDP and TCP (RFC 6587 octet counting
 * and newline framing), loopback by default. Records carry the message as received; the engine
 * parses sources whose id starts with `syslog` with the syslog format.
 * @example
 * sources:
 *   - type: syslog
 *     udp: { host: 0.0.0.0, port: 5514 }
 *     tcp: { host: 0.0.0.0, port: 5514 }
 */
import type { ComponentContext, ComponentDefinition } from '../../core/component.js';
import type { Source } from '../../core/source.js';
import { syslogConfigSchema, type SyslogConfig, type SyslogOptions } from './config.js';
import { SyslogSource, type SyslogDeps } from './syslog-source.js';

export { SyslogSource } from './syslog-source.js';
export type { SyslogAddresses, SyslogDeps, SyslogStats } from './syslog-source.js';
export { syslogConfigSchema } from './config.js';
export type { SyslogConfig, SyslogOptions } from './config.js';
export { datagramText, TcpFramer } from './framing.js';

/** Validates options (defaults applied, unknown keys rejected) and builds the source. */
export function createSyslogSource(options: SyslogOptions, deps: SyslogDeps = {}): SyslogSource {
  return new SyslogSource(syslogConfigSchema.parse(options), deps);
}

export const definition: ComponentDefinition<SyslogConfig, Source> = {
  kind: 'source',
  type: 'syslog',
  configSchema: syslogConfigSchema,
  build(config: SyslogConfig, ctx: ComponentContext): Source {
    return new SyslogSource(config, { clock: ctx.clock, logger: ctx.logger, maxSources: ctx.maxSources });
  },
};
