import { isS3Error } from '@s3kit/errors';
import { SigV4Signer, SigV4Verifier } from '@s3kit/sigv4';

const keys = new Map([['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY']]);
const verifier = new SigV4Verifier({
  region: 'us-east-1',
  getCredentials: async (accessKeyId) => {
    const secretAccessKey = keys.get(accessKeyId);
    return secretAccessKey === undefined ? undefined : { secretAccessKey };
  },
});

// A client signs a PUT...
const client = new SigV4Signer({
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: keys.get('AKIAIOSFODNN7EXAMPLE')! },
  region: 'us-east-1',
});
const body = 'hello';
const req = client.sign({ method: 'PUT', url: 'https://examplebucket.s3.amazonaws.com/notes/a.txt', headers: { 'content-type': 'text/plain' }, body });

// ...the server verifies what it received: method, the target as sent, the headers.
const ok = await verifier.verify({ method: 'PUT', url: '/notes/a.txt', headers: req.headers });
console.log(ok.accessKeyId, ok.payloadMode, ok.signedHeaders.join(';'));

// Anything signed that changes on the way is refused with the S3 error code and status.
const tampered = await verifier
  .verify({ method: 'PUT', url: '/notes/b.txt', headers: req.headers })
  .catch((e: unknown) => (isS3Error(e) ? `${e.code} ${e.status}` : e));
console.log(tampered);

export { ok, tampered };
