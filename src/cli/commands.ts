/**
 * @module cli/commands
 * The list of sub-commands; each lives in its own file.
 */
import type { Command } from 'commander';
import { VERSION } from './version.js';
import { registerDemo } from './demo.js';
import { registerDetect } from './detect.js';
import { registerEval } from './eval.js';
import { registerLayout } from './layout.js';
import { registerParse } from './parse.js';
import { registerReplay } from './replay.js';
import { registerServe } from './serve.js';
import { registerTemplates } from './templates.js';
import { registerTrain } from './train.js';

export function registerCommands(program: Command): void {
  registerParse(program);
  registerTemplates(program);
  registerLayout(program);
  registerTrain(program);
  registerDetect(program);
  registerEval(program);
  registerServe(program, VERSION);
  registerReplay(program);
  registerDemo(program, VERSION);
}
