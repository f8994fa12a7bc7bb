/**
 * @module bench/syslog
 * Syslog source throughput into a no-op pipeline, sender in the same process: TCP newline framing,
 * TCP octet counting (1,000-message writes, the writer honouring back-pressure), and UDP (datagrams
 * sent as fast as the event loop allows, 16 per turn; reports how many were received, dropped at the queue cap,
 * or lost in the kernel — UDP has no back-pressure).
 *
 * Usage: `npx tsx bench/syslog.bench.ts [--messages N]` (default 1,000,000 for TCP, N/10 for UDP).
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { createSyslogSource } from '../src/sources/syslog/index.js';

const i = process.argv.indexOf('--messages');
const N = i !== -1 ? Number(process.argv[i + 1]) : 1_000_000;
const LINE = '<13>1 2026-11-24T02:47:17.170597+00:00 vm app 1234 - - worker 17 finished job 4242 in 12 ms';

async function tcp(octet: boolean): Promise<void> {
  const src = createSyslogSource({ udp: null, tcp: { port: 0 } });
  const ac = new AbortController();
  let got = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((r) => (done = r));
  const running = src.run(async (b) => {
    got += b.records.length;
    if (got >= N) done();
  }, ac.signal);
  const port = (await src.ready()).tcp?.port ?? 0;
  const frame = octet ? `${Buffer.byteLength(LINE)} ${LINE}` : `${LINE}\n`;
  const chunk = Buffer.from(frame.repeat(1000));
  const t0 = performance.now();
  const s = connect(port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  for (let k = 0; k < N / 1000; k++) if (!s.write(chunk)) await new Promise((r) => s.once('drain', r));
  await all;
  const ms = performance.now() - t0;
  console.log(`tcp ${octet ? 'octet-counted' : 'newline'}: ${N} msgs of ${frame.length} B in ${ms.toFixed(0)} ms = ${((N / ms) * 1000).toFixed(0)} msgs/s (${((N * frame.length) / ms / 1e3).toFixed(0)} MB/s)`);
  s.destroy();
  ac.abort();
  await running;
}

async function udp(): Promise<void> {
  const n = Math.max(1, Math.floor(N / 10));
  const src = createSyslogSource({ udp: { port: 0 }, tcp: null });
  const ac = new AbortController();
  let got = 0;
  const running = src.run(async (b) => void (got += b.records.length), ac.signal);
  const port = (await src.ready()).udp?.port ?? 0;
  const sock = createSocket('udp4');
  const msg = Buffer.from(LINE);
  const t0 = performance.now();
  // send() completes synchronously and calls back on nextTick: yield to the event loop every 16
  // datagrams so the receiver (same process) gets to read; the kernel buffer holds only a few hundred.
  for (let k = 0; k < n; k++) {
    await new Promise<void>((r) => sock.send(msg, port, '127.0.0.1', () => r()));
    if ((k & 15) === 15) await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, 200));
  const ms = performance.now() - t0 - 200;
  const st = src.stats();
  console.log(`udp: sent ${n} datagrams in ${ms.toFixed(0)} ms (${((n / ms) * 1000).toFixed(0)}/s); emitted ${got}, dropped at the queue cap ${st.dropped}, lost before the socket ${n - st.received - st.dropped}`);
  sock.close();
  ac.abort();
  await running;
}

await tcp(false);
await tcp(true);
await udp();
console.log(`rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB, node ${process.version}`);
