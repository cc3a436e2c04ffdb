import type { PayloadMode } from '../payload.js';
import type { SigningKey } from '../signing-key.js';

/** The result of a successful SigV4 verification (header or presigned query auth). */
export interface VerifiedRequest {
  authType: 'header' | 'presigned';
  accessKeyId: string;
  sessionToken?: string | undefined;
  region: string;
  service: string;
  /** YYYYMMDD of the scope. */
  date: string;
  /** YYYYMMDDTHHMMSSZ */
  amzDate: string;
  /**
   * When the request was signed, in ms since the epoch: `x-amz-date` (or `Date`) for header
   * auth, `X-Amz-Date` for presigned URLs.
   */
  signedAt: number;
  /** date/region/service/aws4_request */
  credentialScope: string;
  signedHeaders: readonly string[];
  /** The x-amz-content-sha256 value (or UNSIGNED-PAYLOAD for presigned). */
  payloadHash: string;
  payloadMode: PayloadMode;
  /** The request (seed) signature, verified. */
  signature: string;
  /** For chunk / trailer signatures. */
  signingKey: SigningKey;
  /** Presigned: ms epoch. */
  expiresAt?: number;
}
