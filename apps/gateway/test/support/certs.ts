import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Throwaway certificates made at test time with Debian's openssl (installed by
// tooling/scripts/py-clients.sh with the other client tools).
export const OPENSSL = '/usr/bin/openssl';
export const opensslMissing = !existsSync(OPENSSL);

function openssl(args: string[]): void {
  execFileSync(OPENSSL, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A test CA: its PEM certificate (`cert`, what clients trust) and key. */
export interface TestCa {
  readonly cert: string;
  readonly key: string;
}

/** A server certificate issued by a {@link TestCa}, with what identifies it. */
export interface ServerCert {
  readonly cert: string;
  readonly key: string;
  /** Hex, as Node's `X509Certificate.serialNumber` and `TLSSocket.getPeerCertificate().serialNumber` print it. */
  readonly serial: string;
  readonly fingerprint256: string;
}

/** A self-signed P-256 CA in `dir` (`<name>.pem`, `<name>.key`), valid for two days. */
export function createCa(dir: string, name = 'ca'): TestCa {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    `/CN=s3kit test ${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { cert, key };
}

/**
 * A server certificate for 127.0.0.1 and localhost (subjectAltName) signed by `ca`, written to
 * `<dir>/<name>.pem` and `.key`; `serial` picks the serial number (hex).
 */
export function issueServerCert(ca: TestCa, dir: string, name: string, serial: string): ServerCert {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(
    ext,
    [
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid',
    ].join('\n'),
  );
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=127.0.0.1']);
  openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-set_serial', `0x${serial}`, '-days', '2', '-out', cert, '-extfile', ext]);
  const x = new X509Certificate(readFileSync(cert));
  return { cert, key, serial: x.serialNumber, fingerprint256: x.fingerprint256 };
}
