import { createServer, type Server } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram, configProblems, runBuilt, startBuilt, STACK_LINE, type Exited } from './support/built-program.js';

// The built program (`bin` → dist/main.js) as an operator meets it: --version, --help, and every
// failure to start as one line per problem on stderr with a non-zero exit, never a stack trace.
let dir: string;
let holder: Server;
let heldPort: number;

beforeAll(async () => {
  buildProgram();
  dir = await mkdtemp(join(tmpdir(), 's3kit-gwfail-'));
  holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  heldPort = (holder.address() as { port: number }).port;
}, 600_000);
afterAll(async () => {
  await new Promise((r) => holder.close(r));
  await rm(dir, { recursive: true, force: true });
});

/** One line on stderr, no stack, nothing on stdout, this exit status. */
function expectOneLine(r: Exited, code: number, line: string | RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(STACK_LINE);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  if (typeof line === 'string') expect(lines[0]).toBe(line);
  else expect(lines[0]).toMatch(line);
}

const dev = (): string[] => ['--data-dir', join(dir, 'data'), '--port', '0'];

describe('s3kit-gateway: --version, --help', () => {
  it('--version prints the package name and version from package.json', async () => {
    const r = await runBuilt(['--version']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^s3kit-gateway \d+\.\d+\.\d+\S*\n$/);
  });

  it('--help documents every flag, --admin-port -1 and --version', async () => {
    const r = await runBuilt(['--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--config', '--host', '--port', '--admin-port', '--data-dir', '--log-level', '--tls-cert', '--tls-key', '--trust-proxy', '--version', '-1 = off'])
      expect(r.stdout).toContain(flag);
  });
});

describe('s3kit-gateway: one line and a non-zero exit for every failure', () => {
  it('an unknown flag', async () => {
    expectOneLine(await runBuilt(['--bogus']), 2, 's3kit-gateway: unknown option --bogus (see --help)');
  });

  it('a flag without its value, and a boolean flag given one', async () => {
    expectOneLine(await runBuilt(['--port']), 2, 's3kit-gateway: --port needs a value (see --help)');
    expectOneLine(await runBuilt(['--help=yes']), 2, 's3kit-gateway: --help takes no value (see --help)');
  });

  it('a bad port from a flag or the environment, and a bad log level', async () => {
    expectOneLine(await runBuilt(['--port', 'http']), 2, 's3kit-gateway: --port: must be an integer from 0 to 65535 (got "http")');
    expectOneLine(await runBuilt(['--admin-port', '-2']), 2, 's3kit-gateway: --admin-port: must be an integer from 0 to 65535, or -1 to disable (got "-2")');
    expectOneLine(await runBuilt([], { env: { ...process.env, S3KIT_GATEWAY_PORT: '70000' } }), 2, 's3kit-gateway: S3KIT_GATEWAY_PORT: must be an integer from 0 to 65535 (got "70000")');
    expectOneLine(await runBuilt([...dev(), '--log-level', 'loud']), 2, /^s3kit-gateway: invalid configuration: --log-level: must be one of trace, debug/);
  });

  it('an unknown command', async () => {
    expectOneLine(await runBuilt(['serve']), 2, 's3kit-gateway: unknown command "serve" (see --help)');
  });

  it('the S3 port in use (EADDRINUSE), and the admin port in use', async () => {
    const s3 = await runBuilt(['--data-dir', join(dir, 'data'), '--port', String(heldPort), '--admin-port', '-1']);
    expectOneLine(s3, 1, `s3kit-gateway: cannot listen on 127.0.0.1:${heldPort}: the address is in use (another process holds the port; choose another with --port or --admin-port)`);
    const admin = await runBuilt([...dev(), '--admin-port', String(heldPort)]);
    expect(admin.code).toBe(1);
    expect(admin.stderr).toContain(`s3kit-gateway: cannot listen on 127.0.0.1:${heldPort}: the address is in use`);
    expect(admin.stderr).not.toMatch(STACK_LINE);
  });

  it('an unreadable config file, and one that is not YAML', async () => {
    expectOneLine(await runBuilt(['--config', join(dir, 'missing.yaml')]), 2, `s3kit-gateway: invalid configuration: ${join(dir, 'missing.yaml')}: cannot read (ENOENT)`);
    const bad = join(dir, 'broken.yaml');
    await writeFile(bad, 'identities: [\n  - {');
    expectOneLine(await runBuilt(['--config', bad]), 2, /^s3kit-gateway: invalid configuration: .*broken\.yaml: not valid YAML: /);
  });

  it('reports every problem of a config file at once, one line each with its field', async () => {
    const problems = await configProblems(join(dir, 'many.yaml'), [
      'listen: { port: http }',
      'colour: blue',
      'identities:',
      '  - { accessKeyId: AK1, allow: [{ bucket: "*", access: all }] }',
      '  - { accessKeyId: AK2, secretAccessKey: s, upstream: nowhere, allow: [{ bucket: "*", access: read }] }',
      'upstreams:',
      '  default: { type: local, dir: ./d, fsync: maybe }',
      '  remote: { type: s3, endpoint: "ftp://x", credentials: { accessKeyId: A } }',
    ]);
    expect(problems).toEqual(
      [
        'colour: unknown field (expected one of: listen, tls, trustProxy, admin, region, baseDomains, log, limits, identities, anonymous, upstreams, presignedRedirect, uploadPage, buckets, bucketConfig, notifications)',
        'listen.port: must be an integer from 0 to 65535 (got "http")',
        'upstreams.default.fsync: must be true or false (got "maybe")',
        'upstreams.remote.endpoint: must be http(s)://host[:port] (got "ftp://x")',
        'upstreams.remote.credentials.secretAccessKey: must be a non-empty string (missing)',
        'identities[0].secretAccessKey: must be a non-empty string (missing)',
        'identities[0].allow[0].access: must be one of read, write, readwrite (got "all")',
        'identities[1].upstream: no upstream named "nowhere"',
      ].sort(),
    );
  });

  it('bad TLS files: missing, not PEM, a certificate without its key', async () => {
    expectOneLine(
      await runBuilt([...dev(), '--tls-cert', join(dir, 'no.pem'), '--tls-key', join(dir, 'no.key')]),
      2,
      `s3kit-gateway: invalid configuration: tls.cert: cannot read ${join(dir, 'no.pem')} (ENOENT)`,
    );
    const junk = join(dir, 'junk.pem');
    await writeFile(junk, 'not a certificate\n');
    expectOneLine(await runBuilt([...dev(), '--tls-cert', junk, '--tls-key', junk]), 2, /^s3kit-gateway: invalid configuration: tls\.cert: .*junk\.pem is not a PEM certificate/);
    expectOneLine(await runBuilt([...dev(), '--tls-cert', junk]), 2, 's3kit-gateway: invalid configuration: --tls-cert and --tls-key: both are needed for TLS');
  });

  it('an unusable data directory', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, '');
    expectOneLine(await runBuilt(['--data-dir', join(file, 'data'), '--port', '0', '--admin-port', '-1']), 1, /^s3kit-gateway: ENOTDIR: not a directory, mkdir /);
  });
});

describe('s3kit-gateway: --admin-port -1', () => {
  it('starts without the admin port, as --help says', async () => {
    const p = startBuilt([...dev(), '--admin-port', '-1']);
    const endpoint = await p.endpoint;
    expect(p.out()).toMatch(/admin: +off/);
    expect((await fetch(`${endpoint}/`)).status).toBe(403);
    expect(await p.stop()).toBe(0);
  }, 30_000);
});
