/**
 * @module feedback/kinds
 * What many verdicts together teach, beyond the fingerprints they were given on (policy.ts keeps
 * the per-fingerprint rules): two tallies of the newest verdict per fingerprint, and the rules read
 * from them.
 *
 * - **The kind rule**: when, for a `kindDetectors` detector (rate, params, model), at least `kindMin`
 *   different fingerprints of one kind — detector + source + the anomaly's first explanation feature
 *   (`template_spike`, `param_1`…; every model window is one kind) — are marked `noise`, and they are
 *   at least `kindShare` of the kind's fingerprints with a noise or real verdict, the whole kind is
 *   suppressed for that source (the policy keeps what is marked real). Never for novelty: "new
 *   templates are noise" would defeat it.
 * - **The source's first sightings** (`holdShare`): once a person has dismissed at least `kindMin` of
 *   a source's new message types *of one severity*, and they are at least `holdShare` of the judged
 *   ones of that severity, one more new message type there at that severity is most likely noise by
 *   their own record: the policy holds it back (the watch detector reports it if it comes back).
 *   Real verdicts tip the share back. Counted per severity because severity is the detector's own
 *   summary of how surprising a new type is (level and error words, a settled source, a burst): a
 *   person who dismisses every `warning` new type of a source and confirms half of its `error` ones
 *   has said something about the first, not the second. Counted over the whole source, the second
 *   half-confirmed group would keep the first reported; held over the whole source, the confirmed
 *   ones would be held too. A verdict whose anomaly's severity is unknown (a stored row whose
 *   anomaly retention deleted) does not count here.
 *
 * Both tallies are bounded by `maxRules` (the oldest out), like the rules.
 * @example
 * const kinds = new VerdictKinds({ kindMin: 5, kindShare: 0.8, kindDetectors: ['rate'], holdShare: 0.8, maxRules: 10_000 });
 * kinds.give({ detector: 'rate', source: 'app', feature: 'template_spike', fingerprint: fp }, 'noise');
 * kinds.suppresses(spike); // true once five spikes of app are mostly dismissed
 */
import type { Anomaly, Severity, Verdict } from '../core/event.js';

/** A kind (detector + source + feature) with judged fingerprints, and whether the kind rule suppresses it. */
export interface PolicyKindView {
  detector: string;
  source: string;
  feature: string;
  noise: number;
  real: number;
  suppressing: boolean;
  /** For a source's first sightings (novelty `new_template`): whether new message types are held back now (`hold_new_share`). */
  holding?: boolean;
  /** For a source's first sightings: the severity they were reported at (each severity is tallied on its own). */
  severity?: Severity;
}

/** What the tallies read of one piece of feedback. */
export interface KindVerdict {
  detector: string;
  source: string;
  feature?: string;
  fingerprint: string;
  /** The judged anomaly's severity, when known (first sightings are tallied per severity). */
  severity?: Severity;
}

export interface VerdictKindsOptions {
  /** Distinct noise fingerprints of a kind before the kind is suppressed (and before a source holds); 0 disables both. */
  kindMin: number;
  /** Share of a kind's judged fingerprints that must be noise. */
  kindShare: number;
  /** Detectors whose kinds may be generalised. */
  kindDetectors: readonly string[];
  /** `hold_new_share` (0: off). */
  holdShare: number;
  maxRules: number;
}

interface Tally {
  /** Fingerprints whose newest verdict is noise / real (insertion-ordered, bounded). */
  noise: Set<string>;
  real: Set<string>;
}

/** A verdict on a first sighting of a message type: novelty's `new_template`, or a held one reported when it came back. */
export function isFirstSighting(detector: string, feature: string | undefined): boolean {
  return (detector === 'novelty' && feature === 'new_template') || (detector === 'watch' && feature === 'held_new_template');
}

export class VerdictKinds {
  private readonly kinds = new Map<string, Tally>();
  /** Per source and severity: first sightings of message types a person judged. */
  private readonly firsts = new Map<string, Tally>();
  private readonly kindDetectors: ReadonlySet<string>;

  constructor(private readonly o: VerdictKindsOptions) {
    this.kindDetectors = new Set(o.kindDetectors);
  }

