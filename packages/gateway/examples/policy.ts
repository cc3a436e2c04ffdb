import { evaluate, parsePolicy } from '@s3kit/gateway';

const bucketPolicy = parsePolicy(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ReadPublic', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/public/*' },
      {
        Sid: 'TlsOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: 'arn:aws:s3:::photos/*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  }),
  { kind: 'bucket', bucket: 'photos' },
);

for (const secure of ['true', 'false']) {
  const result = evaluate({
    bucketPolicy,
    request: {
      principal: { anonymous: true },
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::photos/public/cat.jpg',
      context: { 'aws:SecureTransport': secure },
    },
  });
  console.log(secure, result.decision, result.statement?.sid);
}
// true allow ReadPublic
// false deny TlsOnly
