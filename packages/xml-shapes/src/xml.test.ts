import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isS3Error, S3Error } from '@s3kit/errors';
import { buildXml, parseXml } from './xml.js';
import { fxpParser } from './fxp.js';
import { buildErrorXml, parseErrorXml } from './error-xml.js';
import type { ListBucketResult } from './shapes.js';

function s3err(fn: () => unknown): S3Error {
  try {
    fn();
  } catch (e) {
    if (isS3Error(e)) return e;
    throw e;
  }
  throw new Error('expected an S3Error');
}

const PARSERS = ['fast', 'fxp'] as const;
/** The parseXml option for each parser name. */
const USE = { fast: 'fast', fxp: fxpParser } as const;

describe('parseXml: values are data', () => {
  for (const parser of PARSERS) {
    it(`keeps a key that is a single space through Delete and a listing (${parser})`, () => {
      const del = buildXml('Delete', { Object: [{ Key: ' ' }, { Key: '\ta \n' }], Quiet: true });
      expect(parseXml('Delete', del, { parser: USE[parser] })).toEqual({ Object: [{ Key: ' ' }, { Key: '\ta \n' }], Quiet: true });
      const list = '<ListBucketResult><Name>b</Name><Contents><Key> </Key><Size>0</Size></Contents></ListBucketResult>';
      expect(parseXml('ListBucketResult', list, { parser: USE[parser] }).Contents[0]!.Key).toBe(' ');
    });

    it(`keeps leading zeros and number-looking strings as strings (${parser})`, () => {
      const r = parseXml('ListBucketResult', '<ListBucketResult><Contents><Key>007</Key><ETag>"1e3"</ETag></Contents></ListBucketResult>', { parser: USE[parser] });
      expect(r.Contents[0]).toEqual({ Key: '007', ETag: '"1e3"', ChecksumAlgorithm: [] });
    });

    it(`always returns lists as arrays, with one element or none (${parser})`, () => {
      const one = parseXml('ListBucketResult', '<ListBucketResult><Contents><Key>a</Key></Contents></ListBucketResult>', { parser: USE[parser] });
      expect(one.Contents).toHaveLength(1);
      expect(one.CommonPrefixes).toEqual([]);
      expect(parseXml('Tagging', '<Tagging><TagSet/></Tagging>', { parser: USE[parser] }).TagSet).toEqual([]);
    });

    it(`types numbers, booleans and dates (${parser})`, () => {
      const r = parseXml(
        'ListBucketResult',
        '<ListBucketResult><KeyCount>2</KeyCount><IsTruncated>false</IsTruncated><Contents><Key>k</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified><Size>434234</Size></Contents></ListBucketResult>',
        { parser: USE[parser] },
      );
      expect(r.KeyCount).toBe(2);
      expect(r.IsTruncated).toBe(false);
      expect(r.Contents[0]!.LastModified).toEqual(new Date('2009-10-12T17:50:30.000Z'));
      expect(r.Contents[0]!.Size).toBe(434234);
    });

    it(`decodes the XML entities, character references and CDATA, and rejects &nbsp; with MalformedXML (${parser})`, () => {
      const r = parseXml('Tagging', '<Tagging><TagSet><Tag><Key>a&amp;b&#13;&#x2603;</Key><Value><![CDATA[<&amp;>]]></Value></Tag></TagSet></Tagging>', { parser: USE[parser] });
      expect(r.TagSet[0]).toEqual({ Key: 'a&b\r☃', Value: '<&amp;>' });
      expect(s3err(() => parseXml('Tagging', '<Tagging><TagSet><Tag><Key>&nbsp;</Key><Value/></Tag></TagSet></Tagging>', { parser: USE[parser] })).code).toBe('MalformedXML');
    });

    it(`decodes EncodingType=url fields (${parser})`, () => {
      const r = parseXml(
        'ListBucketResult',
        '<ListBucketResult><Prefix>a%2Fb+c</Prefix><EncodingType>url</EncodingType><Contents><Key>a%2Fb+c%E2%9C%93</Key></Contents><CommonPrefixes><Prefix>p%20q%2F</Prefix></CommonPrefixes></ListBucketResult>',
        { parser: USE[parser] },
      );
      expect([r.Prefix, r.Contents[0]!.Key, r.CommonPrefixes[0]!.Prefix]).toEqual(['a/b c', 'a/b c✓', 'p q/']);
    });
  }
});

