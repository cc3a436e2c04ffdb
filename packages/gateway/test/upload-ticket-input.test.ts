import fc from 'fast-check';
import { isS3Error } from '@s3kit/errors';
import { describe, expect, it } from 'vitest';
import { parseUploadTicketInput, sessionPrefix, ticketKey } from '../src/routes/upload-ticket-input.js';

// Properties of the upload ticket body parser over random input (the HTTP behaviour is in
// upload-ticket.test.ts).

const base = { bucket: 'uploads', keyPrefix: 'in/', fileName: 'a.txt', contentType: 'text/plain', fileContentsSha256: Buffer.alloc(32).toString('base64'), maxBytes: 10 };
const parse = (over: Record<string, unknown>) => parseUploadTicketInput(JSON.stringify({ ...base, ...over }));
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (isS3Error(err)) return err.code;
    throw err;
  }
};
/** No lone surrogates (String.prototype.isWellFormed is ES2024; encodeURIComponent throws on them). */
const wellFormed = (s: string): boolean => {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
};
const FILE_ID = '123e4567-e89b-42d3-a456-426614174000';

describe('parseUploadTicketInput', () => {
  it('takes a SHA-256 as base64 or hex (any case) and always yields the canonical base64 of the same 32 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.boolean(), (bytes, upper) => {
        const b64 = Buffer.from(bytes).toString('base64');
        const hex = Buffer.from(bytes).toString('hex');
        expect(parse({ fileContentsSha256: b64 }).fileContentsSha256).toBe(b64);
        expect(parse({ fileContentsSha256: upper ? hex.toUpperCase() : hex }).fileContentsSha256).toBe(b64);
      }),
    );
  });

  it('refuses any digest that is not 32 bytes with InvalidArgument', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 64 }).filter((b) => b.length !== 32),
        (bytes) => {
          expect(codeOf(() => parse({ fileContentsSha256: Buffer.from(bytes).toString('base64') }))).toBe('InvalidArgument');
          expect(codeOf(() => parse({ fileContentsSha256: Buffer.from(bytes).toString('hex') }))).toBe('InvalidArgument');
        },
      ),
    );
  });

  it('accepts a fileName exactly when it is a plain name, and then the key is keyPrefix + fileId + "/" + fileName', () => {
    const name = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('.', '..', 'a/b', 'a\\b', '${filename}', 'x'.repeat(256), 'é'.repeat(128)));
    fc.assert(
      fc.property(name, (fileName) => {
        const plain =
          fileName !== '' && fileName !== '.' && fileName !== '..' && !/[/\\\x00-\x1f\x7f]/.test(fileName) && !fileName.includes('${') && Buffer.byteLength(fileName) <= 255 && wellFormed(fileName);
        const outcome = codeOf(() => parse({ fileName }));
        expect(outcome, JSON.stringify(fileName)).toBe(plain ? 'ok' : 'InvalidArgument');
        if (plain) {
          const key = ticketKey(parse({ fileName }), FILE_ID);
          expect(key).toBe(`in/${FILE_ID}/${fileName}`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('bounds maxBytes to 1..5 GiB and expiresIn to 1..604800 (integers; null/absent expiresIn is the default), InvalidArgument outside', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -10, max: 5 * 1024 ** 3 + 10 }), fc.double({ noNaN: true })),
        fc.oneof(fc.integer({ min: -10, max: 604_810 }), fc.double({ noNaN: true })),
        (maxBytes, expiresIn) => {
          const okMax = Number.isSafeInteger(maxBytes) && maxBytes >= 1 && maxBytes <= 5 * 1024 ** 3;
          // JSON has no Infinity: it is sent as null, which means "absent" (expiresIn then takes its default).
          const okExp = (Number.isSafeInteger(expiresIn) && expiresIn >= 1 && expiresIn <= 604_800) || !Number.isFinite(expiresIn);
          expect(codeOf(() => parse({ maxBytes, expiresIn }))).toBe(okMax && okExp ? 'ok' : 'InvalidArgument');
        },
      ),
    );
  });

  it('keeps every accepted SESSION ticket inside <keyPrefix>sessions/<sessionId>/, with no path trick a normalizing or decoding reader could follow out', () => {
    const sid = '4f0e5b87-9d38-41cd-9eb4-ebce2f2917cc';
    const piece = fc.constantFrom('a', 'b', '.', '..', '/', '%2f', '%2F', '%2e', '%5c', '\\', 'sessions', sid, '5a1f6c98-0e49-42de-8fc5-fcdf3a3028dd', '\u0000');
    const path = fc.array(piece, { maxLength: 8 }).map((p) => p.join(''));
    let accepted = 0;
    const unsafe = (k: string): boolean => k.split('/').some((seg) => seg === '' || seg === '.' || seg === '..') || /\\|%2f|%2e|%5c|[\x00-\x1f]/i.test(k);
    fc.assert(
      fc.property(path, fc.boolean(), fc.boolean(), (text, asKey, underPrefix) => {
        const over = asKey ? { key: `${underPrefix ? `sessions/${sid}/` : ''}${text}`, keyPrefix: undefined } : { keyPrefix: text };
        const body = { ...base, ...over, scope: 'SESSION', sessionId: sid };
        let input;
        try {
          input = parseUploadTicketInput(JSON.stringify(body));
        } catch (err) {
          if (isS3Error(err)) return;
          throw err;
        }
        accepted++;
        const key = ticketKey(input, FILE_ID);
        const prefix = sessionPrefix(input)!;
        expect(prefix).toBe(`${asKey ? '' : text}sessions/${sid}/`);
        expect(key.startsWith(prefix), key).toBe(true);
        expect(unsafe(key), key).toBe(false);
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });
});
