import { SigV4Signer, SigV4Verifier, chunkedHeaders, createChunkedDecoder, createChunkedEncoder, streamingPayloadHash } from '@s3kit/sigv4';

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const body = new TextEncoder().encode('x'.repeat(200_000)); // any ReadableStream works: memory stays flat

// Client: declare the framing up front (Content-Length, x-amz-decoded-content-length, x-amz-trailer),
// sign with the streaming payload hash, then pipe the body through the encoder.
const options = { mode: 'streaming-trailer', checksumAlgorithm: 'crc32c' } as const;
const signed = new SigV4Signer({ credentials, region: 'us-east-1' }).sign({
  method: 'PUT',
  url: 'https://examplebucket.s3.amazonaws.com/big.bin',
  headers: chunkedHeaders(body.length, options),
  payloadHash: streamingPayloadHash(options.mode),
});
const wire = new Blob([body]).stream().pipeThrough(createChunkedEncoder(signed, options));

// Server: verify the headers, then decode; every chunk signature, the CRC32C trailer and the
// trailer signature are checked before bytes are released (a bad chunk errors the stream).
const verifier = new SigV4Verifier({ region: 'us-east-1', getCredentials: () => ({ secretAccessKey: credentials.secretAccessKey }) });
const verified = await verifier.verify({ method: 'PUT', url: '/big.bin', headers: signed.headers });
const decoded = wire.pipeThrough(
  createChunkedDecoder(verified, {
    decodedContentLength: signed.headers['x-amz-decoded-content-length'],
    trailer: signed.headers['x-amz-trailer'],
  }),
);
const received = new Uint8Array(await new Response(decoded).arrayBuffer());

console.log(signed.headers['content-length'], received.length, verified.payloadMode);

export { signed, received, verified };
