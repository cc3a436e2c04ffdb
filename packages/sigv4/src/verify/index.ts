export type { VerifiedRequest } from './types.js';
