/** One access-log line: who did what, with which outcome (never secrets or signatures). */
export interface AccessLogEntry {
  readonly requestId: string;
  readonly method: string;
  readonly identity: string | undefined;
  readonly operation: string | undefined;
  readonly bucket: string | undefined;
  readonly key: string | undefined;
  /** The status the client was sent; 0 when the connection ended before any answer. */
  readonly status: number;
  readonly errorCode: string | undefined;
  readonly authFailure: string | undefined;
  readonly upstreamError: string | undefined;
  /** DeleteObjects keys the policies denied (their AccessDenied entries are in the 200 DeleteResult). */
  readonly deniedKeys: number | undefined;
  /** Request body bytes that arrived from the client (not the declared length). */
  readonly bytesIn: number;
  /** Response body bytes written to the client (streamed and chunked answers too). */
  readonly bytesOut: number;
  readonly durationMs: number;
  /** False when the response was cut short (client gone, upstream reset mid-body). */
  readonly complete: boolean;
  /** The client: the peer, or behind a trusted proxy (`trustProxy`) the forwarded client. */
  readonly remoteAddress: string | undefined;
}
