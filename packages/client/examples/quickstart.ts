import { isS3Error } from '@s3kit/errors';
import { S3Client } from '@s3kit/client';

/** Create a bucket, upload, list, read back and presign: the MinIO-client API in TypeScript. */
export async function quickstart(endpoint: string, accessKey: string, secretKey: string, bucket: string): Promise<string[]> {
  const s3 = new S3Client({ endpoint, accessKey, secretKey, region: 'us-east-1' });
  try {
    if (!(await s3.bucketExists(bucket))) await s3.makeBucket(bucket);
    await s3.putObject(bucket, 'notes/hello.txt', 'Hello, S3!', { contentType: 'text/plain', metadata: { author: 'me' } });
    const keys: string[] = [];
    for await (const item of s3.listObjects(bucket, { prefix: 'notes/', recursive: true })) {
      if ('key' in item) keys.push(`${item.key} (${item.size} bytes)`);
    }
    const obj = await s3.getObject(bucket, 'notes/hello.txt');
    keys.push(`${await obj.text()} by ${obj.stat.metadata['author']}`);
    const url = await s3.presignedGetObject(bucket, 'notes/hello.txt', { expires: 600 });
    keys.push(await (await fetch(url)).text());
    return keys;
  } catch (err) {
    if (isS3Error(err)) console.error(`S3 said ${err.code} (${err.status}), request id ${err.requestId}`);
    throw err;
  } finally {
    await s3.close();
  }
}
