import { SigV2Signer, signPolicyV2, verifyV2 } from '@s3kit/sigv4';

// Legacy Signature Version 2, for old tools (s3cmd, boto 2) and servers that still need it.
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const signer = new SigV2Signer({ credentials, virtualHost: ['s3.us-west-1.amazonaws.com'] });

const request = {
  method: 'PUT',
  url: 'https://awsexamplebucket1.s3.us-west-1.amazonaws.com/photos/puppy.jpg',
  headers: { 'content-type': 'image/jpeg', date: 'Tue, 27 Mar 2007 21:15:45 +0000' },
};
const signed = signer.sign(request); // Authorization: AWS AKIAIOSFODNN7EXAMPLE:iqRzw+ileNPu1fhspnRs8nOjjIA=

// Server side: the same request, verified (the clock is set to the request's Date here).
const verified = await verifyV2(
  { method: 'PUT', url: '/photos/puppy.jpg', headers: signed.headers },
  { getCredentials: () => credentials, virtualHost: ['s3.us-west-1.amazonaws.com'], clock: () => Date.parse(request.headers.date) },
);

// A SigV2 browser POST form signs the base64 policy.
const policy = btoa(JSON.stringify({ expiration: '2030-01-01T00:00:00Z', conditions: [{ bucket: 'awsexamplebucket1' }] }));
const form = { AWSAccessKeyId: credentials.accessKeyId, policy, signature: signPolicyV2(policy, credentials.secretAccessKey) };

console.log(signed.headers['authorization'], verified.stringToSign.split('\n').pop(), form.signature);

export { signed, verified, form };
