import { execFile } from 'node:child_process';
import { credentialsFromJson } from './http.js';
import { loadProfiles, type ProfileFilesOptions } from './profiles.js';
import { CredentialsProviderError, refreshingCredentials, type CredentialsProvider, type ExpiringCredentials } from './provider.js';

// Node-only: runs the shared config's `credential_process`.

/** Options of {@link processCredentials}. */
export interface ProcessOptions extends ProfileFilesOptions {
  /** The command line to run instead of the profile's `credential_process`. */
  command?: string;
  /** Kill the process after this many ms. **Default:** 30000. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Refresh this long before `Expiration`. **Default:** 300000. */
  refreshBeforeMs?: number;
  clock?: () => number;
}

/**
 * Splits a command line as a POSIX shell would split words, without running a shell: blanks
 * separate words, `'…'` is literal, `"…"` and a backslash escape.
 */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error('credential_process: unbalanced quote');
      word += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1]!)) j++;
        word += line[j];
      }
      if (j >= line.length) throw new Error('credential_process: unbalanced quote');
      i = j;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function run(argv: string[], timeoutMs: number, signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(argv[0]!, argv.slice(1), { shell: false, timeout: timeoutMs, maxBuffer: 1 << 20, windowsHide: true, ...(signal ? { signal } : {}) }, (err, stdout) => {
      if (!err) return resolve(stdout);
      // Never the process's stderr or stdout: they may hold secrets.
      const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number };
      if (e.name === 'AbortError') return reject(e);
      if (e.code === 'ENOENT') return reject(new Error(`credential_process: ${argv[0]} not found`));
      if (e.killed) return reject(new Error(`credential_process: ${argv[0]} did not finish within ${timeoutMs} ms`));
      reject(new Error(`credential_process: ${argv[0]} exited with ${typeof e.code === 'number' ? `code ${e.code}` : 'an error'}`));
    });
  });
}

/** Parses `credential_process` output: JSON `Version: 1`, keys, optional `SessionToken` and `Expiration`. */
export function parseProcessOutput(stdout: string): ExpiringCredentials {
  let version: unknown;
  try {
    version = (JSON.parse(stdout) as Record<string, unknown>)?.['Version'];
  } catch {
    throw new Error('credential_process: the output is not JSON');
  }
  if (version !== 1) throw new Error(`credential_process: unsupported Version ${String(version)} (expected 1)`);
  return credentialsFromJson(stdout, 'credential_process');
}

/**
 * `credential_process` of a shared config profile (or `command`), run without a shell
 * (`execFile`); its JSON (`Version: 1`, `AccessKeyId`, `SecretAccessKey`, `SessionToken`,
 * `Expiration`) is cached and the process run again before `Expiration` (never, without one).
 * Errors name the command, never its output. Has none (CredentialsProviderError) when the
 * profile has no `credential_process`.
 */
export function processCredentials(options: ProcessOptions = {}): CredentialsProvider {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return refreshingCredentials({
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.refreshBeforeMs !== undefined ? { refreshBeforeMs: options.refreshBeforeMs } : {}),
    refresh: async () => {
      let line = options.command;
      if (line === undefined) {
        const profiles = await loadProfiles(options);
        line = profiles.get(profiles.name)?.['credential_process'];
        if (!line) throw new CredentialsProviderError(`no credential_process for profile "${profiles.name}" in ${profiles.where}`);
      }
      const argv = splitCommand(line);
      if (argv.length === 0) throw new Error('credential_process: empty command');
      return parseProcessOutput(await run(argv, timeoutMs, options.signal));
    },
  });
}
