/**
 * @module cli/output
 * Buffered stdout that survives a closed pipe (`anomalog parse … | head`).
 */
let closed = false;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') closed = true;
  else throw e;
});

export function writeOut(s: string): void {
  if (!closed && s.length > 0) process.stdout.write(s);
}
