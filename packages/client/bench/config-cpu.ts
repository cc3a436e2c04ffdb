/**
 * Client CPU per call of configuration round trips (GetBucketTagging, PutBucketTagging,
 * GetBucketLifecycleConfiguration with 10 rules) and of one ListObjectVersions page of 1,000
 * versions: s3kit S3Client vs minio-js vs @aws-sdk/client-s3, short interleaved rounds, medians, one run.
 * The server (a child process, so `process.cpuUsage()` counts only client work) answers every
 * request with canned, byte-identical S3 XML: it costs the same for all three.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { GetBucketLifecycleConfigurationCommand, GetBucketTaggingCommand, ListObjectVersionsCommand, PutBucketTaggingCommand, S3Client as AwsS3Client } from '@aws-sdk/client-s3';
import { Client as MinioClient } from 'minio';
import { S3Client } from '@s3kit/client'; // dist at run time (no @s3kit/source condition)
import { cpuMicrosPerCall } from '@s3kit/test-utils';

const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const OWNER = '<Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID><DisplayName>bench</DisplayName></Owner>';
const TAGS: Record<string, string> = { project: 'atlas', env: 'production', team: 'storage-platform', 'cost-center': 'cc-1042', owner: 'ops@example.com' };

const taggingXml = `<?xml version="1.0" encoding="UTF-8"?>\n<Tagging ${NS}><TagSet>${Object.entries(TAGS)
  .map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`)
  .join('')}</TagSet></Tagging>`;

/** A realistic 10-rule lifecycle: prefix, tag and And filters, transitions, noncurrent expiry, MPU abort. */
const lifecycleXml = (() => {
  const rules = [
    '<Rule><ID>logs-archive</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition><Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition><Expiration><Days>365</Days></Expiration></Rule>',
    '<Rule><ID>tmp-cleanup</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>',
    '<Rule><ID>abort-mpu</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>',
    '<Rule><ID>noncurrent</ID><Filter><Prefix>data/</Prefix></Filter><Status>Enabled</Status><NoncurrentVersionTransition><NoncurrentDays>30</NoncurrentDays><StorageClass>STANDARD_IA</StorageClass></NoncurrentVersionTransition><NoncurrentVersionExpiration><NoncurrentDays>90</NoncurrentDays></NoncurrentVersionExpiration></Rule>',
    '<Rule><ID>tagged-temp</ID><Filter><Tag><Key>retention</Key><Value>temporary</Value></Tag></Filter><Status>Enabled</Status><Expiration><Days>14</Days></Expiration></Rule>',
    '<Rule><ID>reports-and</ID><Filter><And><Prefix>reports/</Prefix><Tag><Key>class</Key><Value>quarterly</Value></Tag><Tag><Key>dept</Key><Value>finance</Value></Tag></And></Filter><Status>Enabled</Status><Transition><Days>60</Days><StorageClass>GLACIER_IR</StorageClass></Transition></Rule>',
    '<Rule><ID>backups-date</ID><Filter><Prefix>backups/2025/</Prefix></Filter><Status>Enabled</Status><Expiration><Date>2027-01-01T00:00:00.000Z</Date></Expiration></Rule>',
    '<Rule><ID>delete-markers</ID><Filter><Prefix>archive/</Prefix></Filter><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>',
    '<Rule><ID>media-deep</ID><Filter><And><Prefix>media/raw/</Prefix><ObjectSizeGreaterThan>1048576</ObjectSizeGreaterThan></And></Filter><Status>Enabled</Status><Transition><Days>180</Days><StorageClass>DEEP_ARCHIVE</StorageClass></Transition></Rule>',
    '<Rule><ID>disabled-old</ID><Filter><Prefix>legacy/</Prefix></Filter><Status>Disabled</Status><Expiration><Days>30</Days></Expiration></Rule>',
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>\n<LifecycleConfiguration ${NS}>${rules.join('')}</LifecycleConfiguration>`;
})();

/** One page (not truncated) of 1,000 versions: 500 keys with 2 versions each, newest first. */
const versionsXml = (() => {
  const parts = [
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListVersionsResult ${NS}><Name>bucket</Name><Prefix></Prefix><KeyMarker></KeyMarker><VersionIdMarker></VersionIdMarker><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>`,
  ];
  for (let k = 0; k < 500; k++) {
    const key = `logs/2026/12/06/events-${String(k).padStart(6, '0')}.json`;
    for (let v = 0; v < 2; v++) {
      const vid = `3HL4kqtJlcpXroDTDmJ${String(k * 2 + v).padStart(13, '0')}`;
      const etag = `&quot;${(k * 2 + v).toString(16).padStart(32, 'a')}&quot;`;
      parts.push(
        `<Version><Key>${key}</Key><VersionId>${vid}</VersionId><IsLatest>${v === 0}</IsLatest><LastModified>2026-12-0${6 - v}T14:${String(k % 60).padStart(2, '0')}:00.000Z</LastModified><ETag>${etag}</ETag><Size>${1000 + k}</Size>${OWNER}<StorageClass>STANDARD</StorageClass></Version>`,
      );
    }
  }
  parts.push('</ListVersionsResult>');
  return parts.join('');
})();

