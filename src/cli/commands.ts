/**
 * @module cli/commands
 * The list of sub-commands; each lives in its own file and is loaded only when needed.
 *
 * Start-up is part of every run a user times (`anomalog templates app.log` on a small file is mostly
 * start-up), and the command modules pull in very different dependencies: `serve` loads fastify,
 * SQLite and every component, `train` the models, `templates` only the parser. So when the first
 * argument names a command, only that command's module is imported and registered; anything else
 * (no command, `--help`, `help`, a typo) registers them all, so the help listing and commander's
 * "did you mean" suggestions see every command.
 */
import type { Command } from 'commander';
import { VERSION } from './version.js';

type Register = (program: Command) => void;

/** Command name → its registration, imported on demand. Listed in help order. */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  parse: async () => (await import('./parse.js')).registerParse,
  templates: async () => (await import('./templates.js')).registerTemplates,
  layout: async () => (await import('./layout.js')).registerLayout,
  train: async () => (await import('./train.js')).registerTrain,
  detect: async () => (await import('./detect.js')).registerDetect,
  eval: async () => (await import('./eval.js')).registerEval,
  serve: async () => {
    const { registerServe } = await import('./serve.js');
    return (program) => registerServe(program, VERSION);
  },
  worker: async () => (await import('./worker.js')).registerWorker,
  models: async () => (await import('./models.js')).registerModels,
  replay: async () => (await import('./replay.js')).registerReplay,
  demo: async () => {
    const { registerDemo } = await import('./demo.js');
    return (program) => registerDemo(program, VERSION);
  },
};

/** Names of every sub-command, in help order. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

/**
 * Registers the command named by `argv[0]` alone when there is one, else every command.
 * Without `argv`, registers every command.
 */
export async function registerCommands(program: Command, argv?: readonly string[]): Promise<void> {
  const first = argv?.[0];
  const names = first !== undefined && Object.hasOwn(COMMANDS, first) ? [first] : COMMAND_NAMES;
  const registrations = await Promise.all(names.map((n) => COMMANDS[n]()));
  for (const register of registrations) register(program);
}
