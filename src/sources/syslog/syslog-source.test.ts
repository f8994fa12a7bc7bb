import { execFile, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceContract, waitFor } from '../../../test/contract/source.contract.js';
import type { Cursor } from '../../core/event.js';
import type { RawBatch } from '../../core/source.js';
import { SyslogFormat } from '../../parsers/formats/syslog.js';
import { createSyslogSource } from './index.js';
import type { SyslogOptions } from './config.js';
import type { SyslogSource } from './syslog-source.js';
import { requireComponent } from '../../../test/harness/ci.js';

const run = promisify(execFile);
const PROVISION = 'scripts/provision-syslog.sh';
const probe = spawnSync('logger', ['--help'], { encoding: 'utf8' });
const hasLogger = requireComponent(
  probe.status === 0 && `${probe.stdout}${probe.stderr}`.includes('--octet-count'),
  'util-linux logger (the real syslog sender)',
  `util-linux \`logger\` with --octet-count is missing: run ${PROVISION} (installs Debian bsdutils).`,
);

const dir = mkdtempSync(join(tmpdir(), 'anomalog-syslog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  source: SyslogSource;
  batches: RawBatch[];
  texts(): string[];
  udp: number;
  tcp: number;
  stop(): Promise<void>;
}

async function start(options: SyslogOptions = {}, onBatch?: () => Promise<void>): Promise<Running> {
  const source = createSyslogSource({ udp: { port: 0 }, tcp: { port: 0 }, batch_wait_ms: 5, ...options });
  const ac = new AbortController();
  const batches: RawBatch[] = [];
  const done = source.run(async (b) => {
    batches.push(b);
    if (onBatch) await onBatch();
  }, ac.signal);
  const a = await source.ready();
  return {
    source,
    batches,
    texts: () => batches.flatMap((b) => b.records.map((r) => r.text)),
    udp: a.udp?.port ?? 0,
    tcp: a.tcp?.port ?? 0,
    stop: async () => {
      ac.abort();
      await done;
    },
  };
}

/** A TCP client; `closed` resolves when the server closes it. */
async function client(port: number): Promise<{ sock: Socket; send(s: string | Buffer): Promise<void>; closed: Promise<void> }> {
  const sock = connect(port, '127.0.0.1');
  await new Promise<void>((r, j) => sock.once('connect', () => r()).once('error', j));
  sock.on('error', () => undefined);
  const closed = new Promise<void>((r) => sock.once('close', () => r()));
  return { sock, closed, send: (s) => new Promise<void>((r, j) => sock.write(s, (e) => (e ? j(e) : r()))) };
}

const logger = (port: number, ...args: string[]) => run('logger', ['--server', '127.0.0.1', '--port', String(port), ...args]);

describe.skipIf(!hasLogger)('syslog source with util-linux logger as the sender', () => {
  it('receives RFC 5424 and RFC 3164 messages over UDP, in order, and they parse as syslog', async () => {
    const r = await start();
    try {
      for (let i = 0; i < 3; i++) await logger(r.udp, '--udp', '--rfc5424', '-t', 'billing', '--msgid', 'PAY', `charge ${i} accepted`);
      for (let i = 0; i < 3; i++) await logger(r.udp, '--udp', '--rfc3164', '-t', 'sshd', '-p', 'auth.err', `failed login ${i}`);
      await waitFor(() => r.texts().length >= 6, 10_000, 'six datagrams');
      const t = r.texts();
      expect(t).toHaveLength(6);
      for (let i = 0; i < 3; i++) expect(t[i]).toMatch(new RegExp(`^<13>1 \\S+ \\S+ billing \\S+ PAY \\[.*\\] charge ${i} accepted$`));
      for (let i = 0; i < 3; i++) expect(t[3 + i]).toMatch(new RegExp(`^<35>[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\S+ sshd: failed login ${i}$`));
      const fmt = new SyslogFormat();
      const rec5424 = fmt.extract(t[0], 1, 0, 'syslog');
      expect(rec5424).toMatchObject({ message: 'charge 0 accepted', level: 'notice', fields: { appname: 'billing', msgid: 'PAY' } });
      const rec3164 = fmt.extract(t[5], 1, 0, 'syslog');
      expect(rec3164).toMatchObject({ message: 'failed login 2', level: 'error', fields: { appname: 'sshd', facility: 4 } });
      // source_by's default, [hostname, appname]: the sender's host and tag name the record source.
      expect(r.batches[0].records[0]).toMatchObject({ source: expect.stringMatching(/^syslog:[^/]+\/billing$/), attrs: { transport: 'udp' } });
      expect(r.batches.flatMap((b) => b.records).at(-1)?.source).toMatch(/^syslog:[^/]+\/sshd$/);
      const st = r.source.stats();
      expect(st.received).toBe(6);
      expect(st.bytes).toBeGreaterThanOrEqual(t.reduce((n, x) => n + Buffer.byteLength(x), 0));
      expect(st.dropped).toBe(0);
    } finally {
      await r.stop();
    }
  });

  it('takes octet-counted TCP (a newline inside a message stays in it) and newline-framed TCP, in order per connection', async () => {
    const r = await start();
    try {
      await logger(r.tcp, '--tcp', '--octet-count', '--rfc5424', '-t', 'app', 'first line\nsecond line of the same message');
      const file = join(dir, 'lines.txt');
      const lines = Array.from({ length: 40 }, (_, i) => `worker ${i} finished job ${i * 7}`);
      writeFileSync(file, lines.join('\n') + '\n');
      await logger(r.tcp, '--tcp', '--octet-count', '--rfc3164', '-t', 'oc', '-f', file);
      await logger(r.tcp, '--tcp', '--rfc5424', '-t', 'nl', '-f', file);
      await waitFor(() => r.texts().length >= 81, 10_000, '81 messages');
      const t = r.texts();
      expect(t).toHaveLength(81);
      expect(t[0]).toMatch(/\] first line\nsecond line of the same message$/);
      expect(t.slice(1, 41).map((x) => x.replace(/^.* oc: /, ''))).toEqual(lines);
      expect(t.slice(41).map((x) => x.replace(/^.* nl - - \[.*?\] /, ''))).toEqual(lines);
      expect(r.batches[0].records[0].attrs).toMatchObject({ transport: 'tcp' });
    } finally {
      await r.stop();
    }
  });

  it('truncates a message over max_message_bytes, counts it, and keeps the frames after it', async () => {
    const r = await start({ max_message_bytes: 1024 });
    try {
      const c = await client(r.tcp);
      await logger(r.tcp, '--tcp', '--octet-count', '--size', '8000', '--rfc3164', '-t', 'big', 'y'.repeat(5000));
      await c.send(`short before\n${'z'.repeat(4000)}`);
      await c.send(`${'z'.repeat(3000)}\nshort after\n`);
      await c.send(`18 octet frame after\n`);
      await waitFor(() => r.texts().length >= 5, 10_000, 'five messages');
      const t = r.texts();
      const big = t.find((x) => x.includes(' big: '));
      expect(Buffer.byteLength(big ?? '')).toBe(1024);
      expect(t.filter((x) => !x.includes(' big: '))).toEqual(['short before', 'z'.repeat(1024), 'short after', 'octet frame after']);
      expect(r.source.stats().truncated).toBe(2);
      c.sock.destroy();
    } finally {
      await r.stop();
    }
  });
});

