/**
 * @module parsers/drain/result
 * What the miner answers for one line (`MineResult`), and the lazy answer of its shape cache
 * (`CachedResult`): the params are cut from the line only when someone reads them.
 */
import type { TemplateChange } from '../../core/event.js';
import type { Novel } from './novel.js';

export interface MineResult {
  /** Stable id of the template (0 = no template matched in match mode). */
  templateId: number;
  change: TemplateChange;
  template: string;
  params: string[];
  /** Set when a never-seen message was absorbed into an existing template (see novel.ts). */
  novel?: Novel;
}

/**
 * A result answered from the shape cache. Its params are cut from the line on first access, like
 * Drain3's separate `extract_parameters`: callers that only need the template pay nothing for them.
 */
export class CachedResult implements MineResult {
  readonly change = 'none' as const;
  private cut: string[] | null = null;
  constructor(
    readonly templateId: number,
    readonly template: string,
    private readonly text: string,
    private readonly spans: Int32Array,
  ) {}

  get params(): string[] {
    if (this.cut === null) {
      const spans = this.spans;
      const out: string[] = new Array(spans.length / 3);
      for (let k = 0, j = 0; k < spans.length; k += 3, j++) out[j] = this.text.slice(spans[k], spans[k + 1]);
      this.cut = out;
    }
    return this.cut;
  }

  toJSON(): { templateId: number; change: 'none'; template: string; params: string[] } {
    return { templateId: this.templateId, change: this.change, template: this.template, params: this.params };
  }
}
