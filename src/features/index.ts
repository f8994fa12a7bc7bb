/**
 * @module features
 * Sessions and windows → feature vectors: sequence loader, vocabulary, vectorizer, windows.
 */
export * from './sequences.js';
export * from './vocabulary.js';
export * from './vectorize.js';
export * from './session-window.js';
export * from './time-window.js';
export * from './config.js';
export * from './markov.js';
