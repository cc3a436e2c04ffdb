import { SigV4Signer } from '@s3kit/sigv4';

const signer = new SigV4Signer({
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  region: 'us-east-1',
  clock: () => Date.UTC(2013, 4, 24), // fixed so the output matches the AWS docs; omit in real code
});

// Authorization header for GET with a Range: send `signed.headers` with the request.
const signed = signer.sign({ method: 'GET', url: 'https://examplebucket.s3.amazonaws.com/test.txt', headers: { Range: 'bytes=0-9' } });
// A URL that anyone can GET for 24 hours.
const presigned = signer.presign({ method: 'GET', url: 'https://examplebucket.s3.amazonaws.com/test.txt', expiresIn: 86400 });

console.log(signed.headers['authorization']);
console.log(presigned.url);

export { signed, presigned };
