/**
 * @module models/invariants
 * Mined invariants of template counts (Lou et al., USENIX ATC 2010): `new Invariants(options)`,
 * `invariantsFromJSON(artifact)`.
 * @example
 * const m = new Invariants();
 * m.fit(counts);                    // rows = sessions, columns = template counts
 * m.violations(row);                // [{ invariant: { cols: [0, 3], coefs: [1, -1], … }, left: 3, right: 2 }]
 */
import type { ModelDefinition } from '../definition.js';
import { invariantsFromJSON } from './artifact.js';
import type { InvariantsOptions } from './config.js';
import { Invariants } from './invariants.js';
export { Invariants, INVARIANTS_KIND, INVARIANTS_VERSION, type InvariantsParams, type Violation } from './invariants.js';
export { invariantsFromJSON } from './artifact.js';
export { invariantsConfigSchema, type InvariantsConfig, type InvariantsOptions } from './config.js';
export { mineInvariants, coefficientVectors, type Invariant } from './mine.js';

/** The registry entry (`models/registry.ts`); it reads raw template counts, not scaled features. */
export const definition: ModelDefinition<'invariants', InvariantsOptions, Invariants> = {
  kind: 'invariants',
  input: 'counts',
  create: (o) => new Invariants(o),
  fromJSON: invariantsFromJSON,
};
