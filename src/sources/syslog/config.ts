/**
 * @module sources/syslog/config
 * Strict schema of the syslog source (defaults live here). Listeners bind to loopback unless told
 * otherwise; `null` turns a transport off.
 */
import { z } from 'zod';
import { sourceBySchema } from '../shared/config.js';

/**
 * A relay carries many hosts and programs, and RFC 5424 names the originator of a message by
 * HOSTNAME and APP-NAME: each program on each host gets its own baseline. `procid` changes with every
 * restart, so it is not in the default.
 */
export const DEFAULT_SYSLOG_SOURCE_BY = ['hostname', 'appname'] as const;

const listener = (port: number) =>
  z
    .object({
      /** Address to bind (`0.0.0.0` or `::` to accept remote senders). */
      host: z.string().min(1).default('127.0.0.1'),
      /** Port to bind; 0 picks a free one (the bound port is in `stats()`). */
      port: z.number().int().min(0).max(65_535).default(port),
    })
    .strict();

export const syslogConfigSchema = z
  .object({
    /** UDP listener (one datagram = one message), or null for none. */
    udp: listener(5514).nullable().prefault({}),
    /** TCP listener (RFC 6587 octet counting or newline framing), or null for none. */
    tcp: listener(5514).nullable().prefault({}),
    /** Longest message kept, in bytes; longer ones are truncated and counted. */
    max_message_bytes: z.number().int().min(256).max(16 * 1024 * 1024).default(64 * 1024),
    /** Open TCP connections at most; further ones are closed at once and counted. */
    max_connections: z.number().int().min(1).max(65_536).default(256),
    /** Messages held between the sockets and the pipeline; UDP datagrams beyond it are dropped. */
    max_queued_messages: z.number().int().min(1).max(10_000_000).default(10_000),
    /** Messages per emitted batch at most. */
    max_batch_messages: z.number().int().min(1).max(100_000).default(1000),
    /** A batch is emitted this long after its first message at the latest (ms). */
    batch_wait_ms: z.number().int().min(0).max(60_000).default(50),
    /** Source id of the records (their parser state is keyed by it). Records are parsed as syslog unless `format` says otherwise. */
    source_id: z.string().min(1).default('syslog'),
    /**
     * Header fields whose values split the messages into record sources: `<source_id>:<v1>/<v2>`
     * (`syslog:web-1/nginx`; `-` for a missing one). Names: `hostname`, `appname`, `procid`, `msgid`,
     * `facility`, `severity`, `sd.<id>.<param>`. `[]`: one source for all. At most
     * `pipeline.max_sources` ids; later new ones share `<source_id>:_overflow` (counted, logged).
     */
    source_by: sourceBySchema(DEFAULT_SYSLOG_SOURCE_BY),
  })
  .strict();

export type SyslogConfig = z.infer<typeof syslogConfigSchema>;
export type SyslogOptions = z.input<typeof syslogConfigSchema>;
