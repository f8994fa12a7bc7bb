/**
 * @module bench/soak/soak
 * `npm run soak` — the soak and fault run of issue 17 against the built CLI (build first:
 * `npm run build`). Writes the report to stdout and everything measured to a JSON file.
 *
 *   npm run soak -- --short                 # ~2.5 min: 60 s steady, 3 kills (what `npm test` runs, through test/soak)
 *   npm run soak -- --minutes 30            # the long soak: 30 min steady, then 10 kills
 *   options: --kills N  --rate LINES_PER_S  --dataset DIR (default ../shared/datasets/loghub; absent:
 *            the committed samples)  --seed N  --json FILE  --dir DIR  --cli PATH/bin/anomalog.js
 *
 * Exit code 1 when a check fails (informational rows never fail).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_LOGHUB_DIR } from '../../src/eval/loghub.js';
import { option, ROOT } from '../built-cli.js';
import { summarise, verdicts } from './check.js';
import { formatReport } from './report.js';
import { runSoak, type SoakOptions } from './run.js';
import { soakOptions } from './options.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const short = args.includes('--short');
  const minutes = Number(option('--minutes', '30'));
  const cli = option('--cli', join(ROOT, 'bin/anomalog.js'));
  const over: Partial<SoakOptions> = {};
  if (args.includes('--kills')) over.kills = Number(option('--kills', '10'));
  if (args.includes('--rate')) over.rate = Number(option('--rate', '300'));
  if (args.includes('--dataset')) over.dataset = option('--dataset', DEFAULT_LOGHUB_DIR);
  if (args.includes('--seed')) over.seed = Number(option('--seed', '17'));
  if (args.includes('--dir')) over.dir = option('--dir', '');
  const o = soakOptions(short, minutes, [process.execPath, cli], { ...over, log: (m) => process.stderr.write(`${m}\n`) });
  const r = await runSoak(o);
  const s = summarise(r);
  const v = verdicts(r, s, { rssTarget: !short && o.steadySeconds >= 600 });
  process.stdout.write(`${formatReport(r, s, v)}\n`);
  const json = option('--json', join(r.dir, 'soak.json'));
  writeFileSync(json, JSON.stringify({ summary: s, verdicts: v, result: { ...r, anomalies: r.anomalies.length } }, null, 1));
  process.stderr.write(`soak: JSON in ${json}, service log in ${join(r.dir, 'serve.log')}\n`);
  process.exitCode = v.some((x) => !x.ok && !x.informational) ? 1 : 0;
}

void main();
