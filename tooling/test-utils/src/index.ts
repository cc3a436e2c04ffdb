export * from './vectors.js';
export * from './sigv4.js';
