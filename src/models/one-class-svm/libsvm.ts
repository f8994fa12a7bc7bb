/**
 * @module models/one-class-svm/libsvm
 * Training through libsvm (libsvm-js, an Emscripten build of libsvm 3.x): the solver is libsvm's
 * own one-class SMO. libsvm-js's predict() only returns ±1, so after training we read the model
 * back from libsvm's model-file text (serializeModel): support vectors, their coefficients αᵢ and
 * ρ, from which the continuous decision value f(x) = Σ αᵢ K(svᵢ, x) − ρ is computed in TypeScript.
 *
 * Two engines: the asm.js build loads synchronously (the default); the WebAssembly build is about
 * twice as fast but loads asynchronously (`await loadLibsvmWasm()`), so it is opt-in.
 */
import { createRequire } from 'node:module';
import { AnomalogError } from '../../core/errors.js';

/** The parts of libsvm-js's SVM class this module uses. */
interface LibsvmInstance {
  train(samples: number[][], labels: number[]): void;
  serializeModel(): string;
  free(): void;
}
interface LibsvmClass {
  new (options: Record<string, unknown>): LibsvmInstance;
  SVM_TYPES: { ONE_CLASS: string };
  KERNEL_TYPES: { RBF: string };
}

/** A loaded libsvm build. */
export interface SvmEngine {
  readonly name: 'asm' | 'wasm';
  readonly svm: LibsvmClass;
}

/** What training returns: libsvm's model, read back from its model file. */
export interface LibsvmModel {
  /** nSV × d row-major support vectors. */
  sv: Float64Array;
  coef: Float64Array;
  rho: number;
}

export interface LibsvmTrainOptions {
  nu: number;
  gamma: number;
  tolerance: number;
  cacheMb: number;
  shrinking: boolean;
}

/** The synchronous asm.js build of libsvm-js. */
export function loadLibsvmAsm(): SvmEngine {
  const require = createRequire(import.meta.url);
  return { name: 'asm', svm: require('libsvm-js/asm.js') as LibsvmClass };
}

/** The WebAssembly build of libsvm-js (about twice as fast to train; loads asynchronously). */
export async function loadLibsvmWasm(): Promise<SvmEngine> {
  const require = createRequire(import.meta.url);
  const svm = (await (require('libsvm-js') as Promise<LibsvmClass>)) as LibsvmClass;
  return { name: 'wasm', svm };
}

/** Trains libsvm's one-class SVM (RBF) on the rows of `data` and reads the model back. */
export function trainOneClass(engine: SvmEngine, data: Float64Array, rows: number, cols: number, o: LibsvmTrainOptions): LibsvmModel {
  const samples: number[][] = new Array(rows);
  for (let i = 0; i < rows; i++) samples[i] = Array.from(data.subarray(i * cols, (i + 1) * cols));
  const svm = new engine.svm({
    type: engine.svm.SVM_TYPES.ONE_CLASS,
    kernel: engine.svm.KERNEL_TYPES.RBF,
    nu: o.nu,
    gamma: o.gamma,
    tolerance: o.tolerance,
    cacheSize: o.cacheMb,
    shrinking: o.shrinking,
    quiet: true,
  });
  let text: string;
  try {
    svm.train(samples, new Array<number>(rows).fill(1));
    text = svm.serializeModel();
  } catch (e) {
    throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', 'libsvm failed to train the one-class SVM.', { cause: e });
  } finally {
    svm.free();
  }
  return parseModelText(text, cols);
}

/** Parses libsvm's model-file text (header lines, then "SV", then "coef idx:value …" lines). */
export function parseModelText(text: string, cols: number): LibsvmModel {
  const lines = text.split('\n');
  let rho = Number.NaN;
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === 'SV') break;
    if (line.startsWith('rho ')) rho = Number(line.slice(4));
    if (line.startsWith('svm_type ') && line !== 'svm_type one_class') throw badModel('not a one-class model');
  }
  if (i === lines.length || !Number.isFinite(rho)) throw badModel('no rho or SV section');
  const coefs: number[] = [];
  const values: number[] = [];
  for (i++; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const parts = line.split(/\s+/);
    coefs.push(Number(parts[0]));
    const base = values.length;
    for (let j = 0; j < cols; j++) values.push(0);
    for (let k = 1; k < parts.length; k++) {
      const colon = parts[k].indexOf(':');
      const idx = Number(parts[k].slice(0, colon)) - 1;
      if (idx < 0 || idx >= cols) throw badModel(`feature index ${idx + 1} out of range`);
      values[base + idx] = Number(parts[k].slice(colon + 1));
    }
  }
  return { sv: Float64Array.from(values), coef: Float64Array.from(coefs), rho };
}

function badModel(why: string): AnomalogError {
  return new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', `libsvm returned an unreadable model: ${why}.`);
}
