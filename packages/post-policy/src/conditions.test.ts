import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { conditionHolds, describeCondition, normalizeCondition } from './conditions.js';
import { pythonJson } from './policy-json.js';

const jsonValue = fc.jsonValue({ maxDepth: 3 });

describe('pythonJson', () => {
  it('is ASCII and parses back to the same value (property)', () => {
    fc.assert(
      fc.property(jsonValue, (v) => {
        const s = pythonJson(v);
        expect(/^[\x00-\x7f]*$/.test(s)).toBe(true);
        expect(JSON.parse(s)).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });
});

describe('conditions', () => {
  it('reads the object form as eq with a lower-cased field and prints it as S3 does', () => {
    const n = normalizeCondition({ 'Content-Type': 'image/png' })!;
    expect(n).toMatchObject({ kind: 'eq', field: 'content-type', value: 'image/png' });
    expect(describeCondition(n)).toBe('["eq", "$Content-Type", "image/png"]');
  });

  it('rejects shapes S3 cannot interpret', () => {
    for (const c of [
      [],
      ['eq', 'key', 'x'],
      ['eq', '$key'],
      ['starts-with', '$key', null],
      ['content-length-range', -1, 5],
      ['content-length-range', 1.5, 5],
      { a: '1', b: '2' },
      { a: {} },
      'x',
      null,
    ]) {
      expect(normalizeCondition(c)).toBeUndefined();
    }
  });

  it('starts-with holds exactly for values with the prefix (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (prefix, rest) => {
        const c = normalizeCondition(['starts-with', '$key', prefix])!;
        expect(conditionHolds(c, new Map([['key', prefix + rest]]))).toBe(true);
        const other = `\u0000${prefix}`;
        expect(conditionHolds(c, new Map([['key', other]]))).toBe(prefix === '' || other.startsWith(prefix));
      }),
    );
  });

  it('eq and starts-with fail on an absent field, even with an empty value or prefix', () => {
    expect(conditionHolds(normalizeCondition(['starts-with', '$x-amz-meta-a', ''])!, new Map())).toBe(false);
    expect(conditionHolds(normalizeCondition({ acl: '' })!, new Map())).toBe(false);
  });
  it('allows starts-with on the SSE-C fields (s3-tests SSE-C POST forms), any case of the field name', () => {
    for (const f of ['x-amz-server-side-encryption-customer-algorithm', 'x-amz-server-side-encryption-customer-key', 'X-Amz-Server-Side-Encryption-Customer-Key-MD5']) {
      const c = normalizeCondition(['starts-with', `$${f}`, ''])!;
      expect(conditionHolds(c, new Map([[f.toLowerCase(), 'AES256']]))).toBe(true);
    }
    expect(conditionHolds(normalizeCondition(['starts-with', '$x-amz-server-side-encryption', 'AES'])!, new Map([['x-amz-server-side-encryption', 'AES256']]))).toBe(false);
  });
});

describe('condition values', () => {
  it('compares JSON numbers and booleans by their text ({"success_action_status": 201})', () => {
    const n = normalizeCondition({ success_action_status: 201 })!;
    expect(conditionHolds(n, new Map([['success_action_status', '201']]))).toBe(true);
  });
});
