/**
 * @module cli/layout
 * `anomalog layout FILE`: the record format the parser uses for a file without `--format` — for
 * text, the header layout it inferred (in `--format` syntax, to see and pin) and how many records
 * it fits; for structured formats, the layout inferred on their messages, if any.
 */
import type { Command } from 'commander';
import { addParseOptions, type ParseCliOptions, runParser } from './parse-options.js';
import { writeOut } from './output.js';

export function registerLayout(program: Command): void {
  const cmd = program
    .command('layout')
    .description('Show the record format and header layout inferred for a log (what parse, templates and serve use without --format).')
    .argument('<file>', 'log file, or - for standard input')
    .option('--json', 'print { format, layout, messageLayout, records, fit, firstMisfitLine, layoutChanges } as JSON');
  addParseOptions(cmd);
  cmd.addHelpText(
    'after',
    `
The layout is inferred from the first lines and revised when most lines stop fitting it (counted
as layout changes). Records it does not fit are read as plain text (leading time and level removed).
Pin it with --format '<layout>' (parse, templates) or format: in a source's configuration (serve).

Examples:
  anomalog layout /var/log/dpkg.log
  anomalog layout --json app.log | jq -r .layout`,
  );
  cmd.action(async (file: string, opts: ParseCliOptions & { json?: boolean }) => {
    const r = await runParser(file, opts, () => {});
    const p = r.parser;
    const spec = p.formatSpec;
    const records = p.stats.events;
    const misfit = p.stats.unmatched;
    const out = {
      format: spec?.kind ?? 'plain',
      layout: spec?.layout ?? null,
      messageLayout: p.messageLayoutText,
      records,
      fit: records - misfit,
      firstMisfitLine: p.stats.firstUnmatchedLine ?? null,
      layoutChanges: p.stats.layoutChanges,
    };
    if (opts.json) {
      writeOut(JSON.stringify(out) + '\n');
      return;
    }
    const pct = (n: number): string => (records === 0 ? '0' : ((100 * n) / records).toFixed(1));
    let s = '';
    if (out.layout !== null) {
      s += `layout: ${out.layout}\n`;
      s += `fits ${out.fit} of ${records} records (${pct(out.fit)}%)`;
      s += out.firstMisfitLine !== null ? `; the first that does not fit is at line ${out.firstMisfitLine}\n` : '\n';
      s += `pin it with: --format '${out.layout}'\n`;
    } else if (out.format === 'inferred' || out.format === 'plain') {
      s += `no header layout found in ${records} records: read as plain text (a leading time and level word are removed)\n`;
    } else {
      s += `format: ${out.format} (${records} records)\n`;
      if (out.messageLayout !== null) s += `message layout: ${out.messageLayout}\n`;
    }
    if (out.layoutChanges > 0) s += `layout changed ${out.layoutChanges} time${out.layoutChanges === 1 ? '' : 's'} while reading\n`;
    writeOut(s);
  });
}
