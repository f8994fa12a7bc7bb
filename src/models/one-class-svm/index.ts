/**
 * @module models/one-class-svm
 * One-Class SVM (RBF, libsvm's solver): `new OneClassSvm(options, engine?)`, `oneClassSvmFromJSON(artifact)`.
 * @example
 * const m = new OneClassSvm({ nu: 0.1 }, await loadLibsvmWasm()); // engine optional (asm.js by default)
 * m.fit(X);
 * const anomalous = Array.from(m.score(X), (s) => s > m.threshold);
 */
import type { ModelDefinition } from '../definition.js';
import { oneClassSvmFromJSON } from './artifact.js';
import type { OneClassSvmOptions } from './config.js';
import { OneClassSvm } from './one-class-svm.js';
export { OneClassSvm, resolveGamma, ONE_CLASS_SVM_KIND, ONE_CLASS_SVM_VERSION } from './one-class-svm.js';
export type { OneClassSvmParams } from './one-class-svm.js';
export { oneClassSvmFromJSON } from './artifact.js';
export { oneClassSvmConfigSchema } from './config.js';
export type { OneClassSvmConfig, OneClassSvmOptions } from './config.js';
export { loadLibsvmAsm, loadLibsvmWasm, parseModelText } from './libsvm.js';
export type { SvmEngine } from './libsvm.js';

/** The registry entry (`models/registry.ts`). */
export const definition: ModelDefinition<'ocsvm', OneClassSvmOptions, OneClassSvm> = {
  kind: 'ocsvm',
  create: (o, deps) => new OneClassSvm(o, deps.svmEngine),
  fromJSON: oneClassSvmFromJSON,
};
