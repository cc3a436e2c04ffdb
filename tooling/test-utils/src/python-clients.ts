// Debian's Python clients for the real-client tests: boto3 (python3-boto3), awscli, s3cmd and the
// vendored minio-py (tooling/clients/minio-py, its dependencies Debian's), all installed by
// tooling/scripts/py-clients.sh. One availability check for every test file that drives them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCi } from './rgw.js';

export const PY = '/usr/bin/python3';
export const AWS = '/usr/bin/aws';
export const S3CMD = '/usr/bin/s3cmd';
/** Environment for boto3 and awscli. */
export const PY_ENV = { PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1' };
const MINIO_PY = fileURLToPath(new URL('../../clients/minio-py', import.meta.url));
/** Environment that imports the vendored minio-py (and boto3). */
export const MINIO_PY_ENV = { ...PY_ENV, PYTHONPATH: `${MINIO_PY}:${join(MINIO_PY, 'compat')}` };

export type PythonClient = 'boto3' | 'awscli' | 's3cmd' | 'minio-py';

const available: Record<PythonClient, () => boolean> = {
  boto3: () => existsSync(PY) && spawnSync(PY, ['-c', 'import boto3'], { stdio: 'ignore', env: PY_ENV }).status === 0,
  awscli: () => existsSync(AWS),
  s3cmd: () => existsSync(S3CMD),
  'minio-py': () => existsSync(PY) && spawnSync(PY, ['-c', 'import minio'], { stdio: 'ignore', env: MINIO_PY_ENV }).status === 0,
};
const packageOf: Record<PythonClient, string> = { boto3: 'python3-boto3', awscli: 'awscli', s3cmd: 's3cmd', 'minio-py': "minio-py's dependencies" };

/**
 * Whether `clients` are installed: the `missing` packages, `skip` when one is missing outside CI
 * (under CI the tests run and fail instead), `why` the text for the describe title.
 */
export function pythonClients(...clients: PythonClient[]): { missing: string[]; skip: boolean; why: string } {
  const missing = clients.filter((c) => !available[c]()).map((c) => packageOf[c]);
  return {
    missing,
    skip: missing.length > 0 && !isCi(),
    why: missing.length > 0 ? `(skipped: ${missing.join(', ')} not installed; run tooling/scripts/py-clients.sh install)` : '',
  };
}
