/**
 * @module parsers/masking
 * Typed masking of variables before template mining.
 * @example
 * new Masker().mask('uid=0 from 10.0.0.1:22').tokens // ['uid=<NUM>', 'from', '<IP>:<NUM>']
 */
export { Masker, WILDCARD, classify } from './masker.js';
export type { CustomMask, MaskedLine, MaskerOptions, PlaceholderStyle } from './masker.js';
