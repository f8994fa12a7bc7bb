/**
 * @module bench/soak/run
 * The soak (issue 17): one `anomalog serve --config` with file_tail + http + syslog sources and a
 * webhook sink, fed mixed Loghub lines at a steady rate, in two phases.
 *  1. Steady (`steadySeconds`): the alert receiver cycles ok → timeout → 500 → 429 → gone every
 *     `receiverPeriodSeconds`; the file is rotated (rename) and deleted + created again; the wall
 *     clock steps +1 h, −1 h, −1 h, +1 h at ¼, ½, ¾ and the end (see clock-offset.mjs); a novel
 *     ERROR line every `probeSeconds` so anomalies and alerts keep flowing. RSS and counters are
 *     sampled from `/api/health`.
 *  2. Faults: `kills` times, after a random 2–12 s, the service is killed with SIGKILL, stays down a
 *     random 0.5–3 s (the file sometimes rotated meanwhile) and is restarted on the same data dir.
 * Then traffic stops, the receiver answers ok, the service drains, and everything is read back
 * (readings.ts). The receiver (receiver.ts) keeps the alert ledger. check.ts judges the result.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { letters, loadCorpus, novelLine, watchFeed } from '../serve/corpus.js';
import { RECEIVER_MODES, SoakReceiver } from './receiver.js';
import { allAnomalies, durableCounts, durableCountsInStore, health, outboxGauges, parsedCounts, type PerTransport, type StoredAnomaly, TRANSPORTS, zero } from './readings.js';
import { SoakService, sleep } from './service.js';
import { FileFeed, HttpFeed, LineCycle, sentWithin, SyslogFeed } from './traffic.js';
import { rng } from '../../test/harness/rng.js';

export interface SoakOptions {
  /** argv that runs the CLI up to (not including) `serve`: `[node, …node flags, script]`. */
  command: string[];
  dataset: string;
  steadySeconds: number;
  kills: number;
  /** Lines per second over the three transports together. */
  rate: number;
  receiverPeriodSeconds: number;
  rotateSeconds: number;
  deleteSeconds: number;
  probeSeconds: number;
  sampleSeconds: number;
  checkpointMs: number;
  seed: number;
  dir?: string;
  log?: (msg: string) => void;
}

export interface RestartRecord {
  kill: number;
  atSeconds: number;
  downMs: number;
  rotatedWhileDown: boolean;
  sentAtKill: PerTransport;
  /** Lines each transport sent in two checkpoint intervals + 250 ms before the kill (and until the feeds paused). */
  sentInLastInterval: PerTransport;
  /** Lines the killed process had parsed, read just before the kill. */
  parsedBeforeKill: PerTransport;
  /** Store counts as the killed process left them (read from the store file while it is down). */
  durableAtKill: PerTransport;
  /** Seconds after the restart until every line written to the file before the kill was counted (-1: never). */
  fileCaughtUpSeconds: number;
}

export interface Sample {
  t: number;
  phase: 'steady' | 'faults' | 'drain';
  rssMiB: number;
  /** Per thread: V8 heap in use and held (MiB); external memory of all threads and the main thread's array buffers. */
  heapMiB: Record<string, number>;
  heapTotalMiB: Record<string, number>;
  externalMiB: number;
  arrayBuffersMiB: number;
  records: number;
  /** Outbox rows due now and not sent / failed at least once and not delivered (`/metrics`). */
  due: number;
  retrying: number;
  receiverMode: string;
  clockOffsetMs: number;
}

