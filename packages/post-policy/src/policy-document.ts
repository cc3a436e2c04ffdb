import { InvalidPolicyDocument, s3ErrorOf } from '@s3kit/errors';
import { fromBase64 } from '@s3kit/sigv4';
import { parseCondition, type NormalizedCondition } from './conditions.js';

/** A decoded POST policy with its conditions normalized. */
export interface PolicyDocument {
  expiration: string;
  expiresAt: number;
  conditions: NormalizedCondition[];
}

const fatal = new TextDecoder('utf-8', { fatal: true });
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?Z$/;

function invalid(message: string) {
  return s3ErrorOf(InvalidPolicyDocument, `Invalid Policy: ${message}`);
}

/** base64 → JSON → `{ expiration, conditions }`; anything else is InvalidPolicyDocument (400). */
export function decodePolicy(base64: string): PolicyDocument {
  // Browsers and old tools wrap long base64 text; whitespace carries no data.
  const bytes = fromBase64(base64.replace(/[\r\n\t ]+/g, ''));
  if (bytes === undefined) throw invalid("Invalid 'base64' encoding.");
  let doc: unknown;
  try {
    doc = JSON.parse(fatal.decode(bytes));
  } catch {
    throw invalid('Invalid JSON.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalid('Invalid JSON.');
  const { expiration, conditions } = doc as Record<string, unknown>;
  if (expiration === undefined) throw invalid('Policy missing expiration.');
  if (typeof expiration !== 'string') throw invalid("Invalid 'expiration' value.");
  const m = ISO.exec(expiration);
  const expiresAt = m ? Date.parse(expiration) : Number.NaN;
  if (Number.isNaN(expiresAt)) throw invalid(`Invalid 'expiration' value: '${expiration}'`);
  if (conditions === undefined) throw invalid('Policy missing conditions.');
  if (!Array.isArray(conditions)) throw invalid("Invalid 'conditions' value: must be a List.");
  const normalized: NormalizedCondition[] = [];
  for (const c of conditions) {
    const n = parseCondition(c);
    if (typeof n === 'string') throw s3ErrorOf(InvalidPolicyDocument, n);
    normalized.push(n);
  }
  return { expiration, expiresAt, conditions: normalized };
}
