// Node-only: the Node entry's S3Client, the neutral client plus undici by default and the file methods.

import type { ResponseBody, ResponseBodyMixin } from '@s3kit/http-transport';
import { S3Client as NeutralS3Client } from '../client.js';
import type { S3ClientOptions as NeutralOptions } from '../core.js';
import type { ObjectStat } from '../headers.js';
import type { GetObjectOptions } from '../objects.js';
import type { TransportFactory } from '../transport.js';
import type { PutObjectOptions, UploadedObject } from '../upload.js';
import * as files from './files.js';
import { undiciTransport, type UndiciOptions } from './transport.js';

/** The client's options on Node: `transport` is a factory or options of the undici transport (the default). */
export type S3ClientOptions<Body extends ResponseBodyMixin = ResponseBody> = Omit<NeutralOptions<Body>, 'transport'> & {
  /** A {@link TransportFactory} (`undiciTransport()`, `fetchTransport()`, ...) or undici transport options. **Default:** `{}` (undici). */
  transport?: TransportFactory<Body> | UndiciOptions;
};

/**
 * The S3 client on Node (the `node` export condition of `@s3kit/client`, and `@s3kit/client/node`):
 * the runtime-neutral client over the undici transport by default (`getObject` bodies are Node
 * `Readable`s), plus `fPutObject` and `fGetObject`.
 */
export class S3Client<Body extends ResponseBodyMixin = ResponseBody> extends NeutralS3Client<Body> {
  constructor(options: S3ClientOptions<Body>) {
    super(options as NeutralOptions<Body>);
  }

  protected static override defaultTransport(options: object): TransportFactory {
    return undiciTransport(options as UndiciOptions);
  }

  /** putObject from a file; parts are read from the file by range (no buffering), so retries re-read them. */
  fPutObject(bucket: string, key: string, filePath: string, options: Omit<PutObjectOptions, 'size'> = {}): Promise<UploadedObject> {
    return files.fPutObject(this.core, bucket, key, filePath, options);
  }

  /**
   * Downloads to `filePath` through a temporary file in the same directory, renamed on success:
   * an interrupted download never leaves a partial file at `filePath`.
   */
  fGetObject(bucket: string, key: string, filePath: string, options: GetObjectOptions = {}): Promise<ObjectStat> {
    return files.fGetObject(this.core, bucket, key, filePath, options);
  }
}
