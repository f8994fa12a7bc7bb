/**
 * @module cli/templates
 * `anomalog templates`: the template table of a log, most frequent first.
 */
import type { Command } from 'commander';
import { addParseOptions, type ParseCliOptions, reportInputStats, runParser } from './parse-options.js';
import { writeOut } from './output.js';

export function registerTemplates(program: Command): void {
  const cmd = program
    .command('templates')
    .description('List the templates mined from a log with their counts, most frequent first.')
    .argument('<file>', 'log file, or - for standard input')
    .option('--json', 'one JSON object per template (templateId, count, template)');
  addParseOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  anomalog templates /var/log/syslog
  anomalog templates --json app.log > templates.jsonl
  anomalog templates --format '<Date> <Time> <Level> <Component>: <Content>' Spark.log`,
  );
  cmd.action(async (file: string, opts: ParseCliOptions & { json?: boolean }) => {
    // Only the miner's table is printed: no events are built (null), which halves the run time.
    const r = await runParser(file, opts, null);
    const rows = r.parser.miner.templates();
    if (opts.json) {
      writeOut(rows.map((t) => JSON.stringify({ templateId: t.templateId, count: t.count, template: t.template })).join('\n') + (rows.length ? '\n' : ''));
    } else {
      const w = Math.max(5, ...rows.map((t) => String(t.count).length));
      let s = `${'ID'.padStart(6)}  ${'COUNT'.padStart(w)}  TEMPLATE\n`;
      for (const t of rows) s += `${String(t.templateId).padStart(6)}  ${String(t.count).padStart(w)}  ${t.template}\n`;
      writeOut(s);
    }
    reportInputStats(r);
  });
}
