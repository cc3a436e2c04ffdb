/**
 * An upload ticket: the app knows the file's SHA-256, hands the browser a presigned POST
 * (url + fields + expiration), and the server side verifies the upload while it streams.
 */
import { createPresignedPost, verifyPost } from '@s3kit/post-policy';

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

export async function main(): Promise<{ status: number; key: string; stored: string }> {
  const file = new TextEncoder().encode('hello, bucket');
  const sha256 = btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.digest('SHA-256', file))));

  // Server: build the ticket (boto3 generate_presigned_post semantics).
  const ticket = createPresignedPost({
    bucket: 'uploads',
    key: 'inbox/${filename}',
    conditions: [['content-length-range', 1, 10 * 1024 * 1024]],
    checksumSha256: sha256,
    expiresIn: 900,
    credentials,
    region: 'us-east-1',
  });

  // Browser: a plain form post, `file` last.
  const form = new FormData();
  for (const [name, value] of Object.entries(ticket.fields)) form.append(name, value);
  form.append('file', new File([file], 'notes.txt', { type: 'text/plain' }));
  const request = new Request(ticket.url, { method: 'POST', body: form });

  // Server: verify, then stream the checked bytes wherever they go.
  const upload = await verifyPost(request, {
    bucket: 'uploads',
    getCredentials: async (id) => (id === credentials.accessKeyId ? { secretAccessKey: credentials.secretAccessKey } : undefined),
  });
  const stored = await new Response(upload.file).text(); // errors (EntityTooLarge, BadDigest...) surface here
  const response = upload.success({ etag: '"5d41402abc4b2a76b9719d911017c592"' });
  return { status: response.status, key: upload.key, stored };
}
