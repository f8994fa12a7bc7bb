/**
 * @module bench/drain3-accuracy
 * Drain3's parsing accuracy on Loghub 2k, scored by anomalog's own evaluator (src/eval), so Drain3 and
 * anomalog are judged by the same code. Runs bench/peers/drain3_accuracy.py (Drain's per-dataset
 * settings: regexes, st, depth) in the peers venv, then prints the GA/PA/FGA/FTA table.
 *
 * It then runs anomalog's TemplateMiner (default configuration, the same for every system) on the same
 * Content column and prints both tables and a side-by-side GA/PA comparison (the issue requires no system
 * below Drain's GA). `anomalog eval parse` is the product path (raw lines through --format); this runner
 * isolates the miner.
 *
 * --zero-config: the peer of `anomalog eval parse --zero-config` instead: Drain3 with its example
 * configuration (bench/peers/drain3.ini) on the whole raw lines of every system, beside anomalog's product
 * path with no layout (src/eval/product-parse.ts) — what each gives a user who configures nothing.
 *
 * Usage: npm run eval:drain3 [-- --dataset DIR] [--zero-config] [--json FILE] [--no-anomalog]
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { DEFAULT_LOGHUB_DIR, loadLoghub } from '../src/eval/loghub.js';
import { ensurePeersVenv, PEERS_DIR } from './peers-venv.js';
import { evaluateOnSystems, formatParseReport, type ParseOutput, type ParseReport } from '../src/eval/parsing-eval.js';
import { TemplateMiner } from '../src/parsers/drain/index.js';
import { productParse } from '../src/eval/product-parse.js';


function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const dataset = arg('--dataset') ?? DEFAULT_LOGHUB_DIR;
  const python = ensurePeersVenv();
  const zero = process.argv.includes('--zero-config');
  const out = spawnSync(python, [`${PEERS_DIR}drain3_accuracy.py`, '--dataset', dataset, ...(zero ? ['--raw'] : [])], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (out.status !== 0) throw new Error(`drain3_accuracy.py exited with ${out.status}`);
  const peer = JSON.parse(out.stdout) as { drain3: string; systems: Record<string, ParseOutput & { seconds: number }> };
  const systems = await loadLoghub({ datasetDir: dataset, systems: Object.keys(peer.systems) });
  const report = await evaluateOnSystems(
    (lines, system) => {
      const p = peer.systems[system];
      if (p.templates.length !== lines.length) throw new Error(`${system}: Drain3 saw ${p.templates.length} lines, truth has ${lines.length}`);
      return p;
    },
    systems,
    zero ? 'raw' : 'content',
  );
  console.log(
    zero
      ? `Drain3 ${peer.drain3} with its example configuration (drain3.ini), on the whole raw lines; scored by src/eval.\n`
      : `Drain3 ${peer.drain3} with Drain's per-dataset settings (settings.json), on the Content column; scored by src/eval.\n`,
  );
  console.log(formatParseReport(report));
  let ours: ParseReport | undefined;
  if (!process.argv.includes('--no-anomalog')) {
    ours = zero ? await evaluateOnSystems(productParse('zero-config'), systems, 'raw') : await evaluateOnSystems(mineContent, systems, 'content');
    console.log(
      zero
        ? '\nanomalog with no configuration (`anomalog eval parse --zero-config`: format detected, layout inferred), on the raw lines; scored by src/eval.\n'
        : '\nanomalog TemplateMiner (default configuration for every system), on the Content column; scored by src/eval.\n',
    );
    console.log(formatParseReport(ours));
    console.log('\n' + compare(ours, report));
  }
  const json = arg('--json');
  if (json) writeFileSync(json, JSON.stringify({ drain3: peer.drain3, report, anomalog: ours }, null, 1));
}

/** One fresh miner per system; every line gets its cluster's final template (as Drain writes its output). */
function mineContent(lines: string[]): ParseOutput {
  const miner = new TemplateMiner();
  const ids = new Int32Array(lines.length);
  for (let i = 0; i < lines.length; i++) ids[i] = miner.add(lines[i]).templateId;
  return { groupIds: ids, templates: Array.from(ids, (id) => miner.template(id) ?? '') };
}

function compare(ours: ParseReport, drain: ParseReport): string {
  const rows = ['| System | GA anomalog | GA Drain3 | GA ≥ Drain3 | PA anomalog | PA Drain3 |', '|---|---:|---:|:-:|---:|---:|'];
  const f = (x: number) => x.toFixed(3);
  for (const o of ours.systems) {
    const d = drain.systems.find((x) => x.system === o.system)!;
    const ok = o.corrected.ga >= d.corrected.ga ? 'yes' : '**no**';
    rows.push(`| ${o.system} | ${f(o.corrected.ga)} | ${f(d.corrected.ga)} | ${ok} | ${f(o.corrected.pa)} | ${f(d.corrected.pa)} |`);
  }
  const m = ours.mean.corrected;
  const dm = drain.mean.corrected;
  rows.push(`| **Mean** | ${f(m.ga)} | ${f(dm.ga)} | ${m.ga >= dm.ga ? 'yes' : '**no**'} | ${f(m.pa)} | ${f(dm.pa)} |`);
  return `Corrected truth, side by side:\n\n${rows.join('\n')}`;
}

await main();

