/**
 * @module eval/stream/report
 * The `eval stream` report as Markdown tables (the CLI prints it; BENCHMARKS.md quotes it).
 */
import type { StreamEvalResult } from './evaluate.js';
import type { StreamScore } from './score.js';

/** 0 s, 42 s, 3.5 min, 1.2 h. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : `${a}/${b}`);

function ttd(s: StreamScore): string {
  return s.timeToDetect ? `${formatDuration(s.timeToDetect.medianMs)} / ${formatDuration(s.timeToDetect.p90Ms)}` : 'n/a';
}

function summaryRow(r: StreamEvalResult, s: StreamScore, label = r.dataset): string {
  return `| ${label} | ${r.lines} | ${r.normalLines} | ${s.rule} | ${ratio(s.episodes.detected, s.episodes.total)} (${pct(s.episodes.recall)}) | ${ratio(s.firsts.detected, s.firsts.total)} | ${pct(s.windows.recall)} | ${ttd(s)} | ${s.anomalies} | ${s.falseAlarms} | ${s.falseAlarmsPer1kNormal.toFixed(2)} | ${s.falseAlarmsPerHour.toFixed(3)} |`;
}

export function formatStreamReport(results: readonly StreamEvalResult[], header: string): string {
  const out: string[] = [header, ''];
  out.push('| dataset | lines | normal | rule | episodes detected | first of category | window recall (1 h) | time to detect median / p90 | anomalies | false alarms | per 1,000 normal lines | per hour |');
  out.push('|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    out.push(summaryRow(r, r.score));
    // The strict rule only differs where there is an episode to name.
    if (r.strict && r.score.episodes.total > 0) out.push(summaryRow(r, r.strict, `${r.dataset} (strict)`));
  }
  for (const r of results) {
    out.push('', `### ${r.dataset}`, '');
    out.push(
      `${r.lines} lines (${r.alertLines} alert lines, ${r.score.episodes.total} episodes in ${r.categories} ${r.categories === 1 ? 'category' : 'categories'}), ${r.spanHours.toFixed(1)} h of log time; ` +
        `detectors ${r.detectors.join(', ')}; ${r.seconds.toFixed(1)} s.` +
        (r.tsMismatches > 0 ? ` ${r.tsMismatches} lines were dated differently by the pipeline than by the label file.` : ''),
    );
    const fb = r.feedback;
    if (fb.mode === 'simulated') out.push(`Simulated operator (answers ${formatDuration(fb.delayMs ?? 0)} of log time after each anomaly, confirms by the ${fb.operatorRule ?? 'lines'} rule): ${fb.answers?.real ?? 0} real, ${fb.answers?.noise ?? 0} noise; suppressed by the feedback policy ${fb.suppressed ?? 0} (${fb.suppressedByKind ?? 0} by the kind rule, ${fb.held ?? 0} new message types held back).`);
    const f = r.score.firsts.timeToDetect;
    if (f) out.push(`Time to detect the first episode of a category: median ${formatDuration(f.medianMs)}, p90 ${formatDuration(f.p90Ms)}.`);
    out.push('', '| detector | anomalies | hits | false alarms | per 1,000 normal lines | episodes | first of category | time to detect (median) |', '|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const [name, d] of Object.entries(r.score.byDetector).sort()) {
      const t = d.timeToDetectMedianMs === null ? 'n/a' : formatDuration(d.timeToDetectMedianMs);
      out.push(`| ${name} | ${d.anomalies} | ${d.hits} | ${d.falseAlarms} | ${d.falseAlarmsPer1kNormal.toFixed(2)} | ${d.episodesDetected} | ${d.firstsDetected} | ${t} |`);
    }
    const kinds = Object.entries(r.score.falseAlarmsByKind).sort((a, b) => b[1] - a[1]);
    if (kinds.length > 0) out.push('', `False alarms by detector/kind: ${kinds.map(([k, n]) => `${k} ${n}`).join(', ')}.`);
    const missed = r.score.perEpisode.filter((e) => e.first && !e.detected).map((e) => e.category);
    if (missed.length > 0) out.push(`First episodes missed: ${missed.join(', ')}.`);
    for (const t of r.targets) out.push(`Target (issue 14): ${t.name} — ${t.met ? 'met' : 'NOT met'}.`);
  }
  return out.join('\n');
}
