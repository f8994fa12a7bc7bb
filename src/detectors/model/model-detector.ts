/**
 * @module detectors/model/model-detector
 * The streaming `model` detector (DESIGN §2): events in, anomalies out. It groups events into
 * sessions or time windows, scores every window as it closes with a trained SequenceDetector and
 * turns the anomalous ones into `Anomaly` records with a deterministic id, a one-sentence title,
 * the explanation (observed vs expected) and sample lines as context.
 *
 * @example
 * const d = new ModelDetector(SequenceDetector.fromJSON(artifact), { mode: 'session', key_regex: 'blk_-?\\d+' });
 * const found = d.observe(events);   // windows closed by these events
 * const late = d.tick(clock.now());  // windows closed by silence
 */
import { createHash } from 'node:crypto';
import type { Anomaly, Severity } from '../../core/event.js';
import type { LogEvent } from '../../core/event.js';
import type { ClosedWindow } from '../../features/session-window.js';
import type { Detection, SequenceDetector } from './detector.js';
import { makeWindower, type Windower, type Windowing } from './events.js';

export interface ModelDetectorOptions {
  /** Update a SPOT threshold online with every normal score. */
  online: boolean;
  /** Contributions kept per explanation. */
  top: number;
}

export class ModelDetector {
  private readonly windower: Windower;
  private readonly options: ModelDetectorOptions;

  constructor(
    private readonly detector: SequenceDetector,
    private readonly windowing: Windowing,
    opts: Partial<ModelDetectorOptions> = {},
  ) {
    this.windower = makeWindower(windowing);
    this.options = { online: false, top: 5, ...opts };
  }

  observe(events: readonly LogEvent[]): Anomaly[] {
    return this.score(this.windower.add(events));
  }

  tick(now: number): Anomaly[] {
    return this.score(this.windower.tick(now));
  }

  /** End of input: scores every open window. */
  flush(): Anomaly[] {
    return this.score(this.windower.flush());
  }

  private score(closed: ClosedWindow[]): Anomaly[] {
    if (closed.length === 0) return [];
    const found = this.detector.detect(closed, { online: this.options.online, top: this.options.top });
    const out: Anomaly[] = [];
    for (let i = 0; i < found.length; i++) if (found[i].anomalous) out.push(this.toAnomaly(found[i], closed[i]));
    return out;
  }

  private toAnomaly(d: Detection, w: ClosedWindow): Anomaly {
    const source = w.source ?? 'default';
    const what = this.windowing.mode === 'session' ? `Session ${w.key}` : `Window ${new Date(w.window.start).toISOString()}`;
    const top = d.explanation[0];
    const why = top ? `; most deviant: ${top.template ?? top.feature} seen ${top.observed} times, ${top.expected} expected` : '';
    const id = createHash('sha1').update(`model\0${source}\0${w.key}\0${w.window.start}`).digest('hex').slice(0, 20);
    const a: Anomaly = {
      id,
      ts: w.window.end,
      source,
      detector: 'model',
      score: d.score,
      severity: severityOf(d),
      title: `${what} deviates from normal (${this.detector.kind} score ${d.score.toPrecision(3)} above ${d.threshold.toPrecision(3)})${why}.`,
      explanation: d.explanation,
      context: w.samples,
      window: w.window,
    };
    if (this.windowing.mode === 'session') a.sessionKey = w.key;
    if (top?.templateId !== undefined) a.templateId = top.templateId;
    return a;
  }
}

/** warning just above the threshold; error when the score is twice as far from 0 as the threshold. */
function severityOf(d: Detection): Severity {
  return d.threshold > 0 && d.score >= 2 * d.threshold ? 'error' : 'warning';
}
