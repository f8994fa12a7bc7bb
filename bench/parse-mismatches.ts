/**
 * @module bench/parse-mismatches
 * Where anomalog's parsing accuracy is lost, per Loghub system: the true groups it splits or merges (GA)
 * and the most frequent template differences (PA), on the product path (raw lines through the system's
 * log_format, then LogParser), scored on the corrected truth. A tool for iterating on the miner.
 *
 * Usage: npx tsx bench/parse-mismatches.ts [--dataset DIR] [--systems Linux,Proxifier] [--top 8]
 */
import { DEFAULT_LOGHUB_DIR, loadLoghub } from '../src/eval/loghub.js';
import { groupingScores, templateScores, topMismatches } from '../src/eval/parsing-accuracy.js';
import { LogParser } from '../src/parsers/pipeline.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function parse(lines: string[], system: string, logFormat: string): { ids: Int32Array; templates: string[] } {
  const parser = new LogParser({ source: system, format: logFormat, multiline: false });
  const events = parser.pushLines(
    lines.map((text, i) => ({ text, line: i + 1 })),
    0,
  ).concat(parser.flush(0));
  const ids = new Int32Array(lines.length);
  for (const e of events) ids[(e.line ?? 1) - 1] = e.templateId;
  return { ids, templates: Array.from(ids, (id) => parser.miner.template(id) ?? '') };
}

/** True groups that are not exactly one predicted group: split over several, or merged with others. */
function badGroups(ids: Int32Array, eventIds: string[], templates: string[], top: number): string[] {
  const predOf = new Map<string, Set<number>>();
  const truthOf = new Map<number, Set<string>>();
  for (let i = 0; i < ids.length; i++) {
    (predOf.get(eventIds[i]) ?? predOf.set(eventIds[i], new Set()).get(eventIds[i])!).add(ids[i]);
    (truthOf.get(ids[i]) ?? truthOf.set(ids[i], new Set()).get(ids[i])!).add(eventIds[i]);
  }
  const size = new Map<string, number>();
  const tmpl = new Map<string, string>();
  eventIds.forEach((e, i) => {
    size.set(e, (size.get(e) ?? 0) + 1);
    tmpl.set(e, templates[i]);
  });
  const out: { lines: number; text: string }[] = [];
  for (const [e, preds] of predOf) {
    const merged = [...preds].some((p) => truthOf.get(p)!.size > 1);
    if (preds.size === 1 && !merged) continue;
    const how = [preds.size > 1 ? `split into ${preds.size}` : '', merged ? 'merged with others' : ''].filter(Boolean).join(', ');
    out.push({ lines: size.get(e)!, text: `${size.get(e)} lines, ${how}: ${tmpl.get(e)}` });
  }
  return out.sort((a, b) => b.lines - a.lines).slice(0, top).map((o) => o.text);
}

async function main(): Promise<void> {
  const top = Number(arg('--top') ?? 8);
  const systems = await loadLoghub({ datasetDir: arg('--dataset') ?? DEFAULT_LOGHUB_DIR, systems: arg('--systems')?.split(',') });
  for (const s of systems) {
    const { ids, templates } = parse(s.rawLines, s.name, s.settings.logFormat);
    const eventIds = s.corrected.map((l) => l.eventId);
    const truth = s.corrected.map((l) => l.template);
    const g = groupingScores(ids, eventIds);
    const t = templateScores(templates, truth);
    console.log(`\n## ${s.name}: GA ${g.ga.toFixed(3)}, PA ${t.pa.toFixed(3)} (corrected truth)`);
    const bad = badGroups(ids, eventIds, truth, top);
    if (bad.length > 0) console.log('GA — true groups not matched exactly:\n' + bad.map((b) => `  ${b}`).join('\n'));
    const mis = topMismatches(templates, truth, top);
    if (mis.length > 0) {
      console.log('PA — most frequent template differences:');
      for (const m of mis) console.log(`  ${m.lines} lines\n    ours:  ${m.predicted}\n    truth: ${m.truth}`);
    }
  }
}

await main();
