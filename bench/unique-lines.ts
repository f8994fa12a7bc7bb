/**
 * @module bench/unique-lines
 * The unique-line flood of issue 17: `n` lines of six random lowercase words (6–10 letters), every
 * line a new message type. Shared by bench:memory (through the service) and bench/engine-unique.ts
 * (in process), so both measure the same shape of input.
 */
export function uniqueLines(n: number, r: () => number): string[] {
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    let line = '';
    for (let w = 0; w < 6; w++) {
      const len = 6 + Math.floor(r() * 5);
      let word = '';
      for (let k = 0; k < len; k++) word += String.fromCharCode(97 + Math.floor(r() * 26));
      line += (w ? ' ' : '') + word;
    }
    out[i] = line;
  }
  return out;
}