export interface SoakResult {
  options: Omit<SoakOptions, 'log'>;
  corpus: string;
  dir: string;
  startedAt: string;
  wallSeconds: number;
  loadavg: number[];
  sent: PerTransport;
  /** The reading at the end of the steady phase (before any kill). */
  settled: { atSeconds: number; sent: PerTransport; durable: PerTransport; waitedSeconds: number };
  parsedOverLifetimes: PerTransport;
  durable: PerTransport;
  restarts: RestartRecord[];
  samples: Sample[];
  httpLatencyMs: number[];
  httpRetries: number;
  probes: { sent: number; seen: number; latencyMs: number[] };
  anomalies: StoredAnomaly[];
  /** Anomalies found again whose id the store already held (not stored twice), summed over processes. */
  reFound: number;
  clockSteps: { atSeconds: number; offsetMs: number }[];
  receiver: { requests: Record<string, number>; deliveredAlerts: number; deliveredAtSeconds: number[]; firingById: [string, number][]; resolvedByEpisode: [string, number][]; notAccepted: number };
  /** Outbox gauges and the last process's sink counters after the drain. */
  sinkAtEnd: { pending: number; due: number; retrying: number; sent: number; dropped: number } | undefined;
  /** Receiver mode changes (seconds from the start of traffic). */
  receiverModes: { atSeconds: number; mode: string }[];
  drained: boolean;
  unexpectedExits: string[];
  file: { rotations: number; deletions: number };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const log = o.log ?? (() => {});
  const t0Wall = performance.now();
  const startedAt = new Date().toISOString();
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'anomalog-soak-'));
  const logs = join(dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const [httpPort, syslogPort, hookPort] = [await freePort(), await freePort(), await freePort()];
  const base = `http://127.0.0.1:${httpPort}`;
  const receiver = new SoakReceiver(hookPort);
  await receiver.listen();
  const config = {
    data_dir: join(dir, 'data'),
    server: { host: '127.0.0.1', port: httpPort },
    sources: [{ type: 'file_tail', paths: [join(logs, 'app.log*')] }, { type: 'http' }, { type: 'syslog', udp: null, tcp: { host: '127.0.0.1', port: syslogPort } }],
    // Delivery timings scaled to the soak's minutes (defaults: 10 s timeout, retries 1 s → 60 s).
    sinks: [{ type: 'webhook', url: receiver.url, timeout_ms: 1000, retry_initial_ms: 250, retry_max_ms: 4000 }],
    pipeline: { checkpoint_interval_ms: o.checkpointMs },
  };
  const cfgPath = join(dir, 'anomalog.json');
  const dbPath = join(config.data_dir, 'anomalog.db');
  writeFileSync(cfgPath, JSON.stringify(config, null, 2));
  const clockFile = join(dir, 'clock-offset-ms');
  writeFileSync(clockFile, '0');
  const svc = new SoakService({ command: o.command, config: cfgPath, cwd: dir, clockFile, logFile: join(dir, 'serve.log'), baseUrl: base });

  // Traffic: file ← HDFS (or the first system), syslog ← Linux/OpenSSH/Thunderbird, http ← the rest.
  const corpus = loadCorpus(o.dataset);
  const sys = corpus.systems;
  const fileSys = sys.find((s) => s.name === 'HDFS') ?? sys[0];
  const syslogSys = sys.filter((s) => ['Linux', 'OpenSSH', 'Thunderbird'].includes(s.name) && s !== fileSys);
  const httpSys = sys.filter((s) => s !== fileSys && !syslogSys.includes(s));
  const fileLines = new LineCycle(fileSys.lines);
  const httpLines = httpSys.map((s) => ({ name: s.name, c: new LineCycle(s.lines) }));
  const syslogLines = (syslogSys.length > 0 ? syslogSys : [fileSys]).map((s) => ({ name: s.name, c: new LineCycle(s.lines) }));
  const file = new FileFeed(logs);
  const http = new HttpFeed(base);
  const syslog = new SyslogFeed(syslogPort);

  await svc.start();
  log(`soak: serving ${base}, data in ${dir}; corpus ${corpus.origin}`);
  const t0 = performance.now();
  const now = () => (performance.now() - t0) / 1000;
  let phase: Sample['phase'] = 'steady';
  let offsetMs = 0;
  const clockSteps: SoakResult['clockSteps'] = [];
  const setClock = (ms: number) => {
    offsetMs = ms;
    writeFileSync(clockFile, String(ms));
    clockSteps.push({ atSeconds: now(), offsetMs: ms });
    log(`soak: ${now().toFixed(0)} s: wall clock offset ${ms / 3_600_000} h`);
  };

  // Steady traffic: every 100 ms a share of `rate` per transport; probes in turn.
  const perTick = o.rate / 3 / 10;
  let acc = 0;
  let tick = 0;
  const probeSent = new Map<string, number>();
  const probeSeen = new Map<string, number>();
  let feed = watchFeed(base, probeSeen);
  let probeK = 0;
  let lastProbe = 0;
  let sending = true;
  const traffic = setInterval(() => {
    if (!sending) return;
    acc += perTick;
    const n = Math.floor(acc);
    acc -= n;
    tick++;
    if (now() - lastProbe >= o.probeSeconds) {
      lastProbe = now();
      const k = ++probeK;
      const which = TRANSPORTS[k % 3];
      probeSent.set(letters(k), performance.now());
      const line = (first: string) => novelLine(first, k);
      if (which === 'file') file.write([line(fileLines.first)]);
      else if (which === 'http') http.push(httpLines[k % httpLines.length].name, [line(httpLines[k % httpLines.length].c.first)]);
      else syslog.push(syslogLines[k % syslogLines.length].name, [line(syslogLines[k % syslogLines.length].c.first)]);
    }
    file.write(fileLines.take(n));
    const h = httpLines[tick % httpLines.length];
    http.push(h.name, h.c.take(n));
    const s = syslogLines[tick % syslogLines.length];
    syslog.push(s.name, s.c.take(n));
  }, 100);

  // Samples of /api/health.
  const samples: Sample[] = [];
  const sampler = setInterval(() => {
    const t = now();
    void Promise.all([health(base), outboxGauges(base)]).then(([h, o]) => {
      if (!h || !o) return;
      const mib = (b: number) => Math.round(b / 2 ** 20);
      const heapMiB: Record<string, number> = {};
      const heapTotalMiB: Record<string, number> = {};
      for (const th of h.memory.threads) {
        heapMiB[th.thread] = mib(th.heapUsed);
        heapTotalMiB[th.thread] = mib(th.heapTotal);
      }
      const externalMiB = mib(h.memory.threads.reduce((a, th) => a + th.external, 0));
      samples.push({ t, phase, rssMiB: mib(h.memory.rss), heapMiB, heapTotalMiB, externalMiB, arrayBuffersMiB: mib(h.memory.arrayBuffers), records: h.pipeline.records, due: o.due, retrying: o.retrying, receiverMode: receiver.mode, clockOffsetMs: offsetMs });
    });
  }, o.sampleSeconds * 1000);

  /**
   * End of the steady phase: traffic pauses until every line sent so far is in the store's counts
   * (or 60 s pass), then resumes. No kill happened yet, so every transport must match exactly.
   */
  const settle = async (): Promise<SoakResult['settled']> => {
    sending = false;
    const t = performance.now();
    let durable: PerTransport | undefined;
    while (performance.now() - t < 60_000) {
      await sleep(Math.max(250, o.checkpointMs));
      syslog.flush();
      if (http.queued > 0 || syslog.queued > 0) continue;
      durable = await durableCounts(base);
      if (durable && TRANSPORTS.every((tr) => durable![tr] >= sentNow()[tr])) break;
    }
    const r = { atSeconds: now(), sent: sentNow(), durable: durable ?? zero(), waitedSeconds: (performance.now() - t) / 1000 };
    log(`soak: steady phase settled in ${r.waitedSeconds.toFixed(1)} s: sent ${JSON.stringify(r.sent)}, counted ${JSON.stringify(r.durable)}`);
    sending = true;
    return r;
  };
  const sentNow = (): PerTransport => ({ file: file.ledger.sent, http: http.ledger.sent, syslog: syslog.ledger.sent });

  // Phase 1: steady, with receiver modes, file rotation/deletion and clock steps.
  const rand = rng(o.seed);
  const S = o.steadySeconds;
  const clockPlan = [
    { at: S / 4, ms: 3_600_000 },
    { at: S / 2, ms: 0 },
    { at: (3 * S) / 4, ms: -3_600_000 },
  ];
  let modeI = 0;
  const receiverModes: SoakResult['receiverModes'] = [{ atSeconds: 0, mode: 'ok' }];
  const nextReceiverMode = async () => {
    const mode = RECEIVER_MODES[++modeI % RECEIVER_MODES.length];
    await receiver.set(mode);
    receiverModes.push({ atSeconds: now(), mode });
  };
  let nextMode = o.receiverPeriodSeconds;
  let nextRotate = o.rotateSeconds;
  let nextDelete = o.deleteSeconds;
  while (now() < S) {
    await sleep(200);
    const t = now();
    if (clockPlan.length > 0 && t >= clockPlan[0].at) setClock(clockPlan.shift()!.ms);
    if (t >= nextMode) {
      nextMode += o.receiverPeriodSeconds;
      await nextReceiverMode();
    }
    if (t >= nextRotate) {
      nextRotate += o.rotateSeconds;
      file.rotate();
    }
    if (t >= nextDelete) {
      nextDelete += o.deleteSeconds;
      file.remove();
    }
  }
  setClock(0);
  const settled = await settle();

  // Phase 2: kill -9 at random points, restart from the checkpoints.
  phase = 'faults';
  const parsedOverLifetimes = zero();
  // Anomalies found again (re-read input after a restart) that the store already had, over lifetimes.
  let reFound = 0;
  const restarts: RestartRecord[] = [];
  for (let k = 1; k <= o.kills; k++) {
    await sleep(2000 + rand() * 10_000);
    if (now() >= nextMode) {
      nextMode = now() + o.receiverPeriodSeconds;
      await nextReceiverMode();
    }
    const parsedBeforeKill = (await parsedCounts(base)) ?? zero();
    reFound += (await health(base))?.pipeline.duplicates ?? 0;
    const tKill = performance.now();
    await svc.kill9();
    feed.close();
    // Lines written to the syslog socket after the kill (before Node saw it close) are lost with
    // the kill: the HTTP and syslog feeds pause now and what they sent until here is this kill's.
    http.open = false;
    syslog.open = false;
    const tPaused = performance.now();
    const sentAtKill = sentNow();
    // Saves are 1–2 intervals apart: the ticker wakes every interval and saves when a whole one has
    // passed since the last save began, which a wake-up a millisecond early misses.
    const window = 2 * o.checkpointMs + 250 + (tPaused - tKill);
    const sentInLastInterval = { file: sentWithin(file.ledger, tPaused, window), http: sentWithin(http.ledger, tPaused, window), syslog: sentWithin(syslog.ledger, tPaused, window) };
    for (const tr of TRANSPORTS) parsedOverLifetimes[tr] += parsedBeforeKill[tr];
    const durableAtKill = durableCountsInStore(dbPath);
    const downMs = Math.round(500 + rand() * 2500);
    const rotatedWhileDown = rand() < 0.5;
    if (rotatedWhileDown) file.rotate();
    await sleep(downMs);
    await svc.start();
    feed = watchFeed(base, probeSeen);
    http.open = true;
    syslog.open = true;
    syslog.flush();
    const tUp = performance.now();
    let fileCaughtUpSeconds = -1;
    while (performance.now() - tUp < 60_000) {
      const d = await durableCounts(base);
      if (d && d.file >= sentAtKill.file) {
        fileCaughtUpSeconds = (performance.now() - tUp) / 1000;
        break;
      }
      await sleep(250);
    }
    restarts.push({ kill: k, atSeconds: (tKill - t0) / 1000, downMs, rotatedWhileDown, sentAtKill, sentInLastInterval, parsedBeforeKill, durableAtKill, fileCaughtUpSeconds });
    log(`soak: kill ${k}/${o.kills} at ${((tKill - t0) / 1000).toFixed(0)} s, down ${downMs} ms; file caught up in ${fileCaughtUpSeconds.toFixed(1)} s`);
  }

  // Drain: traffic stops, the receiver answers ok, wait for the file and the outbox.
  phase = 'drain';
  sending = false;
  await receiver.set('ok');
  receiverModes.push({ atSeconds: now(), mode: 'ok' });
  const tDrain = performance.now();
  let drained = false;
  while (performance.now() - tDrain < 90_000) {
    await sleep(500);
    syslog.flush();
    const [d, ob] = [await durableCounts(base), await outboxGauges(base)];
    const busy = http.queued > 0 || syslog.queued > 0;
    // The file is counted exactly (its checkpoint is exact); nothing due or retrying in the outbox
    // (resolves and cooldown repeats scheduled minutes ahead stay pending); group waits passed.
    if (!busy && d && ob && d.file >= file.ledger.sent && ob.due === 0 && ob.retrying === 0 && performance.now() - tDrain > 15_000) {
      drained = true;
      break;
    }
  }
  clearInterval(traffic);
  clearInterval(sampler);
  feed.close();
  const finalParsed = (await parsedCounts(base)) ?? zero();
  for (const tr of TRANSPORTS) parsedOverLifetimes[tr] += finalParsed[tr];
  const durable = (await durableCounts(base)) ?? zero();
  const anomalies = (await allAnomalies(base)) ?? [];
  const [h, ob] = [await health(base), await outboxGauges(base)];
  reFound += h?.pipeline.duplicates ?? 0;
  const sinkAtEnd = h && ob ? { ...ob, sent: h.sinks[0]?.sent ?? -1, dropped: h.sinks[0]?.dropped ?? -1 } : undefined;
  http.close();
  syslog.close();
  await svc.stop();
  await receiver.close();
  const probeLatency: number[] = [];
  for (const [k, t] of probeSent) {
    const seen = probeSeen.get(k);
    if (seen !== undefined) probeLatency.push(seen - t);
  }
  const { log: _log, ...options } = o;
  return {
    options,
    corpus: corpus.origin,
    dir,
    startedAt,
    wallSeconds: (performance.now() - t0Wall) / 1000,
    loadavg: loadavg(),
    sent: sentNow(),
    settled,
    parsedOverLifetimes,
    durable,
    restarts,
    samples,
    httpLatencyMs: http.latencies,
    httpRetries: http.retries,
    probes: { sent: probeSent.size, seen: probeLatency.length, latencyMs: probeLatency },
    anomalies,
    reFound,
    clockSteps,
    receiver: {
      requests: receiver.ledger.requests,
      deliveredAlerts: receiver.ledger.deliveredAlerts,
      deliveredAtSeconds: receiver.ledger.deliveredAt.map((t) => (t - t0) / 1000),
      firingById: [...receiver.ledger.firingById],
      resolvedByEpisode: [...receiver.ledger.resolvedByEpisode],
      notAccepted: receiver.ledger.notAcceptedIds.size,
    },
    sinkAtEnd,
    receiverModes,
    drained,
    unexpectedExits: svc.unexpectedExits,
    file: { rotations: file.rotations, deletions: file.deletions },
  };
}