/**
 * A node:http server in a child process answering GET `?tagging`, `?lifecycle`, `?versions` with
 * the canned XML above and every PUT with an empty 200 (MinIO's answer; minio-js refuses S3's 204
 * for PutBucketTagging).
 */
async function startCannedServer(): Promise<{ origin: string; stop(): void }> {
  const code = `
    const http = require('node:http');
    const bodies = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    const buf = Object.fromEntries(Object.entries(bodies).map(([k, v]) => [k, Buffer.from(v)]));
    const common = { 'x-amz-request-id': 'BENCH0000000000', 'x-amz-id-2': 'benchhostid', server: 'AmazonS3' };
    http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.method !== 'GET') { res.writeHead(200, { ...common, 'content-length': '0' }); return res.end(); }
        const q = new URLSearchParams(req.url.slice(req.url.indexOf('?') + 1));
        const body = q.has('versions') ? buf.versions : q.has('lifecycle') ? buf.lifecycle : q.has('tagging') ? buf.tagging : undefined;
        if (!body) { res.writeHead(404, { ...common, 'content-length': '0' }); return res.end(); }
        res.writeHead(200, { ...common, 'content-type': 'application/xml', 'content-length': String(body.length) });
        res.end(body);
      });
    }).listen(0, '127.0.0.1', function () { this.keepAliveTimeout = 60000; process.stdout.write(String(this.address().port) + '\\n'); });
  `;
  // The canned bodies go in on stdin (the 1,000-version page is too large for an argument).
  const child = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(JSON.stringify({ tagging: taggingXml, lifecycle: lifecycleXml, versions: versionsXml }));
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  return { origin: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

type Contenders = Array<[string, () => Promise<unknown>]>;

/** Name of the floor row: what any Node client pays for the round trip itself. */
const FLOOR = 'floor: bare node:http';

/**
 * The floor: a bare node:http keep-alive request of the same canned answer (body collected as
 * Buffers), with no SigV4, no XML building and no parsing. Socket writes, reads and HTTP framing
 * cost every client this much; what a client adds is its cost above this row.
 */
function bareRequest(origin: string): (method: string, path: string, body?: string) => Promise<void> {
  const agent = new http.Agent({ keepAlive: true });
  const { hostname, port } = new URL(origin);
  return (method, path, body) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request({ method, host: hostname, port, path, agent, headers: body === undefined ? {} : { 'content-length': Buffer.byteLength(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          Buffer.concat(chunks);
          resolve();
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
}
/** Short interleaved rounds (~200 calls each): load that comes and goes hits every contender alike. */
const ROUNDS = 15;

/** One comparison: the three contenders of one operation, interleaved rounds, median µs per call. */
type Row = { op: string; client: string; 'CPU µs/call (median)': string; 's3kit/this': string };

async function compare(title: string, contenders: Contenders, total: number, rounds: number): Promise<Row[]> {
  const { median } = await cpuMicrosPerCall(contenders, { total, warmup: Math.min(50, total / 10), rounds });
  const ours = median.get(contenders[0]![0])!;
  return contenders.map(([name]) => ({ op: title, client: name, 'CPU µs/call (median)': median.get(name)!.toFixed(0), 's3kit/this': (ours / median.get(name)!).toFixed(2) }));
}

export async function configCpuBench(n = Number(process.env['BENCH_N'] ?? 3000)): Promise<void> {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
  const region = 'us-east-1';
  const server = await startCannedServer();
  const url = new URL(server.origin);
  const ours = new S3Client({ endpoint: server.origin, accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey, region, transport: { proxy: false } });
  const minio = new MinioClient({ endPoint: url.hostname, port: Number(url.port), useSSL: false, accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey, region, pathStyle: true });
  const sdk = new AwsS3Client({ endpoint: server.origin, region, forcePathStyle: true, credentials, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  const b = 'bucket';
  const bare = bareRequest(server.origin);
  const tagsBody = taggingXml;
  const tagSet = Object.entries(TAGS).map(([Key, Value]) => ({ Key, Value }));
  const drain = async (it: AsyncIterable<unknown>) => {
    let n = 0;
    for await (const _ of it) n++;
    if (n !== 1000) throw new Error(`listed ${n} versions, expected 1000`);
  };
  const ops: Array<[title: string, contenders: Contenders, total: number, rounds: number]> = [
    [
      'getBucketTags',
      [
        ['s3kit', () => ours.getBucketTags(b)],
        ['minio-js', () => minio.getBucketTagging(b)],
        ['aws-sdk v3', () => sdk.send(new GetBucketTaggingCommand({ Bucket: b }))],
        [FLOOR, () => bare('GET', `/${b}?tagging`)],
      ],
      n,
      ROUNDS,
    ],
    [
      'setBucketTags',
      [
        ['s3kit', () => ours.setBucketTags(b, TAGS)],
        ['minio-js', () => minio.setBucketTagging(b, TAGS)],
        ['aws-sdk v3', () => sdk.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: tagSet } }))],
        [FLOOR, () => bare('PUT', `/${b}?tagging`, tagsBody)],
      ],
      n,
      ROUNDS,
    ],
    [
      'getBucketLifecycle (10 rules)',
      [
        ['s3kit', () => ours.getBucketLifecycle(b)],
        ['minio-js', () => minio.getBucketLifecycle(b)],
        ['aws-sdk v3', () => sdk.send(new GetBucketLifecycleConfigurationCommand({ Bucket: b }))],
        [FLOOR, () => bare('GET', `/${b}?lifecycle`)],
      ],
      n,
      ROUNDS,
    ],
    [
      'listObjectVersions (1,000, one page)',
      [
        ['s3kit', () => drain(ours.listObjectVersions(b, { recursive: true }))],
        ['minio-js', () => drain(minio.listObjects(b, '', true, { IncludeVersion: true }))],
        [
          'aws-sdk v3',
          async () => {
            const r = await sdk.send(new ListObjectVersionsCommand({ Bucket: b }));
            if (r.Versions?.length !== 1000) throw new Error('expected 1000 versions');
          },
        ],
        [FLOOR, () => bare('GET', `/${b}?versions`)],
      ],
      Math.max(90, Math.round(n / 10)),
      9,
    ],
  ];
  // Warm every code path of every contender first: the first operation measured must not pay for
  // the JIT and the heap growth the later ones find done.
  for (const [, contenders, total] of ops) for (const [, fn] of contenders) for (let i = 0; i < Math.min(300, total / 3); i++) await fn();
  const rows: Row[] = [];
  for (const op of ops) rows.push(...(await compare(...op)));
  console.log(
    `\nConfiguration round trips and 1,000-version listing: client CPU per call, canned S3 XML from a local child-process server, medians of ${ROUNDS} interleaved rounds (9 for the listing); node ${process.version}, ${process.arch}`,
  );
  console.table(rows);
  for (const op of new Set(rows.map((r) => r.op))) {
    const of = (client: string) => rows.find((r) => r.op === op && r.client === client)!;
    const rm = Number(of('minio-js')['s3kit/this']);
    const ra = Number(of('aws-sdk v3')['s3kit/this']);
    console.log(`${op}: ${rm.toFixed(2)}x minio-js (target <= 0.5: ${rm <= 0.5 ? 'met' : 'NOT met'}), ${ra.toFixed(2)}x AWS SDK (target <= 0.2: ${ra <= 0.2 ? 'met' : 'NOT met'})`);
  }
  await ours.close();
  sdk.destroy();
  server.stop();
}
