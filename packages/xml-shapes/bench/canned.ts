// A realistic ListObjectsV2 response with 1000 keys, shaped like AWS S3's (quoted ETags as
// &quot;, owner omitted as with fetch-owner=false, a checksum algorithm on some objects).
export function cannedListObjectsV2(n = 1000): string {
  let body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>photos</Name><Prefix></Prefix><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken><KeyCount>' +
    n +
    '</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated>';
  for (let i = 0; i < n; i++) {
    const d = new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString();
    const etag = ((i * 2654435761) >>> 0).toString(16).padStart(8, '0').repeat(4);
    body +=
      `<Contents><Key>photos/2024/${String(i % 12).padStart(2, '0')}/IMG_${String(i).padStart(5, '0')} copy.jpg</Key>` +
      `<LastModified>${d}</LastModified><ETag>&quot;${etag}&quot;</ETag>` +
      (i % 3 === 0 ? '<ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm>' : '') +
      `<Size>${1000 + i * 37}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
  }
  return body + '</ListBucketResult>';
}
