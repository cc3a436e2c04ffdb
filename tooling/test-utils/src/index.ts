export * from './vectors.js';
export * from './sigv4.js';
export * from './post-policy.js';
export * from './rgw.js';
export * from './xml-shapes.js';
export * from './http-transport.js';
export * from './bench.js';
