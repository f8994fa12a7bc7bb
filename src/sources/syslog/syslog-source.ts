/**
 * @module sources/syslog/syslog-source
 * Syslog over UDP (one datagram, one message) and TCP (RFC 6587 framing, see framing.ts). Messages
 * are queued and emitted in batches (`max_batch_messages`, or `batch_wait_ms` after the first);
 * each emit is awaited, and while it is in flight — or while the queue is over
 * `max_queued_messages` — TCP sockets are paused, so a slow pipeline slows TCP senders through the
 * kernel's windows. UDP has no back-pressure: datagrams that arrive while the queue is full are
 * dropped and counted. Network input cannot be replayed, so `ack` persists nothing; cursors are
 * `{ kind: 'stream', id: <source id>, offset: <messages emitted so far> }`.
 */
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { Logger } from '../../core/component.js';
import { silentLogger } from '../../core/component.js';
import type { Cursor } from '../../core/event.js';
import { AnomalogError } from '../../core/errors.js';
import type { RawBatch, RawRecord, Source, SourceStats } from '../../core/source.js';
import { SyslogFormat } from '../../parsers/formats/syslog.js';
import { lookup, SourceBy } from '../shared/source-by.js';
import type { SyslogConfig } from './config.js';
import { datagramText, TcpFramer } from './framing.js';

export interface SyslogStats extends SourceStats {
  /** Messages cut at `max_message_bytes`. */
  truncated: number;
  /** TCP connections closed for garbage framing. */
  framing_errors: number;
  /** TCP connections refused over `max_connections`. */
  rejected_connections: number;
  /** TCP connections open now. */
  connections: number;
  /** Messages waiting for the pipeline now. */
  queued: number;
  /** Bound ports (0 until listening, or when that transport is off). */
  udp_port: number;
  tcp_port: number;
  /** Messages sent to the overflow source: `source_by` reached `pipeline.max_sources` ids. */
  overflow_records: number;
}

export interface SyslogDeps {
  clock?: Clock;
  logger?: Logger;
  /** `pipeline.max_sources`: most record sources `source_by` opens (default 1000). */
  maxSources?: number;
}

export interface SyslogAddresses {
  udp?: { host: string; port: number };
  tcp?: { host: string; port: number };
}

interface Conn {
  framer: TcpFramer;
  attrs: Readonly<Record<string, unknown>>;
}

export class SyslogSource implements Source {
  readonly id: string;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private queue: RawRecord[] = [];
  private readonly conns = new Map<Socket, Conn>();
  private readonly out: string[] = [];
  /** `source_by` and the header reader it needs (the message's own header names its source). */
  private readonly by: SourceBy;
  private readonly headers = new SyslogFormat();
  private tcp: Server | null = null;
  private udp: UdpSocket | null = null;
  private paused = false;
  private emitted = 0;
  private acked: Cursor | undefined;
  /** Resolves the run loop's current wait (queue reached `wakeAt`, timer, or abort). */
  private waiter: (() => void) | null = null;
  private wakeAt = 1;
  private readonly st: SyslogStats = {
    received: 0, bytes: 0, dropped: 0, errors: 0, truncated: 0, framing_errors: 0,
    rejected_connections: 0, connections: 0, queued: 0, udp_port: 0, tcp_port: 0, overflow_records: 0,
  };
  private readonly readyP: Promise<SyslogAddresses>;
  private resolveReady: (a: SyslogAddresses) => void = () => undefined;

  constructor(private readonly cfg: SyslogConfig, deps: SyslogDeps = {}) {
    if (cfg.udp === null && cfg.tcp === null) {
      throw new AnomalogError('ANOMALOG_ERR_CONFIG_INVALID', 'The syslog source needs a udp or a tcp listener; both are null.', {
        hint: 'Set `udp: { port: 5514 }` or `tcp: { port: 5514 }` (or leave one out to get its default).',
      });
    }
    this.id = cfg.source_id;
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? silentLogger;
    this.by = new SourceBy(cfg.source_by, deps.maxSources ?? 1000, this.logger);
    this.readyP = new Promise((r) => (this.resolveReady = r));
  }

