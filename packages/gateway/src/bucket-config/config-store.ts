/**
 * Where the gateway keeps the bucket configuration set through the S3 API (bucket policies, CORS,
 * public access blocks): in the upstream itself, so every gateway instance in front of it sees
 * the same. An upstream declares one as `capabilities.configStore`: the embedded store keeps the
 * documents in its data directory, a remote S3 in a system bucket (`createS3Upstream`'s
 * `configStore` option) that clients never see.
 */

/** One stored document and its entity tag (changes whenever the content does). */
export interface ConfigDocument {
  readonly body: Uint8Array;
  readonly etag: string;
}

/** Small documents by name (`<bucket>/policy.json`); each is written and replaced whole. */
export interface ConfigStore {
  /**
   * Reads one document: `undefined` when there is none, `'unchanged'` when its entity tag is
   * still `etag` (a conditional read, so polling costs no transfer).
   */
  read(name: string, etag?: string): Promise<ConfigDocument | 'unchanged' | undefined>;
  /** Replaces (or creates) the document whole, atomically: a reader sees the old one or the new one. */
  write(name: string, body: Uint8Array): Promise<void>;
  /** Removes the document; no error when there is none. */
  remove(name: string): Promise<void>;
}

/** The document names of one bucket's configuration. */
export const DOCUMENTS = {
  policy: 'policy.json',
  cors: 'cors.json',
  publicAccessBlock: 'public-access-block.json',
  /** The owning account (`{"account":"<name>"}`), written at CreateBucket; absent: the default account. */
  owner: 'owner.json',
} as const;

export type DocumentKind = keyof typeof DOCUMENTS;

/** `<bucket>/<document>`: bucket names never hold `/`, so no bucket reaches another's documents. */
export function documentName(bucket: string, kind: DocumentKind): string {
  if (bucket === '' || bucket.includes('/') || bucket === '.' || bucket === '..') throw new TypeError(`bucket config: bad bucket name ${JSON.stringify(bucket)}`);
  return `${bucket}/${DOCUMENTS[kind]}`;
}
