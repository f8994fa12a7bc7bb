/**
 * Layer rules for src/ (house rule: imports only run down). The layers are defined once in
 * scripts/layers.cjs; ARCHITECTURE.md's picture is generated from the same list.
 * Run: npm run lint:layers
 */
const { layers, narrower } = require('./scripts/layers.cjs');

const known = layers.flatMap((l) => l.folders);
const forbidden = [
  {
    name: 'no-circular',
    severity: 'error',
    comment: 'No import cycle between files (type-only imports count: they are coupling too).',
    from: { path: '^src/' },
    to: { circular: true },
  },
  {
    name: 'folder-in-a-layer',
    severity: 'error',
    comment: 'Every folder under src/ has a layer in scripts/layers.cjs.',
    from: { path: '^src/', pathNot: `^src/(${known.join('|')})/` },
    to: {},
  },
];
layers.forEach((layer, i) => {
  const allowed = layers.slice(0, i).flatMap((l) => l.folders);
  for (const folder of layer.folders) {
    forbidden.push({
      name: `layer-${folder}`,
      severity: 'error',
      comment: `${folder} (layer ${i}, ${layer.name}) imports only from itself and lower layers: ${allowed.join(', ') || 'none'}.`,
      from: { path: `^src/${folder}/` },
      to: { path: '^src/', pathNot: `^src/(${[folder, ...allowed].join('|')})/` },
    });
  }
});
for (const n of narrower) {
  forbidden.push({ name: n.name, severity: 'error', comment: n.comment, from: { path: n.from }, to: { path: n.to } });
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.test\\.ts$', '\\.d\\.ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
