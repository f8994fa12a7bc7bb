/**
 * @module cli/commands
 * The list of sub-commands; each lives in its own file.
 */
import type { Command } from 'commander';

export function registerCommands(_program: Command): void {}
