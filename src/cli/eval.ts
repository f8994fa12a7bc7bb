/**
 * @module cli/eval
 * `anomalog eval …`: accuracy on labeled datasets.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { evaluateParser, formatParseReport } from '../eval/parsing-eval.js';
import { productParse } from '../eval/product-parse.js';
import { registerEvalDetect } from './eval-detect.js';
import { registerEvalStream } from './eval-stream.js';
import { writeOut } from './output.js';

/** Where the Loghub 2k copy is expected when --dataset is not given (the project's shared/ folder). */
export const DEFAULT_PARSE_DATASET = '../shared/datasets/loghub';

export function registerEval(program: Command): Command {
  const ev = program.command('eval').description('Measure accuracy on labeled datasets (parsing, detection).');
  ev.command('parse')
    .description('Grouping and Parsing Accuracy on the Loghub 2k systems, against the corrected and the original ground truth.')
    .option('--dataset <dir>', 'Loghub 2k directory holding settings.json', DEFAULT_PARSE_DATASET)
    .option('--systems <list>', 'comma-separated systems (default: all in settings.json)')
    .option('--input <kind>', "'raw' lines through the system's log_format, or the truth's 'content' column", 'raw')
    .option('--zero-config', 'no layout: the raw lines as `anomalog parse FILE` reads them (format detected, multi-line at its default)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
One configuration for every system: only the log_format of settings.json differs.
The data is Loghub (Zhu et al., ISSRE 2023); corrected templates from Loghub-2.0 (Jiang et al., ISSTA 2024).

Examples:
  anomalog eval parse --dataset ../shared/datasets/loghub
  anomalog eval parse --systems HDFS,BGL --json`,
    )
    .action(async (opts: { dataset: string; systems?: string; input: string; json?: boolean; zeroConfig?: boolean }) => {
      const input = opts.input === 'content' ? 'content' : 'raw';
      const zero = opts.zeroConfig === true && input === 'raw';
      const report = await evaluateParser(
        productParse(zero ? 'zero-config' : input === 'raw' ? 'layout' : 'content'),
        { datasetDir: resolve(opts.dataset), systems: opts.systems?.split(','), input },
      );
      writeOut(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatParseReport(report) + '\n');
    });
  registerEvalDetect(ev);
  registerEvalStream(ev);
  return ev;
}