describe('parseXml: safety', () => {
  const laughs =
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><Tagging><TagSet><Tag><Key>&lol2;</Key><Value/></Tag></TagSet></Tagging>';
  for (const parser of PARSERS) {
    it(`rejects DOCTYPE and entity declarations with MalformedXML (${parser})`, () => {
      expect(s3err(() => parseXml('Tagging', laughs, { parser: USE[parser] })).code).toBe('MalformedXML');
      expect(s3err(() => parseXml('Tagging', '<!doctype x><Tagging/>', { parser: USE[parser] })).code).toBe('MalformedXML');
    });

    it(`elements named __proto__ or constructor pollute no prototype (${parser})`, () => {
      const x = '<Tagging><__proto__><polluted>1</polluted></__proto__><constructor/><TagSet><Tag><Key>__proto__</Key><Value>v</Value></Tag></TagSet></Tagging>';
      // fast-xml-parser refuses the element name outright; the tuned scanner keeps it as data.
      if (parser === 'fxp') expect(s3err(() => parseXml('Tagging', x, { parser: USE[parser] })).code).toBe('MalformedXML');
      else expect(parseXml('Tagging', x, { parser: USE[parser] }).TagSet).toEqual([{ Key: '__proto__', Value: 'v' }]);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });

    it(`rejects nesting deeper than maxDepth with MalformedXML (${parser})`, () => {
      const deep = '<Tagging>' + '<a>'.repeat(100) + '</a>'.repeat(100) + '</Tagging>';
      expect(s3err(() => parseXml('Tagging', deep, { parser: USE[parser] })).code).toBe('MalformedXML');
      expect(parseXml('Tagging', deep, { parser: USE[parser], maxDepth: 200 }).TagSet).toEqual([]);
    });

    it(`rejects a body over maxBytes with MaxMessageLengthExceeded (${parser})`, () => {
      const e = s3err(() => parseXml('Tagging', '<Tagging>' + ' '.repeat(2000) + '</Tagging>', { parser: USE[parser], maxBytes: 1024 }));
      expect([e.code, e.status]).toEqual(['MaxMessageLengthExceeded', 400]);
    });

    it(`answers malformed documents with MalformedXML (${parser})`, () => {
      for (const bad of [
        '',
        'not xml',
        '<Tagging>',
        '<Tagging><TagSet></Tagging>',
        '<Tagging></Tagging><Tagging></Tagging>',
        '<Tagging a=1></Tagging>',
        '<Tagging><TagSet><Tag><Key>a &bogus; b</Key></Tag></TagSet></Tagging>',
        '<Tagging><TagSet><Tag><Key><x/></Key></Tag></TagSet></Tagging>',
        '<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>',
        '<ListBucketResult><KeyCount>two</KeyCount></ListBucketResult>',
        '<ListBucketResult><IsTruncated>yes</IsTruncated></ListBucketResult>',
        '<ListBucketResult><Contents><Key>k</Key><LastModified>yesterday</LastModified></Contents></ListBucketResult>',
        '<ListBucketResult><Name>a</Name><Name>b</Name></ListBucketResult>',
        '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>',
      ]) {
        const shape = bad.includes('ListBucketResult') ? 'ListBucketResult' : 'Tagging';
        expect(s3err(() => parseXml(shape, bad, { parser: USE[parser] })).code, bad).toBe('MalformedXML');
      }
    });

    it(`rejects invalid UTF-8 bytes with MalformedXML (${parser})`, () => {
      const bytes = new Uint8Array([...new TextEncoder().encode('<Tagging><TagSet><Tag><Key>'), 0xff, ...new TextEncoder().encode('</Key><Value/></Tag></TagSet></Tagging>')]);
      expect(s3err(() => parseXml('Tagging', bytes, { parser: USE[parser] })).code).toBe('MalformedXML');
    });

    it(`throws the S3Error of an <Error> body returned with 200 (${parser})`, () => {
      const body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>R</RequestId></Error>';
      const e = s3err(() => parseXml('CompleteMultipartUploadResult', body, { parser: USE[parser] }));
      expect([e.code, e.status, e.requestId]).toEqual(['InternalError', 500, 'R']);
    });

    it(`property: arbitrary input ends in a value or an S3Error, never a crash (${parser})`, () => {
      const seed = buildXml('ListBucketResult', { Name: 'b', Contents: [{ Key: 'k<&>', Size: 1 }], CommonPrefixes: [] });
      fc.assert(
        fc.property(fc.string(), fc.nat(seed.length), fc.nat(seed.length), (junk, at, cut) => {
          for (const input of [junk, seed.slice(0, at) + junk + seed.slice(at), seed.slice(0, Math.min(at, cut)) + seed.slice(Math.max(at, cut))]) {
            try {
              parseXml('ListBucketResult', input, { parser: USE[parser] });
            } catch (e) {
              expect(isS3Error(e), String(e)).toBe(true);
            }
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});

const keyArb = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constantFrom(' ', '  ', '\t', '\r\n', 'a\rb', '\u0001x', '<&>"\'', ']]>', 'a/b/', '%2F', '+ +'));
const listArb = fc.record(
  {
    Name: fc.string({ minLength: 3, maxLength: 10 }),
    Prefix: keyArb,
    Delimiter: keyArb,
    EncodingType: fc.constant('url'),
    KeyCount: fc.nat(1000),
    IsTruncated: fc.boolean(),
    Contents: fc.array(
      fc.record(
        {
          Key: keyArb,
          LastModified: fc.date({ min: new Date(0), max: new Date(4102444800000), noInvalidDate: true }),
          ETag: fc.string({ maxLength: 34 }),
          ChecksumAlgorithm: fc.array(fc.constantFrom('CRC32', 'SHA256'), { maxLength: 2 }),
          Size: fc.nat(),
        },
        { requiredKeys: ['Key', 'ChecksumAlgorithm'] },
      ),
      { maxLength: 5 },
    ),
    CommonPrefixes: fc.array(fc.record({ Prefix: keyArb }), { maxLength: 3 }),
  },
  { requiredKeys: ['Contents', 'CommonPrefixes'] },
) as fc.Arbitrary<ListBucketResult>;

describe('round trip', () => {
  it('property: parse(build(x)) equals x for listings, with both parsers (differential)', () => {
    fc.assert(
      fc.property(listArb, fc.boolean(), (x, url) => {
        const value: ListBucketResult = url ? x : { ...x, EncodingType: 'none' };
        const xml = buildXml('ListBucketResult', value);
        expect(parseXml('ListBucketResult', xml, { parser: 'fast' })).toEqual(value);
        // fast-xml-parser drops XML-1.0-prohibited references such as &#1; (see README), so it is
        // the oracle only for text without such control characters.
        if (!/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(xml.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))))) {
          expect(parseXml('ListBucketResult', xml, { parser: fxpParser })).toEqual(value);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: tags with any text survive build and parse', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ Key: keyArb, Value: keyArb }), { maxLength: 10 }), (TagSet) => {
        expect(parseXml('Tagging', buildXml('Tagging', { TagSet }))).toEqual({ TagSet });
      }),
    );
  });

  it('writes the S3 namespace and the xsi:type attribute as S3 does', () => {
    const xml = buildXml('AccessControlPolicy', {
      Owner: { ID: 'o' },
      AccessControlList: [{ Grantee: { Type: 'CanonicalUser', ID: 'o' }, Permission: 'FULL_CONTROL' }],
    });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>o</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>o</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>',
    );
    expect(parseXml('AccessControlPolicy', xml).AccessControlList[0]!.Grantee).toEqual({ Type: 'CanonicalUser', ID: 'o' });
  });

  it('builds and parses a LocationConstraint text root', () => {
    expect(buildXml('LocationConstraint', 'eu-west-1', { declaration: false })).toBe('<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-west-1</LocationConstraint>');
    expect(parseXml('LocationConstraint', '<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>')).toBe('');
  });

  it('escapes a carriage return as &#13; so receivers do not normalize it', () => {
    expect(buildXml('Delete', { Object: [{ Key: 'a\rb' }] }, { declaration: false })).toContain('<Key>a&#13;b</Key>');
  });

  it('refuses to build a value of the wrong type with TypeError', () => {
    expect(() => buildXml('Delete', { Object: [{ Key: 1 as unknown as string }] })).toThrow(TypeError);
    expect(() => buildXml('Delete', { Object: [{} as { Key: string }] })).toThrow(TypeError);
  });
});

describe('buildXml: S3 details', () => {
  it('URL-encodes as S3 does: "/" kept, space as "+", "+" and "~" escaped, UTF-8 bytes in %XX', () => {
    const keys = ['a b/c', 'a+b', '100%.csv', '한/x', "*-_.~!'()", 'q=1&r:2'];
    const xml = buildXml('ListBucketResult', { EncodingType: 'url', Prefix: 'run books/', Delimiter: '/', Contents: keys.map((Key) => ({ Key })) });
    expect(xml).toContain('<Prefix>run+books/</Prefix>');
    expect(xml).toContain('<Delimiter>/</Delimiter>');
    const encoded = [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]);
    expect(encoded).toEqual(['a+b/c', 'a%2Bb', '100%25.csv', '%ED%95%9C/x', '*-_.%7E%21%27%28%29', 'q%3D1%26r%3A2']);
    expect(parseXml('ListBucketResult', xml).Contents.map((c) => c.Key)).toEqual(keys);
  });

  it('interleaves Version and DeleteMarker entries in the order given', () => {
    const d = new Date(0);
    const xml = buildXml(
      'ListVersionsResult',
      {
        Name: 'b',
        Version: [
          { Key: 'a', VersionId: '1' },
          { Key: 'b', VersionId: '3' },
        ],
        DeleteMarker: [{ Key: 'a', VersionId: '2', LastModified: d }],
        CommonPrefixes: [{ Prefix: 'p/' }],
      },
      { interleave: ['Version', 'DeleteMarker', 'Version'] },
    );
    expect(xml.replace(/<\/?(Key|LastModified|Prefix)>[^<]*/g, '')).toContain(
      '<Version><VersionId>1</VersionId></Version><DeleteMarker><VersionId>2</VersionId></DeleteMarker><Version><VersionId>3</VersionId></Version><CommonPrefixes>',
    );
    const r = parseXml('ListVersionsResult', xml);
    expect([r.Version.map((v) => v.VersionId), r.DeleteMarker.map((v) => v.VersionId)]).toEqual([['1', '3'], ['2']]);
    expect(() => buildXml('ListVersionsResult', { Version: [{ Key: 'a' }] }, { interleave: [] })).not.toThrow();
    expect(() => buildXml('ListVersionsResult', { Version: [{ Key: 'a' }, { Key: 'b' }] }, { interleave: ['Version'] })).toThrow(TypeError);
    expect(() => buildXml('ListVersionsResult', { Version: [] }, { interleave: ['Version'] })).toThrow(TypeError);
  });
});

describe('error XML', () => {
  it('parses an <Error> with extra fields and falls back to response headers for ids', () => {
    const e = parseErrorXml('<Error><Code>SignatureDoesNotMatch</Code><Message>m</Message><StringToSign>AWS4-HMAC-SHA256\n2015</StringToSign><Resource>/b/k</Resource></Error>', {
      'x-amz-request-id': 'REQ',
      'x-amz-id-2': 'HOST',
    });
    expect([e.code, e.status, e.message, e.resource, e.requestId, e.hostId]).toEqual(['SignatureDoesNotMatch', 403, 'm', '/b/k', 'REQ', 'HOST']);
    expect(e.details).toEqual({ StringToSign: 'AWS4-HMAC-SHA256\n2015' });
  });

  it('keeps unknown upstream codes and uses the response status', () => {
    const e = parseErrorXml('<Error><Code>XMinioAdminError</Code></Error>', new Headers(), { status: 409 });
    expect([e.code, e.status]).toEqual(['XMinioAdminError', 409]);
  });

  it('maps an empty HEAD error body to the SDK code for the status', () => {
    expect(parseErrorXml('', { 'x-amz-request-id': 'R' }, { status: 404 })).toMatchObject({ code: 'NotFound', status: 404, requestId: 'R' });
  });

  it('renders an S3Error back to XML with escaped details and without log-only fields', () => {
    const err = new S3Error('SignatureDoesNotMatch', { resource: '/b/k&1', details: { StringToSign: 'a<b', reason: 'secret-ish log note' } });
    const xml = buildErrorXml(err, { requestId: 'R1', hostId: 'H1' });
    expect(xml).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>${err.message}</Message><StringToSign>a&lt;b</StringToSign><Resource>/b/k&amp;1</Resource><RequestId>R1</RequestId><HostId>H1</HostId></Error>`,
    );
    const back = parseErrorXml(xml);
    expect([back.code, back.message, back.resource, back.requestId, back.hostId, back.details]).toEqual([err.code, err.message, '/b/k&1', 'R1', 'H1', { StringToSign: 'a<b' }]);
  });

  it('answers a non-Error body with MalformedXML', () => {
    expect(s3err(() => parseErrorXml('<Tagging/>')).code).toBe('MalformedXML');
    expect(s3err(() => parseErrorXml('<Error><Message>m</Message></Error>')).code).toBe('MalformedXML');
  });
});
