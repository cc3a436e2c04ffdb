import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `packages/xml-shapes/test/fixtures/aws-docs`: S3 XML bodies from the AWS API reference (README there). */
export function xmlFixturesDir(source: 'aws-docs' | 'ceph-rgw' = 'aws-docs'): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../packages/xml-shapes/test/fixtures', source);
}

/** File names of the XML fixtures, e.g. `ListBucketResult.v2.xml` (root element before the first dot). */
export function xmlFixtureNames(source: 'aws-docs' | 'ceph-rgw' = 'aws-docs'): string[] {
  return readdirSync(xmlFixturesDir(source))
    .filter((f) => f.endsWith('.xml'))
    .sort();
}

/** One fixture's bytes, exactly as stored (whitespace is data). */
export function loadXmlFixture(name: string, source: 'aws-docs' | 'ceph-rgw' = 'aws-docs'): Uint8Array {
  return new Uint8Array(readFileSync(join(xmlFixturesDir(source), name)));
}
