import type { StoreEvent } from './events.js';

/** The owner shown in event records (the store's own). */
const OWNER = 's3kit-local';

/** One S3 event record, as AWS documents it and MinIO sends it (`eventSource: "minio:s3"`). */
export interface S3EventRecord {
  readonly eventVersion: '2.0';
  readonly eventSource: 'minio:s3';
  readonly awsRegion: string;
  /** ISO 8601, milliseconds. */
  readonly eventTime: string;
  readonly eventName: string;
  readonly userIdentity: { readonly principalId: string };
  readonly requestParameters: { readonly principalId: string; readonly region: string; readonly sourceIPAddress: string };
  readonly responseElements: Readonly<Record<string, string>>;
  readonly s3: {
    readonly s3SchemaVersion: '1.0';
    readonly configurationId: string;
    readonly bucket: { readonly name: string; readonly ownerIdentity: { readonly principalId: string }; readonly arn: string };
    readonly object: {
      readonly key: string;
      readonly size?: number;
      readonly eTag?: string;
      readonly contentType?: string;
      readonly userMetadata?: Readonly<Record<string, string>>;
      readonly versionId?: string;
      readonly sequencer: string;
    };
  };
  readonly source: { readonly host: string; readonly port: string; readonly userAgent: string };
}

/** The record of `event`; `configurationId` is `Config` for a listener, as MinIO names it. */
export function toRecord(event: StoreEvent, region: string, configurationId = 'Config'): S3EventRecord {
  const src = event.source ?? {};
  const principalId = src.principalId ?? '';
  const o = event.object;
  const { host, port } = splitHost(src.host ?? '');
  return {
    eventVersion: '2.0',
    eventSource: 'minio:s3',
    awsRegion: region,
    eventTime: new Date(event.time).toISOString(),
    eventName: event.name,
    userIdentity: { principalId },
    requestParameters: { principalId, region, sourceIPAddress: src.sourceIp ?? '' },
    responseElements: src.requestId === undefined ? {} : { 'x-amz-request-id': src.requestId },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId,
      bucket: { name: event.bucket, ownerIdentity: { principalId: OWNER }, arn: `arn:aws:s3:::${event.bucket}` },
      object: {
        key: eventKey(event.key),
        ...(o === undefined ? {} : { size: o.size, eTag: o.etag, contentType: o.contentType, userMetadata: { 'content-type': o.contentType, ...o.userMetadata } }),
        ...(event.versionId === undefined ? {} : { versionId: event.versionId }),
        sequencer: event.sequencer,
      },
    },
    source: { host, port, userAgent: src.userAgent ?? '' },
  };
}

/**
 * A key as S3 puts it in event records: URL-encoded as a form value (a space is `+`), with
 * `/` kept (AWS: "red flower.jpg" becomes "red+flower.jpg").
 */
export function eventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function splitHost(h: string): { host: string; port: string } {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(h);
  return m === null ? { host: h, port: '' } : { host: m[1] ?? '', port: m[2] ?? '' };
}