  /** Resolves with the bound addresses once `run()` is listening (port 0 → the port picked). */
  ready(): Promise<SyslogAddresses> {
    return this.readyP;
  }

  stats(): SyslogStats {
    return { ...this.st, connections: this.conns.size, queued: this.queue.length, overflow_records: this.by.overflowRecords };
  }

  /** The last acknowledged cursor (nothing is persisted: network input cannot be replayed). */
  lastAcked(): Cursor | undefined {
    return this.acked;
  }

  ack(cursor: Cursor): void {
    if (cursor.kind !== 'stream' || cursor.id !== this.id) return;
    if (this.acked === undefined || cursor.offset > this.acked.offset) this.acked = cursor;
  }

  async run(emit: (batch: RawBatch) => Promise<void>, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    // On abort the listeners close at once (no new input); the emit in flight still finishes.
    let closing: Promise<void> | null = null;
    const onAbort = (): void => {
      closing = this.close();
      this.wake(true);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await this.listen();
      while (!signal.aborted) {
        if (this.queue.length === 0) await this.wait(1, -1);
        if (signal.aborted) break;
        if (this.queue.length < this.cfg.max_batch_messages && this.cfg.batch_wait_ms > 0) await this.wait(this.cfg.max_batch_messages, this.cfg.batch_wait_ms);
        if (signal.aborted) break;
        const records = this.take();
        this.emitted += records.length;
        this.setPaused(true);
        await emit({ records, cursor: { kind: 'stream', id: this.id, offset: this.emitted } });
        if (this.queue.length < this.cfg.max_queued_messages) this.setPaused(false);
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      await (closing ?? this.close());
      // Received but never handed to the pipeline (the sender cannot be asked again).
      this.st.dropped += this.queue.length;
      this.queue = [];
    }
  }

  private take(): RawRecord[] {
    const max = this.cfg.max_batch_messages;
    if (this.queue.length <= max) {
      const all = this.queue;
      this.queue = [];
      return all;
    }
    return this.queue.splice(0, max);
  }

  /** Waits until the queue holds `atLeast` messages, `ms` pass (-1: no timer), or abort. */
  private wait(atLeast: number, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      this.wakeAt = atLeast;
      this.waiter = () => {
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
      if (ms >= 0) timer = setTimeout(() => this.wake(true), ms);
      if (this.queue.length >= atLeast) this.wake(true);
    });
  }

  private wake(force: boolean): void {
    const w = this.waiter;
    if (w === null || (!force && this.queue.length < this.wakeAt)) return;
    this.waiter = null;
    w();
  }

