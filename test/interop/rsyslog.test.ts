/**
 * rsyslog relaying a file, as its documentation configures it — imfile reads the file, omfwd sends
 * RFC 5424 (`RSYSLOG_SyslogProtocol23Format`) over TCP with octet-counted framing — to `anomalog
 * serve` with one `syslog` source. The test runs its own rsyslogd in the foreground with its own
 * config and work directory, and stops it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireComponent } from '../harness/ci.js';
import { type IngestService, startIngestService } from '../harness/ingest-service.js';
import { until } from '../harness/until.js';

const probe = spawnSync('rsyslogd', ['-v'], { encoding: 'utf8' });
const hasRsyslog = requireComponent(probe.status === 0, 'rsyslogd (the real syslog relay)', 'rsyslogd is missing: run scripts/provision-syslog.sh (installs Debian rsyslog; its service is not started).');

const dir = mkdtempSync(join(tmpdir(), 'anomalog-rsyslog-'));
let svc: IngestService;
let rsyslogd: ChildProcess | undefined;
let stderr = '';
/** The UDP port rsyslogd listens on as a relay for other hosts (imudp). */
let relayPort = 0;

afterAll(async () => {
  if (rsyslogd && rsyslogd.exitCode === null) {
    const exited = new Promise((r) => rsyslogd?.once('exit', r));
    rsyslogd.kill('SIGTERM');
    await exited;
  }
  await svc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasRsyslog)('rsyslog (imfile → omfwd, RFC 5424, octet-counted TCP)', () => {
  const file = join(dir, 'app.log');
  beforeAll(async () => {
    svc = await startIngestService([{ type: 'syslog', udp: null, tcp: { host: '127.0.0.1', port: 0 } }]);
    type Health = { sources: { id: string; tcp_port: number }[] };
    const port = await until('the syslog listener', async () => {
      const h = (await (await fetch(`${svc.url}/api/health`)).json()) as Health;
      const p = h.sources.find((s) => s.id === 'syslog')?.tcp_port;
      return p !== undefined && p > 0 ? p : undefined;
    });
    writeFileSync(file, '');
    relayPort = await freeUdpPort();
    const conf = join(dir, 'rsyslog.conf');
    writeFileSync(
      conf,
      `global(workDirectory="${dir}")
module(load="imfile" mode="polling" PollingInterval="1")
module(load="imudp")
input(type="imfile" File="${file}" Tag="billing" Facility="local0" Severity="warning" ruleset="relay")
input(type="imudp" address="127.0.0.1" port="${relayPort}" ruleset="relay")
ruleset(name="relay") {
  action(type="omfwd" target="127.0.0.1" port="${port}" protocol="tcp" TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")
}
`,
    );
    rsyslogd = spawn('rsyslogd', ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
    rsyslogd.stderr?.on('data', (d: Buffer) => void (stderr += d.toString()));
  });

  it('relays every line of the file: message, level from the configured severity, app name, host, time of reading', async () => {
    const n = 60;
    const lines = Array.from({ length: n }, (_, i) => (i % 6 === 0 ? `invoice ${i} rejected: card 4${i} expired` : `invoice ${i} paid by customer ${i * 13}`));
    const t0 = Date.now() - 1000;
    appendFileSync(file, lines.join('\n') + '\n');
    // source_by's default, [hostname, appname]: this host's billing program is one record source.
    const got = await svc.waitFor(/^syslog:[^/]+\/billing$/, n, 30_000).catch((e: Error) => {
      throw new Error(`${e.message} rsyslogd ${rsyslogd?.exitCode === null ? 'running' : `exited ${rsyslogd?.exitCode}`}; its stderr: ${stderr.slice(0, 2000) || '(none)'}`);
    });
    const t1 = Date.now() + 1000;
    expect(got.map((e) => e.message).sort()).toEqual([...lines].sort());
    for (const e of got) {
      expect(e.level).toBe('warn');
      expect(e.ts).toBeGreaterThanOrEqual(t0);
      expect(e.ts).toBeLessThanOrEqual(t1);
      expect(e.fields).toMatchObject({ appname: 'billing', facility: 16, severity: 4 });
      // rsyslog sends the short host name unless preserveFQDN is on.
      expect([hostname(), hostname().split('.')[0]]).toContain(e.fields?.hostname);
      expect(e.source).toBe(`syslog:${String(e.fields?.hostname).replace(/[^\w.\-:@]/g, '_')}/billing`);
      expect(e.attrs).toMatchObject({ transport: 'tcp', remote: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
    }
    // rsyslog kept its place in the file (imfile state in the work directory).
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(n);
  });

  it('relays two hosts and their programs (imudp → omfwd) as separate record sources, each with its header attributes', async () => {
    // What remote hosts send to a relay: RFC 5424 with their own HOSTNAME and APP-NAME.
    const hosts = [
      { host: 'web-a', app: 'nginx', text: (i: number) => `GET /item/${i} 200 ${i + 3} ms` },
      { host: 'web-b', app: 'cron', text: (i: number) => `job ${i} finished after ${i * 2} s` },
    ];
    const n = 12;
    const sock = createSocket('udp4');
    try {
      for (let i = 0; i < n; i++) {
        for (const h of hosts) {
          const msg = `<134>1 2026-12-06T10:00:${String(i).padStart(2, '0')}.000Z ${h.host} ${h.app} ${100 + i} REQ [origin@32473 rack="r${i % 2}"] ${h.text(i)}`;
          await new Promise<void>((resolve, reject) => sock.send(msg, relayPort, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
        }
      }
    } finally {
      sock.close();
    }
    for (const h of hosts) {
      const got = await svc.waitFor(`syslog:${h.host}/${h.app}`, n, 30_000).catch((e: Error) => {
        throw new Error(`${e.message} rsyslogd's stderr: ${stderr.slice(0, 2000) || '(none)'}`);
      });
      expect(got.map((e) => e.message).sort()).toEqual(Array.from({ length: n }, (_, i) => h.text(i)).sort());
      for (const e of got) {
        const i = Number(e.fields?.procid) - 100;
        expect(e.level).toBe('info');
        expect(e.ts).toBe(Date.parse(`2026-12-06T10:00:${String(i).padStart(2, '0')}.000Z`));
        expect(e.fields).toMatchObject({ hostname: h.host, appname: h.app, msgid: 'REQ', facility: 16, severity: 6, sd: { 'origin@32473': { rack: `r${i % 2}` } } });
        expect(e.attrs).toMatchObject({ transport: 'tcp' });
      }
    }
    // Nothing of theirs went to one shared source.
    expect(svc.events.filter((e) => e.source === 'syslog' || e.source.endsWith('_overflow'))).toEqual([]);
  });
});

/** A UDP port free now (bound to 0, read, released) for rsyslogd's imudp. */
async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
