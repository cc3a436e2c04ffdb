// pnpm bench: ListObjectsV2 (1000 keys) parsed into typed objects, side by side with the AWS
// SDK v3 deserializer end to end (canned response, no network), plus route() throughput.
// Runs against the built dist: `pnpm --filter @s3kit/xml-shapes build` first.
import { createRequire } from 'node:module';
import { Bench } from 'tinybench';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { XMLParser } from 'fast-xml-parser';
import { createRouter, parseXml } from '../dist/index.js';
import { fxpParser } from '../dist/fxp.js';
import { bundleWeight, kb } from '@s3kit/test-utils';
import { cannedListObjectsV2 } from './canned.js';

const body = cannedListObjectsV2(1000);
const bytes = new TextEncoder().encode(body);

// The SDK end to end: middleware stack, signing, deserializer, all on a canned HTTP response.
const client = new S3Client({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  requestHandler: {
    handle: async () => ({
      response: { statusCode: 200, reason: 'OK', headers: { 'content-type': 'application/xml', 'x-amz-request-id': 'R' }, body: bytes },
    }),
  } as never,
});
const command = () => new ListObjectsV2Command({ Bucket: 'photos', MaxKeys: 1000 });

// The SDK's own XML parser (what its deserializer calls before mapping to shapes).
const requireFromSdk = createRequire(createRequire(import.meta.url).resolve('@aws-sdk/client-s3'));
const { parseXML: sdkParseXml } = requireFromSdk(requireFromSdk.resolve('@aws-sdk/xml-builder')) as { parseXML: (x: string) => unknown };

// fast-xml-parser with the options S3 data needs (no trimming, no value parsing).
const fxp = new XMLParser({ ignoreAttributes: false, parseTagValue: false, trimValues: false, processEntities: true });

// Sanity: every contender sees 1000 keys.
const sdkOut = await client.send(command());
const ours = parseXml('ListBucketResult', bytes);
if (sdkOut.Contents?.length !== 1000 || ours.Contents.length !== 1000 || ours.Contents[5]!.Key !== sdkOut.Contents[5]!.Key) {
  throw new Error('contenders disagree');
}

const bench = new Bench({ time: 3000, warmupTime: 500 });
bench
  .add('AWS SDK v3 ListObjectsV2Command end to end', async () => {
    await client.send(command());
  })
  .add('AWS SDK v3 raw XML parser (@aws-sdk/xml-builder parseXML)', () => {
    sdkParseXml(body);
  })
  .add('fast-xml-parser 5.12 with S3 options (untyped)', () => {
    fxp.parse(body);
  })
  .add('@s3kit/xml-shapes parseXml (`fxpParser`, typed)', () => {
    parseXml('ListBucketResult', bytes, { parser: fxpParser });
  })
  .add('@s3kit/xml-shapes parseXml (default tuned path, typed, from bytes)', () => {
    parseXml('ListBucketResult', bytes);
  });
await bench.run();

const router = createRouter({ baseDomains: ['s3.example.com'] });
const requests: [string, string, string, string, Record<string, string>][] = [
  ['GET', 'photos.s3.example.com', '/2024/01/IMG%2000001.jpg', '', {}],
  ['PUT', 'localhost:9000', '/photos/big.bin', 'partNumber=3&uploadId=VXBsb2FkIElE', {}],
  ['GET', 'localhost:9000', '/photos', 'list-type=2&prefix=2024%2F&max-keys=1000', {}],
  ['PUT', 'localhost:9000', '/photos/copy.jpg', '', { 'x-amz-copy-source': '/photos/a.jpg' }],
];
const routeBench = new Bench({ time: 2000, warmupTime: 300 });
let n = 0;
routeBench.add('route() mixed: vhost GET, UploadPart, ListObjectsV2, CopyObject', () => {
  const r = requests[n++ & 3]!;
  router.route(r[0], r[1], r[2], r[3], r[4]);
});
await routeBench.run();

type Task = Bench['tasks'][number];
const opsPerSec = (t: Task | undefined): number => {
  const r = t?.result;
  return r !== undefined && 'throughput' in r ? r.throughput.mean : NaN;
};
const hz = (b: Bench, name: string) => opsPerSec(b.tasks.find((t) => t.name === name));
const sdk = hz(bench, 'AWS SDK v3 ListObjectsV2Command end to end');
console.log(`\nListObjectsV2, 1000 keys (${(bytes.length / 1024).toFixed(0)} KiB), Node ${process.version}\n`);
console.log('| contender | ops/s | vs SDK end to end |');
console.log('|---|---:|---:|');
for (const t of bench.tasks) {
  const v = opsPerSec(t);
  console.log(`| ${t.name} | ${v.toFixed(1)} | ${(v / sdk).toFixed(2)}x |`);
}
const r = hz(routeBench, routeBench.tasks[0]!.name);
console.log(`\n| router | routes/s |\n|---|---:|\n| ${routeBench.tasks[0]!.name} | ${(r / 1e6).toFixed(2)} M |`);

// Browser weight: each bundle next to its anchor (the same calls with what they no longer pull in).
const here = new URL('.', import.meta.url).pathname;
const weights: Array<[name: string, source: string, anchor: string, anchorSource: string]> = [
  [
    'parseXml + buildXml',
    `import { parseXml, buildXml } from '../dist/index.js'; export { parseXml, buildXml };`,
    'the same + fxpParser (fast-xml-parser, opt-in entry)',
    `import { parseXml, buildXml } from '../dist/index.js'; import { fxpParser } from '../dist/fxp.js'; export { parseXml, buildXml, fxpParser };`,
  ],
  [
    'validBucketName',
    `import { validBucketName } from '../dist/entry-operations.js'; export { validBucketName };`,
    'route (router + operation table)',
    `import { route } from '../dist/entry-operations.js'; export { route };`,
  ],
];
console.log('\n## Browser weight (esbuild, minified + gzip level 9, KB = 1000 bytes)\n');
console.log('| bundle | minified | gzip | anchor | anchor minified | anchor gzip | ratio (gzip) |');
console.log('|---|---:|---:|---|---:|---:|---:|');
for (const [name, source, anchor, anchorSource] of weights) {
  const [w, a] = [await bundleWeight(source, here), await bundleWeight(anchorSource, here)];
  console.log(`| ${name} | ${kb(w.minified)} | ${kb(w.gzip)} | ${anchor} | ${kb(a.minified)} | ${kb(a.gzip)} | ${(w.gzip / a.gzip).toFixed(2)}x |`);
}
