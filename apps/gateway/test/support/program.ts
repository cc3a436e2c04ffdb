import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The program from source through tsx (no build needed). */
export const programArgs = ['--conditions=@s3kit/source', '--import', 'tsx', fileURLToPath(new URL('../../src/main.ts', import.meta.url))];
/** The app's folder, so `--import tsx` resolves (config files use absolute paths). */
export const programCwd = fileURLToPath(new URL('../..', import.meta.url));

/** A started program: its process, everything it printed so far, and its S3 endpoint once it listens. */
export interface Program {
  readonly child: ChildProcess;
  out(): string;
  readonly endpoint: Promise<string>;
}

/** Starts `s3kit-gateway` with `args` (and `env`, **Default:** this process's). */
export function startProgram(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Program {
  const child = spawn(process.execPath, [...programArgs, ...args], { cwd: programCwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const endpoint = new Promise<string>((resolve, reject) => {
    const onData = (c: Buffer): void => {
      out += c.toString();
      const m = /listening on (http:\/\/[0-9.:]+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    // The banner (endpoints) is on stderr.
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return { child, out: () => out, endpoint };
}
