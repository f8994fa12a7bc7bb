/**
 * @module cli/parse
 * `anomalog parse`: log lines → events (template id, template, params).
 */
import type { Command } from 'commander';
import type { LogEvent } from '../core/event.js';
import { addParseOptions, type ParseCliOptions, reportInputStats, runParser } from './parse-options.js';
import { writeOut } from './output.js';

export function registerParse(program: Command): void {
  const cmd = program
    .command('parse')
    .description('Parse log lines into events with mined templates.')
    .argument('<file>', 'log file, or - for standard input')
    .option('--json', 'one JSON object per event (line, ts, level, templateId, template, params, …)');
  addParseOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  anomalog parse app.log
  anomalog parse --json app.log | jq .template
  kubectl logs deploy/api | anomalog parse --json -
  anomalog parse --format '<Date> <Time> <Pid> <Level> <Component>: <Content>' --json HDFS.log
  anomalog parse --state miner.json app.log        # stable template ids across runs`,
  );
  cmd.action(async (file: string, opts: ParseCliOptions & { json?: boolean }) => {
    const write = opts.json ? jsonLine : textLine;
    const r = await runParser(file, opts, (events) => {
      let s = '';
      for (const e of events) s += write(e);
      writeOut(s);
    });
    reportInputStats(r);
  });
}

function jsonLine(e: LogEvent): string {
  return (
    JSON.stringify({
      line: e.line,
      ts: e.ts,
      level: e.level ?? null,
      source: e.source,
      templateId: e.templateId,
      template: e.template,
      params: e.params,
      message: e.message,
      ...(e.fields && Object.keys(e.fields).length ? { fields: e.fields } : {}),
    }) + '\n'
  );
}

function textLine(e: LogEvent): string {
  const params = e.params.length ? `  [${e.params.join(', ')}]` : '';
  return `${e.line ?? ''}\tT${e.templateId}\t${e.template}${params}\n`;
}
