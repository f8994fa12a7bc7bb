/**
 * @module cli/bin
 * Process entry: runs the CLI and sets the exit code (bin/anomalog.js imports the compiled copy).
 */
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`anomalog: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
