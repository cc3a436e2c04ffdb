import { buildXml, createRouter, parseXml, requiredActions } from '@s3kit/xml-shapes';

// Gateway side: find the operation and the IAM actions a request needs.
const router = createRouter({ baseDomains: ['s3.example.com'] });
const r = router.route('GET', 'photos.s3.example.com', '/2024/cat.jpg', 'tagging&versionId=3', {});
console.log(r.operation, r.bucket, r.key, requiredActions(r.spec, { versionId: r.params['versionId'] }));
// GetObjectTagging photos 2024/cat.jpg [ { action: 's3:GetObjectVersionTagging', resource: 'object' } ]

// Client side: build a request body and parse a response, typed.
const body = buildXml('Delete', { Object: [{ Key: ' ' }, { Key: 'a.txt', VersionId: 'v1' }], Quiet: true });
const listing = parseXml(
  'ListBucketResult',
  '<ListBucketResult><Name>photos</Name><KeyCount>1</KeyCount><Contents><Key> </Key><Size>0</Size></Contents></ListBucketResult>',
);
console.log(body.length > 0, listing.KeyCount, JSON.stringify(listing.Contents[0]?.Key), listing.CommonPrefixes);
// true 1 " " []
