/**
 * @module parsers/masking/masked-line
 * The masker's output for one line (`MaskedLine`): the key, the params and where each came from,
 * and the tokens' offsets in typed arrays. One object per masker, reused for every line.
 */

/** Output of {@link Masker.mask}; the masker reuses it, so it is valid until the next call. */
export interface MaskedLine {
  /** Masked tokens joined by one space: the template a line would have on its own. */
  key: string;
  /** Number of tokens. */
  count: number;
  /** Raw values replaced by placeholders, in order (a fresh array per line). */
  params: string[];
  /** Token index each param came from. */
  paramToken: number[];
  /** Offset in the message where each param starts (-1 when it is not a slice of it). */
  paramStart: number[];
  /** Masked tokens (`key` split on spaces), computed on first use. */
  tokens(): string[];
  /** Raw text of token `k`. */
  raw(k: number): string;
  /** Offset of token `k` in the message. */
  start(k: number): number;
}

export class MaskedLineImpl implements MaskedLine {
  key = '';
  count = 0;
  params: string[] = [];
  paramToken: number[] = [];
  paramStart: number[] = [];
  text = '';
  starts: Int32Array;
  ends: Int32Array;
  private split: string[] | null = null;

  constructor(maxTokens: number) {
    this.starts = new Int32Array(maxTokens);
    this.ends = new Int32Array(maxTokens);
  }
  reset(text: string): void {
    this.text = text;
    this.key = '';
    this.count = 0;
    this.params = [];
    this.paramToken.length = 0;
    this.paramStart.length = 0;
    this.split = null;
  }
  tokens(): string[] {
    if (this.split === null) this.split = this.count === 0 ? [] : this.key.split(' ');
    return this.split;
  }
  setTokens(t: string[]): void {
    this.split = t;
    this.key = t.join(' ');
  }
  raw(k: number): string {
    return this.text.slice(this.starts[k], this.ends[k]);
  }
  start(k: number): number {
    return this.starts[k];
  }
}
