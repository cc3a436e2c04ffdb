import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import { createSecureContext } from 'node:tls';
import { ConfigError, type TlsConfig } from './config.js';

/** The certificate, key and optional CA chain read from the `tls` files, checked to work together. */
export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer | undefined;
  /** For logs and the startup lines: subject, serial, SHA-256 fingerprint, expiry. */
  readonly summary: TlsSummary;
}

export interface TlsSummary {
  readonly subject: string;
  readonly serial: string;
  readonly fingerprint256: string;
  readonly validTo: string;
}

function read(field: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(`tls.${field}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/**
 * Reads the `tls` files and checks them: a PEM certificate, a private key that belongs to it, a
 * CA chain that parses, and a secure context Node accepts.
 * @throws ConfigError naming the field (`tls.cert: cannot read …`, `tls.key: does not match …`).
 */
export function readTls(files: TlsConfig): TlsMaterial {
  const cert = read('cert', files.cert);
  const key = read('key', files.key);
  const ca = files.ca === undefined ? undefined : read('ca', files.ca);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw new ConfigError(`tls.cert: ${files.cert} is not a PEM certificate (${(err as Error).message})`);
  }
  let matches: boolean;
  try {
    matches = x509.checkPrivateKey(createPrivateKey(key));
  } catch (err) {
    throw new ConfigError(`tls.key: ${files.key} is not a PEM private key (${(err as Error).message})`);
  }
  if (!matches) throw new ConfigError(`tls.key: ${files.key} does not match the certificate ${files.cert}`);
  // Node skips what it cannot parse in `ca`; a chain that is not one would go unnoticed.
  if (ca !== undefined) {
    const blocks = ca.toString('latin1').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0) throw new ConfigError(`tls.ca: ${files.ca} holds no PEM certificate`);
    blocks.forEach((b, i) => {
      try {
        new X509Certificate(b);
      } catch (err) {
        throw new ConfigError(`tls.ca: certificate ${i + 1} of ${files.ca} does not parse (${(err as Error).message})`);
      }
    });
  }
  try {
    createSecureContext({ cert, key, ...(ca === undefined ? {} : { ca }) });
  } catch (err) {
    throw new ConfigError(`tls${ca === undefined ? '' : '.ca'}: ${(err as Error).message}`);
  }
  return {
    cert,
    key,
    ca,
    summary: { subject: x509.subject.replace(/\n/g, ', '), serial: x509.serialNumber, fingerprint256: x509.fingerprint256, validTo: x509.validTo },
  };
}

/** The `key`, `cert` and `ca` options of `node:https` servers and `setSecureContext()`. */
export function tlsOptions(m: TlsMaterial): { cert: Buffer; key: Buffer; ca?: Buffer } {
  return { cert: m.cert, key: m.key, ...(m.ca === undefined ? {} : { ca: m.ca }) };
}

/**
 * Serves new TLS connections with `next` (renewed certificate files); connections already open
 * keep theirs, so nothing is dropped.
 * @throws TypeError when `server` is not an `https` server.
 */
export function replaceCertificate(server: Server, next: TlsMaterial): void {
  if (!(server instanceof HttpsServer)) throw new TypeError('replaceCertificate: the server does not serve TLS');
  server.setSecureContext(tlsOptions(next));
}
