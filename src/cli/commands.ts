/**
 * @module cli/commands
 * The list of sub-commands; each lives in its own file.
 */
import type { Command } from 'commander';
import { registerEval } from './eval.js';
import { registerParse } from './parse.js';
import { registerTemplates } from './templates.js';

export function registerCommands(program: Command): void {
  registerParse(program);
  registerTemplates(program);
  registerEval(program);
}
