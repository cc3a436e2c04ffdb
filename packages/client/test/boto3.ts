// boto3 (Debian's /usr/bin/python3) as a second client in cross-client tests.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PY, PY_ENV, pythonClients } from '@s3kit/test-utils';

/** Debian's python3-boto3 is installed (tooling/scripts/py-clients.sh). */
export const hasBoto3 = pythonClients('boto3').missing.length === 0;
const run = promisify(execFile);
/** A runner of boto3 snippets: `s3` is a boto3 client of the endpoint; the snippet prints JSON, returned parsed. */
export const boto3Runner =
  (endpoint: string, accessKeyId: string, secretAccessKey: string, region = 'us-east-1') =>
  async (code: string) => {
    const prelude = [
      'import boto3, json, sys',
      'from botocore.config import Config',
      `s3 = boto3.client('s3', endpoint_url=${JSON.stringify(endpoint)}, region_name=${JSON.stringify(region)}, aws_access_key_id=${JSON.stringify(accessKeyId)}, aws_secret_access_key=${JSON.stringify(secretAccessKey)}, config=Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1}))`,
    ].join('\n');
    const { stdout } = await run(PY, ['-c', `${prelude}\n${code}`], { env: PY_ENV });
    return JSON.parse(stdout);
  };
