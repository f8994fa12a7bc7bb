/**
 * @module detectors/rate/gate
 * The SPOT rule of the rate detector (Siffer et al., KDD 2017, src/models/threshold/spot.ts) on
 * tail scores −log10(p): the first `calibration` scores of a source are collected, then a SPOT
 * threshold is fitted for the false-alarm risk q and updated online with every normal score.
 * Until calibrated nothing is anomalous. State is bounded (calibration scores, SPOT peaks).
 */
import { AnomalogError } from '../../core/errors.js';
import { SpotThreshold, type SpotThresholdJSON } from '../../models/threshold/index.js';

export interface GateOptions {
  q: number;
  level: number;
  calibration: number;
  maxPeaks: number;
}

export class SpotGate {
  private calib: number[] = [];
  private spot: SpotThreshold | undefined;

  constructor(private readonly o: GateOptions) {}

  /** Decides on one score and learns it unless anomalous. */
  observe(score: number): boolean {
    if (this.spot) return this.spot.observe(score);
    this.calib.push(score);
    if (this.calib.length >= this.o.calibration) {
      this.spot = SpotThreshold.fit(this.calib, { q: this.o.q, level: this.o.level, maxPeaks: this.o.maxPeaks });
      this.calib = [];
    }
    return false;
  }

  get threshold(): number {
    return this.spot ? this.spot.threshold : Number.POSITIVE_INFINITY;
  }

  toJSON(): { calib: number[]; spot: SpotThresholdJSON | null } {
    return { calib: [...this.calib], spot: this.spot ? this.spot.toJSON() : null };
  }

  static from(o: GateOptions, j: unknown): SpotGate {
    const g = new SpotGate(o);
    const v = j as { calib?: unknown; spot?: unknown } | null;
    if (v && Array.isArray(v.calib)) g.calib = v.calib.filter((x): x is number => typeof x === 'number').slice(0, o.calibration);
    if (v && v.spot && typeof v.spot === 'object') {
      const j = v.spot as SpotThresholdJSON;
      if (!Array.isArray(j.peaks) || typeof j.t !== 'number') throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', 'The rate snapshot has a malformed SPOT threshold.');
      g.spot = SpotThreshold.fromJSON(j);
    }
    return g;
  }
}
