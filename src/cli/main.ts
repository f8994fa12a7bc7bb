/**
 * @module cli/main
 * The `anomalog` command: one file per sub-command, registered here.
 */
import { Command, CommanderError } from 'commander';
import { AnomalogError, isAnomalogError } from '../core/errors.js';
import { registerCommands } from './commands.js';
import { VERSION } from './version.js';

/** The program with the commands `argv` needs (all of them without `argv`; see commands.ts). */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command();
  program
    .name('anomalog')
    .description('Real-time, unsupervised anomaly detection for application logs.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    // Commander's own usage errors in the shape of ours: one line, the stable code in brackets.
    .configureOutput({ outputError: (str, write) => write(`anomalog: ${str.replace(/^error: /, '').trimEnd()} [ANOMALOG_ERR_CLI_USAGE]\n`) })
    .exitOverride();
  await registerCommands(program, argv);
  return program;
}

/** Runs the CLI; resolves to the process exit code. Errors become one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    return reportError(e);
  }
}

function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    // Commander already printed help or the usage error.
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0 ? 0 : 2;
  }
  if (isAnomalogError(e)) {
    process.stderr.write(`anomalog: ${e.toLine()}\n`);
    return e.code === 'ANOMALOG_ERR_CLI_USAGE' ? 2 : 1;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`anomalog: internal error: ${err.message}\n${err.stack ?? ''}\n`);
  return 70;
}

export { AnomalogError };
