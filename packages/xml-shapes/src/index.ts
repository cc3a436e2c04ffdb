export * from './entry-operations.js';
