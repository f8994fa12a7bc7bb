/**
 * @module models/autoencoder/network
 * A small dense feed-forward network over Float32Array weights with MSE loss, backpropagation and
 * Adam (Kingma & Ba 2015). Layer l maps sizes[l] → sizes[l+1] with W[l] (out × in, row-major)
 * and b[l]; every layer but the last applies the activation, the last is linear. Batches are
 * row-major Float32Arrays; all scratch buffers are allocated once per batch size.
 */
import type { Rng } from '../random.js';

export type Activation = 'tanh' | 'relu';

export interface AdamSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export class DenseNetwork {
  readonly sizes: readonly number[];
  readonly activation: Activation;
  readonly W: Float32Array[];
  readonly b: Float32Array[];
  private mW: Float32Array[] = [];
  private vW: Float32Array[] = [];
  private mb: Float32Array[] = [];
  private vb: Float32Array[] = [];
  private gW: Float32Array[] = [];
  private gb: Float32Array[] = [];
  private step = 0;
  /** acts[l]: batch × sizes[l] activations (acts[0] is the input copy). */
  private acts: Float32Array[] = [];
  private deltas: Float32Array[] = [];
  private capacity = 0;

  constructor(sizes: readonly number[], activation: Activation, W?: Float32Array[], b?: Float32Array[]) {
    this.sizes = sizes;
    this.activation = activation;
    this.W = W ?? sizes.slice(1).map((out, l) => new Float32Array(out * sizes[l]));
    this.b = b ?? sizes.slice(1).map((out) => new Float32Array(out));
  }

  /** Glorot-uniform weights, zero biases. */
  initialize(rng: Rng): void {
    for (let l = 0; l < this.W.length; l++) {
      const fanIn = this.sizes[l];
      const fanOut = this.sizes[l + 1];
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      const w = this.W[l];
      for (let i = 0; i < w.length; i++) w[i] = (rng.float() * 2 - 1) * limit;
      this.b[l].fill(0);
    }
  }

  /** Forward pass over n rows of `input`; returns the output buffer (valid until the next call). */
  forward(input: Float32Array, n: number): Float32Array {
    this.ensure(n);
    this.acts[0].set(input.subarray(0, n * this.sizes[0]));
    const layers = this.W.length;
    const relu = this.activation === 'relu';
    for (let l = 0; l < layers; l++) {
      const inN = this.sizes[l];
      const outN = this.sizes[l + 1];
      const a = this.acts[l];
      const z = this.acts[l + 1];
      const w = this.W[l];
      const bias = this.b[l];
      const last = l === layers - 1;
      for (let r = 0; r < n; r++) {
        const ai = r * inN;
        const zi = r * outN;
        for (let o = 0; o < outN; o++) {
          let s = bias[o];
          const wi = o * inN;
          for (let k = 0; k < inN; k++) s += w[wi + k] * a[ai + k];
          z[zi + o] = last ? s : relu ? (s > 0 ? s : 0) : Math.tanh(s);
        }
      }
    }
    return this.acts[layers];
  }

  /** One Adam step on the MSE reconstruction loss of n rows (target = input); returns the loss. */
  trainBatch(input: Float32Array, n: number, adam: AdamSettings): number {
    const loss = this.computeGradients(input, n);
    this.adamStep(adam);
    return loss;
  }

  /** Gradient of the loss w.r.t. W[l] from the last computeGradients/trainBatch call. */
  weightGradient(l: number): Float32Array {
    return this.gW[l];
  }

  /** Backpropagates the MSE reconstruction loss of n rows into the gradient buffers; returns the loss. */
  computeGradients(input: Float32Array, n: number): number {
    const out = this.forward(input, n);
    const layers = this.W.length;
    const d = this.sizes[layers];
    const top = this.deltas[layers];
    let loss = 0;
    const scale = 2 / (n * d);
    for (let i = 0; i < n * d; i++) {
      const e = out[i] - input[i];
      loss += e * e;
      top[i] = scale * e;
    }
    for (let l = layers - 1; l >= 0; l--) this.backLayer(l, n);
    return loss / (n * d);
  }

  private backLayer(l: number, n: number): void {
    const inN = this.sizes[l];
    const outN = this.sizes[l + 1];
    const a = this.acts[l];
    const delta = this.deltas[l + 1];
    const gw = this.gW[l];
    const gb = this.gb[l];
    const w = this.W[l];
    gw.fill(0);
    gb.fill(0);
    for (let r = 0; r < n; r++) {
      for (let o = 0; o < outN; o++) {
        const dv = delta[r * outN + o];
        if (dv === 0) continue;
        gb[o] += dv;
        const wi = o * inN;
        const ai = r * inN;
        for (let k = 0; k < inN; k++) gw[wi + k] += dv * a[ai + k];
      }
    }
    if (l === 0) return;
    // Propagate to the previous layer through its activation (expressed via its output a).
    const prev = this.deltas[l];
    const relu = this.activation === 'relu';
    for (let r = 0; r < n; r++) {
      for (let k = 0; k < inN; k++) {
        let s = 0;
        for (let o = 0; o < outN; o++) s += delta[r * outN + o] * w[o * inN + k];
        const av = a[r * inN + k];
        prev[r * inN + k] = relu ? (av > 0 ? s : 0) : s * (1 - av * av);
      }
    }
  }

  private adamStep(adam: AdamSettings): void {
    this.step++;
    const { learningRate, beta1, beta2, epsilon } = adam;
    const c1 = 1 - Math.pow(beta1, this.step);
    const c2 = 1 - Math.pow(beta2, this.step);
    for (let l = 0; l < this.W.length; l++) {
      adamUpdate(this.W[l], this.gW[l], this.mW[l], this.vW[l], learningRate, beta1, beta2, epsilon, c1, c2);
      adamUpdate(this.b[l], this.gb[l], this.mb[l], this.vb[l], learningRate, beta1, beta2, epsilon, c1, c2);
    }
  }

  private ensure(n: number): void {
    if (this.mW.length === 0) {
      this.mW = this.W.map((w) => new Float32Array(w.length));
      this.vW = this.W.map((w) => new Float32Array(w.length));
      this.gW = this.W.map((w) => new Float32Array(w.length));
      this.mb = this.b.map((v) => new Float32Array(v.length));
      this.vb = this.b.map((v) => new Float32Array(v.length));
      this.gb = this.b.map((v) => new Float32Array(v.length));
    }
    if (n <= this.capacity) return;
    this.acts = this.sizes.map((s) => new Float32Array(n * s));
    this.deltas = this.sizes.map((s) => new Float32Array(n * s));
    this.capacity = n;
  }
}

function adamUpdate(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  lr: number,
  b1: number,
  b2: number,
  eps: number,
  c1: number,
  c2: number,
): void {
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    const mi = b1 * m[i] + (1 - b1) * gi;
    const vi = b2 * v[i] + (1 - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] -= (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
  }
}
