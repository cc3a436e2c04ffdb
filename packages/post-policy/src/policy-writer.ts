import { conditionId, type PolicyCondition } from './conditions.js';
import { asciiString, pythonJson } from './policy-json.js';

/**
 * A policy document's JSON written as its conditions are added, each rule once (the first of
 * equal conditions is kept, `{"f": v}` and `["eq", "$f", v]` counting as equal). `python` is the
 * layout boto3 signs (`json.dumps`: `", "`, `": "`, ASCII-escaped); `js` is `JSON.stringify`'s (MinIO).
 * The output is byte-identical to serializing `{ expiration, conditions }` with the same layout.
 */
export class PolicyWriter {
  readonly #python: boolean;
  readonly #ids: string[] = [];
  #json = '';

  constructor(layout: 'python' | 'js') {
    this.#python = layout === 'python';
  }

  /** A caller's condition; TypeError when S3 could not interpret it. */
  add(c: PolicyCondition): void {
    if (this.#first(conditionId(c))) this.#append(this.#python ? pythonJson(c) : JSON.stringify(c));
  }

  /** `{"<field>": value}` for a lower-case, plain-ASCII field name (the builder's own conditions). */
  addEq(field: string, value: string): void {
    if (this.#first(`eq\n${field}\n${value}`)) this.#append(this.#python ? `{"${field}": ${asciiString(value)}}` : `{"${field}":${JSON.stringify(value)}}`);
  }

  /** The policy document: `{"expiration": ..., "conditions": [...]}`. */
  json(expiration: string): string {
    return this.#python ? `{"expiration": ${asciiString(expiration)}, "conditions": [${this.#json}]}` : `{"expiration":${JSON.stringify(expiration)},"conditions":[${this.#json}]}`;
  }

  #first(id: string): boolean {
    // A policy has a handful of conditions: a linear scan beats hashing each id into a Set.
    if (this.#ids.includes(id)) return false;
    this.#ids.push(id);
    return true;
  }

  #append(conditionJson: string): void {
    this.#json += this.#json === '' ? conditionJson : this.#python ? `, ${conditionJson}` : `,${conditionJson}`;
  }
}