  get empty(): boolean {
    return this.kinds.size === 0 && this.firsts.size === 0;
  }

  /** Counts the newest verdict on `f.fingerprint` (`verdict`: as applied, a `learn` the detector could not take is `noise`). */
  give(f: KindVerdict, verdict: Verdict): void {
    const key = this.kindKey(f.detector, f.source, f.feature);
    if (key !== undefined) this.tally(this.kinds, key, f.fingerprint, verdict);
    if (this.o.holdShare > 0 && f.severity !== undefined && isFirstSighting(f.detector, f.feature)) this.tally(this.firsts, firstKey(f.source, f.severity), f.fingerprint, verdict);
  }

  /** Whether `a`'s kind is mostly marked noise on its source (the policy keeps what is marked real). */
  suppresses(a: Anomaly): boolean {
    if (this.kinds.size === 0) return false;
    const key = this.kindKey(a.detector, a.source, a.explanation[0]?.feature);
    const k = key === undefined ? undefined : this.kinds.get(key);
    return k !== undefined && this.kindActive(k);
  }

  /** Whether `a` is a new message type of a source whose new message types at `a`'s severity are mostly dismissed. */
  holds(a: Anomaly): boolean {
    if (this.firsts.size === 0 || a.detector !== 'novelty' || a.explanation[0]?.feature !== 'new_template' || a.templateId === undefined) return false;
    const k = this.firsts.get(firstKey(a.source, a.severity));
    return k !== undefined && this.holding(k);
  }

  /** The judged kinds, then the sources' first sightings, at most `limit` (`GET /api/feedback/rules`). */
  describe(limit: number): PolicyKindView[] {
    const out: PolicyKindView[] = [];
    for (const [key, k] of this.kinds) {
      if (out.length >= limit) break;
      const [detector, source, feature] = key.split('\u0000');
      out.push({ detector, source, feature, noise: k.noise.size, real: k.real.size, suppressing: this.kindActive(k) });
    }
    for (const [key, k] of this.firsts) {
      if (out.length >= limit) break;
      const [source, severity] = key.split('\u0000') as [string, Severity];
      out.push({ detector: 'novelty', source, feature: 'new_template', severity, noise: k.noise.size, real: k.real.size, suppressing: false, holding: this.holding(k) });
    }
    return out;
  }

  private kindKey(detector: string, source: string, feature: string | undefined): string | undefined {
    if (this.o.kindMin <= 0 || feature === undefined || !this.kindDetectors.has(detector)) return undefined;
    // A model window's first feature names its top template (`T12`): every window is one kind.
    return `${detector}\u0000${source}\u0000${detector === 'model' ? 'window' : feature}`;
  }

  /**
   * Keeps `map[key]`'s sets of noise and real fingerprints in step with the newest verdict on
   * `fingerprint` (a later verdict replaces an earlier one); map and sets bounded by `maxRules`, oldest out.
   */
  private tally(map: Map<string, Tally>, key: string, fingerprint: string, verdict: Verdict): void {
    let k = map.get(key);
    if (!k) {
      if (verdict !== 'noise' && verdict !== 'real') return;
      map.set(key, (k = { noise: new Set(), real: new Set() }));
      if (map.size > this.o.maxRules) map.delete(map.keys().next().value as string);
    }
    k.noise.delete(fingerprint);
    k.real.delete(fingerprint);
    const set = verdict === 'noise' ? k.noise : verdict === 'real' ? k.real : undefined;
    if (!set) return;
    set.add(fingerprint);
    if (set.size > this.o.maxRules) set.delete(set.values().next().value as string);
  }

  private kindActive(k: Tally): boolean {
    return k.noise.size >= this.o.kindMin && k.noise.size >= this.o.kindShare * (k.noise.size + k.real.size);
  }

  private holding(k: Tally): boolean {
    return this.o.holdShare > 0 && this.o.kindMin > 0 && k.noise.size >= this.o.kindMin && k.noise.size >= this.o.holdShare * (k.noise.size + k.real.size);
  }
}

function firstKey(source: string, severity: Severity): string {
  return `${source}\u0000${severity}`;
}
