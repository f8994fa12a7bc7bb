/**
 * The layers of src/, lowest first: a folder imports only from its own folder and from folders in
 * lower layers (never sideways within a layer, never up). One definition, read by
 * `.dependency-cruiser.cjs` (the check, `npm run lint:layers`) and by `scripts/layers-picture.cjs`
 * (the picture in ARCHITECTURE.md, compared by `test/layers.test.ts`).
 */
const layers = [
  { name: 'contracts', folders: ['core'] },
  { name: 'building blocks', folders: ['parsers', 'features', 'models', 'store'] },
  { name: 'components', folders: ['sources', 'sinks', 'detectors', 'feedback'] },
  { name: 'stages', folders: ['alerts', 'eval'] },
  { name: 'configuration', folders: ['config'] },
  { name: 'http api', folders: ['api'] },
  { name: 'metrics', folders: ['telemetry'] },
  { name: 'composition', folders: ['topology'] },
  { name: 'applications', folders: ['demo'] },
  { name: 'commands', folders: ['cli'] },
];

/** Files of a folder that must not import some lower folders all the same (sideways in spirit). */
const narrower = [
  {
    name: 'engine-not-service',
    comment: 'The engine and its hosts process records; they do not know the HTTP API, metrics or alerting.',
    from: '^src/topology/engine',
    to: '^src/(api|telemetry|alerts|sinks)/',
  },
];

/** The picture in ARCHITECTURE.md: highest layer first, each arrow an allowed direction (down). */
function picture() {
  const rows = layers.map((l, i) => ({ n: String(i), folders: l.folders.join(' · '), name: l.name })).reverse();
  const w = Math.max(...rows.map((r) => r.folders.length));
  const lines = [];
  rows.forEach((r, k) => {
    lines.push(`${r.n.padStart(2)}  ${r.folders.padEnd(w)}   (${r.name})`);
    if (k < rows.length - 1) lines.push(`    ${'│'.padEnd(w)}`.trimEnd().replace('│', '▼'));
  });
  const rules = narrower.map((n) => `not: ${n.from.replace('^src/', '')}… → ${n.to.replace('^src/', '').replace('/', '')}  (${n.name})`);
  return ['```', ...lines, ...(rules.length ? ['', ...rules] : []), '```'].join('\n');
}

module.exports = { layers, narrower, picture };

if (require.main === module) process.stdout.write(`${picture()}\n`);
