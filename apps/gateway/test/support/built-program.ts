import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built program, as `npx s3kit-gateway` runs it (`bin` → `dist/main.js`). */
export const builtMain = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const root = fileURLToPath(new URL('../../../..', import.meta.url));

/** The repository's pnpm (`packageManager`), through npx: no global pnpm is assumed. */
export function pnpmCommand(): string[] {
  const { packageManager } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { packageManager: string };
  return ['npx', '-y', packageManager];
}

/** Builds the program and the packages it imports (turbo: cached when nothing changed). */
export function buildProgram(): void {
  const [cmd, ...args] = pnpmCommand();
  execFileSync(cmd!, [...args, 'exec', 'turbo', 'run', 'build', '--filter=s3kit-gateway...', '--output-logs=errors-only'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
}

/** What a program that ran to its end printed, and how it exited. */
export interface Exited {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built program to its exit (killed after 30 s: a start that should fail must not serve). */
export function runBuilt(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Exited> {
  const child = spawn(process.execPath, [builtMain, ...args], { cwd: options.cwd ?? root, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** A started program: its process, all it printed (both streams), its S3 endpoint once it listens. */
export interface BuiltProgram {
  readonly child: ChildProcess;
  out(): string;
  readonly endpoint: Promise<string>;
  /** SIGTERM, and its exit status. */
  stop(): Promise<number | null>;
}

/** Starts the built program (or `entry`, another copy of it); the endpoint is read from its banner (stdout or stderr). */
export function startBuilt(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; entry?: string } = {}): BuiltProgram {
  const child = spawn(process.execPath, [options.entry ?? builtMain, ...args], { cwd: options.cwd ?? root, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  const endpoint = new Promise<string>((resolve, reject) => {
    const onData = (c: Buffer): void => {
      out += c.toString();
      const m = /listening on (https?:\/\/[0-9.:]+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  endpoint.catch(() => {});
  return {
    child,
    out: () => out,
    endpoint,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A stack trace line (`    at fn (file:1:2)`), which no failure may print. */
export const STACK_LINE = /^\s+at .+/m;

/**
 * Writes `lines` to the config file `file`, starts the program with it and returns the problems it
 * printed (each line without `s3kit-gateway: invalid configuration: <file>: `), sorted.
 * @throws when it does not exit 2 with exactly such lines on stderr (no stack, nothing on stdout).
 */
export async function configProblems(file: string, lines: readonly string[], env?: NodeJS.ProcessEnv): Promise<string[]> {
  writeFileSync(file, lines.join('\n'));
  const r = await runBuilt(['--config', file], env === undefined ? {} : { env });
  const prefix = `s3kit-gateway: invalid configuration: ${file}: `;
  const printed = r.stderr.trimEnd().split('\n');
  if (r.code !== 2 || r.stdout !== '' || STACK_LINE.test(r.stderr) || printed.some((l) => !l.startsWith(prefix))) {
    throw new Error(`expected exit 2 with configuration problems only, got ${r.code}:\n${r.stderr}${r.stdout}`);
  }
  return printed.map((l) => l.slice(prefix.length)).sort();
}
