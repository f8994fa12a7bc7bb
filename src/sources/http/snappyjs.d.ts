/** snappyjs (pure JS Snappy, block format) ships no types; the two functions used here. */
declare module 'snappyjs' {
  /** Throws on a corrupt stream, or when the uncompressed length would exceed `maxLength`. */
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
  export function compress(uncompressed: Uint8Array): Uint8Array;
}
