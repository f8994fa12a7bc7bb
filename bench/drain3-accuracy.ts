/**
 * @module bench/drain3-accuracy
 * Drain3's parsing accuracy on Loghub 2k, scored by anomalog's own evaluator (src/eval), so Drain3 and
 * anomalog are judged by the same code. Runs bench/peers/drain3_accuracy.py (Drain's per-dataset
 * settings: regexes, st, depth) in the peers venv, then prints the GA/PA/FGA/FTA table.
 *
 * Usage: npx tsx bench/drain3-accuracy.ts [--dataset DIR] [--json FILE]
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { DEFAULT_LOGHUB_DIR, loadLoghub } from '../src/eval/loghub.js';
import { ensurePeersVenv, PEERS_DIR } from './peers-venv.js';
import { evaluateOnSystems, formatParseReport, type ParseOutput } from '../src/eval/parsing-eval.js';


function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const dataset = arg('--dataset') ?? DEFAULT_LOGHUB_DIR;
  const python = ensurePeersVenv();
  const out = spawnSync(python, [`${PEERS_DIR}drain3_accuracy.py`, '--dataset', dataset], {
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
    'content',
  );
  console.log(`Drain3 ${peer.drain3} with Drain's per-dataset settings (settings.json), on the Content column; scored by src/eval.\n`);
  console.log(formatParseReport(report));
  const json = arg('--json');
  if (json) writeFileSync(json, JSON.stringify({ drain3: peer.drain3, report }, null, 1));
}

await main();

