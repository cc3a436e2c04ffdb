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

/** The admin endpoint the banner names (once `endpoint` resolved), or undefined when off. */
export function adminOf(p: Program): string | undefined {
  return /admin: +(http:\/\/[0-9.:]+)\/metrics/.exec(p.out())?.[1];
}

/** Waits (up to 10 s) until the program printed `text` after the first `from` characters; returns where it ends. */
export async function printed(p: Program, text: string, from = 0): Promise<number> {
  for (let i = 0; i < 500; i++) {
    const at = p.out().indexOf(text, from);
    if (at >= 0) return at + text.length;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`not printed: ${text}\n${p.out().slice(from)}`);
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