describe('syslog source framing and lifecycle (node sockets)', () => {
  it('detects the framing per message: octet counting and LF/CRLF lines mixed on one connection, split anywhere', async () => {
    const r = await start({ udp: null });
    try {
      const c = await client(r.tcp);
      const stream = '<13>1 - h app - - - one\r\n11 <13>1 two\nx\n\n<14>three\n15 <13>four\nfour b';
      for (let i = 0; i < stream.length; i += 3) await c.send(stream.slice(i, i + 3));
      await c.send('<13>tail without newline');
      c.sock.end();
      await waitFor(() => r.texts().length >= 5, 10_000, 'five messages');
      expect(r.texts()).toEqual(['<13>1 - h app - - - one', '<13>1 two\nx', '<14>three', '<13>four\nfour b', '<13>tail without newline']);
    } finally {
      await r.stop();
    }
  });

  it('closes a connection with garbage framing and counts it; the other connections go on', async () => {
    const r = await start({ udp: null });
    try {
      const good = await client(r.tcp);
      await good.send('<13>before\n');
      const bad = await client(r.tcp);
      await bad.send('<13>valid first\n12x not a count\n');
      await bad.closed;
      const tls = await client(r.tcp);
      await tls.send(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]));
      await tls.closed;
      await good.send('<13>after\n');
      await waitFor(() => r.texts().length >= 3, 10_000, 'three messages');
      expect(r.texts()).toEqual(['<13>before', '<13>valid first', '<13>after']);
      const st = r.source.stats();
      expect(st.framing_errors).toBe(2);
      expect(st.errors).toBe(2);
      expect(st.connections).toBe(1);
      good.sock.destroy();
    } finally {
      await r.stop();
    }
  });

  it('pauses TCP while an emit is in flight and drops UDP beyond max_queued_messages', async () => {
    let release: () => void = () => undefined;
    let gate: Promise<void> = Promise.resolve();
    const r = await start({ max_queued_messages: 5 }, () => gate);
    try {
      gate = new Promise<void>((res) => (release = res));
      const c = await client(r.tcp);
      await c.send('<13>first\n');
      await waitFor(() => r.batches.length === 1, 10_000, 'an emit in flight');
      await c.send('<13>while paused 1\n<13>while paused 2\n');
      const udp = createSocket('udp4');
      for (let i = 0; i < 20; i++) await new Promise<void>((res) => udp.send(`<13>dgram ${i}`, r.udp, '127.0.0.1', () => res()));
      await waitFor(() => r.source.stats().received + r.source.stats().dropped >= 21, 10_000, 'the datagrams');
      const st = r.source.stats();
      expect(st.received).toBe(6);
      expect(st.dropped).toBe(15);
      release();
      await waitFor(() => r.texts().length >= 8, 10_000, 'the queued messages and the paused TCP data');
      const t = r.texts();
      expect(t.slice(1, 6)).toEqual([0, 1, 2, 3, 4].map((i) => `<13>dgram ${i}`));
      expect(t.slice(6)).toEqual(['<13>while paused 1', '<13>while paused 2']);
      udp.close();
      c.sock.destroy();
    } finally {
      release();
      await r.stop();
    }
  });

  it('on abort lets the emit in flight finish, closes the listeners and resolves', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((res) => (release = res));
    const r = await start({}, () => gate);
    const c = await client(r.tcp);
    await c.send('<13>in flight\n');
    await waitFor(() => r.batches.length === 1, 10_000, 'an emit in flight');
    let resolved = false;
    const stopping = r.stop().then(() => (resolved = true));
    await c.closed;
    await new Promise((res) => setTimeout(res, 30));
    expect(resolved).toBe(false);
    release();
    await stopping;
    const refused = await new Promise<string>((res) => connect(r.tcp, '127.0.0.1').once('error', (e: NodeJS.ErrnoException) => res(e.code ?? '')).once('connect', () => res('connected')));
    expect(refused).toBe('ECONNREFUSED');
    expect(r.batches).toHaveLength(1);
  });

  it('refuses connections over max_connections', async () => {
    const r = await start({ udp: null, max_connections: 1 });
    try {
      const a = await client(r.tcp);
      await waitFor(() => r.source.stats().connections === 1, 10_000, 'the first connection');
      const b = await client(r.tcp);
      await b.closed;
      expect(r.source.stats().rejected_connections).toBe(1);
      await a.send('<13>still here\n');
      await waitFor(() => r.texts().length >= 1, 10_000, 'a message');
      expect(r.texts()).toEqual(['<13>still here']);
      a.sock.destroy();
    } finally {
      await r.stop();
    }
  });
});

sourceContract('syslog (TCP, newline framing)', async () => {
  const source = createSyslogSource({ udp: null, tcp: { port: 0 }, batch_wait_ms: 5 });
  let sock: Awaited<ReturnType<typeof client>> | null = null;
  return {
    source,
    async write(lines: string[]) {
      if (sock === null) sock = await client((await source.ready()).tcp?.port ?? 0);
      await sock.send(lines.map((l) => `${l}\n`).join(''));
    },
    committed: (): Cursor | undefined => source.lastAcked(),
    async cleanup() {
      sock?.sock.destroy();
    },
  };
});