  private async listen(): Promise<void> {
    const addrs: SyslogAddresses = {};
    const { udp, tcp } = this.cfg;
    if (udp !== null) {
      const sock = createSocket({ type: udp.host.includes(':') ? 'udp6' : 'udp4' });
      this.udp = sock;
      sock.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo));
      sock.on('error', (e) => this.countError('UDP socket error.', e));
      await bind('udp', udp.host, udp.port, (done) => {
        sock.once('error', done);
        sock.bind(udp.port, udp.host, () => {
          sock.off('error', done);
          done();
        });
      });
      const a = sock.address();
      addrs.udp = { host: a.address, port: a.port };
      this.st.udp_port = a.port;
    }
    if (tcp !== null) {
      const server = createServer((s) => this.onConnection(s));
      this.tcp = server;
      server.on('error', (e) => this.countError('TCP server error.', e));
      await bind('tcp', tcp.host, tcp.port, (done) => {
        server.once('error', done);
        server.listen(tcp.port, tcp.host, () => {
          server.off('error', done);
          done();
        });
      });
      const a = server.address();
      if (a !== null && typeof a === 'object') {
        addrs.tcp = { host: a.address, port: a.port };
        this.st.tcp_port = a.port;
      }
    }
    this.resolveReady(addrs);
  }

  private async close(): Promise<void> {
    const waits: Promise<void>[] = [];
    const server = this.tcp;
    if (server !== null) {
      waits.push(new Promise((r) => server.close(() => r())));
      for (const s of this.conns.keys()) s.destroy();
      this.conns.clear();
      this.tcp = null;
    }
    const sock = this.udp;
    if (sock !== null) {
      waits.push(new Promise((r) => sock.close(() => r())));
      this.udp = null;
    }
    await Promise.all(waits);
  }

  private onDatagram(msg: Buffer, rinfo: RemoteInfo): void {
    this.st.bytes += msg.length;
    if (this.queue.length >= this.cfg.max_queued_messages) {
      this.st.dropped++;
      return;
    }
    const d = datagramText(msg, this.cfg.max_message_bytes);
    if (d === null) return;
    if (d.truncated) this.st.truncated++;
    this.st.received++;
    this.queue.push({ source: this.recordSource(d.text), text: d.text, arrivalTs: this.clock.now(), attrs: { transport: 'udp', remote: `${rinfo.address}:${rinfo.port}` } });
    this.wake(false);
  }

  private onConnection(s: Socket): void {
    if (this.conns.size >= this.cfg.max_connections) {
      this.st.rejected_connections++;
      s.destroy();
      return;
    }
    const conn: Conn = {
      framer: new TcpFramer(this.cfg.max_message_bytes),
      attrs: Object.freeze({ transport: 'tcp', remote: `${s.remoteAddress ?? '?'}:${s.remotePort ?? 0}` }),
    };
    this.conns.set(s, conn);
    if (this.paused) s.pause();
    s.on('data', (chunk: Buffer) => this.onData(s, conn, chunk));
    s.on('end', () => this.onEnd(s, conn));
    s.on('error', (e) => this.countError('TCP connection error.', e));
    s.on('close', () => this.conns.delete(s));
  }

  private onData(s: Socket, conn: Conn, chunk: Buffer): void {
    this.st.bytes += chunk.length;
    const out = this.out;
    out.length = 0;
    const before = conn.framer.truncated;
    const err = conn.framer.push(chunk, out);
    this.st.truncated += conn.framer.truncated - before;
    this.enqueue(out, conn);
    if (err !== null) {
      this.st.errors++;
      this.st.framing_errors++;
      this.logger.warn('Closing a syslog TCP connection: its bytes are not syslog framing.', { remote: conn.attrs.remote, reason: err });
      this.conns.delete(s);
      s.destroy();
      return;
    }
    if (this.queue.length >= this.cfg.max_queued_messages) s.pause();
  }

  private onEnd(s: Socket, conn: Conn): void {
    const out = this.out;
    out.length = 0;
    if (!conn.framer.end(out)) this.st.dropped++;
    this.enqueue(out, conn);
    this.conns.delete(s);
  }

  private enqueue(texts: string[], conn: Conn): void {
    if (texts.length === 0) return;
    const now = this.clock.now();
    for (let i = 0; i < texts.length; i++) this.queue.push({ source: this.recordSource(texts[i]), text: texts[i], arrivalTs: now, attrs: conn.attrs });
    this.st.received += texts.length;
    this.wake(false);
  }

  /** The record source of a message: `source_id`, split by `source_by` on the message's header. */
  private recordSource(text: string): string {
    if (!this.by.active) return this.id;
    const h = this.headers.header(text);
    return h === undefined ? this.id : this.by.id(this.id, (k) => lookup(h, k));
  }

  private setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    for (const s of this.conns.keys()) {
      if (paused) s.pause();
      else s.resume();
    }
  }

  private countError(msg: string, e: Error): void {
    this.st.errors++;
    this.logger.warn(msg, { source: this.id, error: e.message });
  }
}

/** Runs a bind and turns its failure (port in use, bad host) into a clear error. */
async function bind(transport: 'udp' | 'tcp', host: string, port: number, start: (done: (e?: Error) => void) => void): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => start((e) => (e === undefined ? resolve() : reject(e))));
  } catch (e) {
    throw new AnomalogError('ANOMALOG_ERR_CONFIG_INVALID', `The syslog source cannot listen on ${transport} ${host}:${port}: ${(e as Error).message}.`, {
      hint: `Choose another \`${transport}.port\` or \`${transport}.host\`, or set \`${transport}: null\`.`,
      cause: e,
    });
  }
}
