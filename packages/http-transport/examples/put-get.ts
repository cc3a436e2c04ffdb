import { isS3Error } from '@s3kit/errors';
import { createTransport, isTransportError } from '@s3kit/http-transport';

/** Signed PUT then GET of one object; `endpoint` is e.g. `https://s3.us-east-1.amazonaws.com`. */
export async function putAndGet(endpoint: string): Promise<string> {
  const transport = createTransport({
    sign: { credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }, region: 'us-east-1' },
    retry: { maxAttempts: 4 },
  });
  try {
    const put = await transport.request({
      method: 'PUT',
      url: `${endpoint}/my-bucket/hello.txt`,
      headers: { 'content-type': 'text/plain' },
      body: 'Hello, S3!',
    });
    await put.body.dump();
    const get = await transport.request({ method: 'GET', url: `${endpoint}/my-bucket/hello.txt`, signal: AbortSignal.timeout(10_000) });
    return await get.body.text();
  } catch (err) {
    if (isS3Error(err)) console.error(`S3 said ${err.code} (${err.status}), request id ${err.requestId}`);
    else if (isTransportError(err)) console.error(`transport failed: ${err.code}`);
    throw err;
  } finally {
    await transport.close();
  }
}
