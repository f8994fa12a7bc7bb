/**
 * @module bench/soak/report
 * The soak's printed report: the verdict table, the per-restart table and RSS over time.
 */
import type { SoakResult } from './run.js';
import type { SoakSummary, Verdict } from './check.js';

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export function formatReport(r: SoakResult, s: SoakSummary, v: Verdict[]): string {
  const out: string[] = [];
  out.push(`anomalog soak — ${r.startedAt}, ${r.wallSeconds.toFixed(0)} s wall, load ${r.loadavg.map((x) => x.toFixed(1)).join(' ')}`);
  out.push(`corpus: ${r.corpus}; rate ${r.options.rate} lines/s; steady ${r.options.steadySeconds} s; ${r.options.kills} kills; checkpoint ${r.options.checkpointMs} ms; data ${r.dir}`);
  out.push(`file: ${r.file.rotations} rotations, ${r.file.deletions} deletions; receiver requests ${JSON.stringify(r.receiver.requests)}; HTTP retries ${r.httpRetries}`);
  out.push('');
  out.push('| check | value | target | |');
  out.push('|---|---|---|---|');
  for (const x of v) out.push(`| ${x.name} | ${x.value} | ${x.target} | ${x.informational ? 'info' : x.ok ? 'ok' : 'FAIL'} |`);
  out.push('');
  out.push(`| transport | sent | counted (store) | parsed over lifetimes | sent − counted |`);
  out.push('|---|---|---|---|---|');
  for (const tr of ['file', 'http', 'syslog'] as const) out.push(`| ${tr} | ${r.sent[tr]} | ${r.durable[tr]} | ${r.parsedOverLifetimes[tr]} | ${s.unaccountedAtEnd[tr]} |`);
  out.push('');
  out.push(`HTTP request latency: p50 ${s.httpLatencyMs.p50.toFixed(1)} ms, p99 ${s.httpLatencyMs.p99.toFixed(1)} ms (${s.httpLatencyMs.n} requests)`);
  out.push(`novel line → live feed: p50 ${s.probeLatencyMs.p50.toFixed(0)} ms, p99 ${s.probeLatencyMs.p99.toFixed(0)} ms (${s.probeLatencyMs.seen} of ${s.probeLatencyMs.sent} seen)`);
  out.push(`RSS: first ${s.rss.firstMiB} MiB, at ${s.rss.warmupSeconds.toFixed(0)} s ${s.rss.baselineMiB} MiB, end of steady ${s.rss.endMiB} MiB (${s.rss.growthPct.toFixed(1)} %), max ${s.rss.maxMiB} MiB`);
  out.push(`  where (all threads): ${s.rss.parts.map((x) => `${x.at}: V8 heap used ${x.heapUsedMiB} MiB of ${x.heapTotalMiB} held, external ${x.externalMiB} MiB`).join('; ')}`);
  out.push(`anomalies: ${s.anomalies.stored} stored (${JSON.stringify(s.anomalies.byDetector)}), ${r.reFound} found again after restarts and not stored twice; "went silent": ${s.anomalies.silent}`);
  out.push(`alerts: ${s.alerts.deliveredNotifications} notifications delivered, ${s.alerts.firingIds} anomaly ids, ${s.alerts.retriedIds} ids seen in refused/unanswered requests (retried), ${s.alerts.duplicateIds} duplicates`);
  out.push(`clock steps: ${s.clock.map((c) => `${c.atSeconds.toFixed(0)} s → ${c.offsetH} h`).join('; ')}`);
  if (s.restarts.length > 0) {
    out.push('');
    out.push('| kill | at s | down ms | rotated while down | file caught up s | file re-parsed | http lost/bound | syslog lost/bound |');
    out.push('|---|---|---|---|---|---|---|---|');
    for (const k of s.restarts) {
      out.push(`| ${k.kill} | ${k.atSeconds.toFixed(0)} | ${k.downMs} | ${k.rotatedWhileDown ? 'yes' : 'no'} | ${k.fileCaughtUpSeconds.toFixed(1)} | ${k.fileReparsed} | ${k.lost.http}/${k.bound.http} | ${k.lost.syslog}/${k.bound.syslog} |`);
    }
  }
  out.push('');
  out.push('RSS over time (MiB; one point per sample bucket):');
  const steps = Math.min(30, r.samples.length);
  const line: string[] = [];
  for (let i = 0; i < steps; i++) {
    const smp = r.samples[Math.floor((i * r.samples.length) / steps)];
    line.push(`${pad(smp.t.toFixed(0), 4)}s ${smp.rssMiB}`);
  }
  out.push(line.join(' | '));
  return out.join('\n');
}
