/**
 * The workspace as a release sees it: its packages (from pnpm-workspace.yaml), which of them are
 * public, the changesets in `.changeset/`, and a throwaway copy of the workspace where
 * `changeset version` runs and `pnpm pack` packs — the real working tree is never touched.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, symlinkSync } from 'node:fs';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const rootDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const TIMEOUT = 300_000;

/** A package.json as far as a release reads it. */
export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  main?: string;
  types?: string;
  typesVersions?: Record<string, Record<string, string[]>>;
  homepage?: string;
  bugs?: { url?: string } | string;
  keywords?: string[];
  repository?: { type?: string; url?: string; directory?: string } | string;
  bin?: Record<string, string> | string;
  files?: string[];
  exports?: Record<string, Record<string, unknown> | string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** One workspace package: its directory relative to the root, and its manifest. */
export interface WorkspacePackage {
  dir: string;
  manifest: Manifest;
}

/** Runs a command; throws with its output when it exits non-zero. */
export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: TIMEOUT,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
  });
}

let pnpmEntry = '';

/**
 * Runs the repository's pinned pnpm (`packageManager` in the root package.json): found once through
 * npx, then run directly with Node (npx costs seconds per call). Its directory goes first on the
 * PATH, so tools it starts (turbo) find the same pnpm.
 */
export function pnpm(args: string[], cwd: string): string {
  if (!pnpmEntry) {
    const pinned = (JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8')) as { packageManager: string }).packageManager;
    pnpmEntry = realpathSync(run('npx', ['-y', pinned, 'exec', 'sh', '-c', 'command -v pnpm'], rootDir).trim());
  }
  const binDir = join(dirname(pnpmEntry), '../../.bin');
  return run(process.execPath, [pnpmEntry, ...args], cwd, { PATH: `${binDir}${delimiter}${process.env['PATH'] ?? ''}` });
}

/** Runs the workspace's changesets CLI. */
export function changeset(args: string[], cwd: string): string {
  return run(process.execPath, [join(rootDir, 'node_modules/@changesets/cli/bin.js'), ...args], cwd);
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Every workspace package, from the `dir/*` globs of pnpm-workspace.yaml. */
export function workspacePackages(root = rootDir): WorkspacePackage[] {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const list = /^packages:\s*\n((?:\s+-.*\n?)+)/m.exec(yaml)?.[1] ?? '';
  const globs = [...list.matchAll(/-\s*['"]?([^'"\s#]+)['"]?/g)].map((m) => m[1]!);
  const found: WorkspacePackage[] = [];
  for (const glob of globs) {
    if (!glob.endsWith('/*')) throw new Error(`pnpm-workspace.yaml: unsupported glob ${glob}`);
    const parent = glob.slice(0, -2);
    if (!existsSync(join(root, parent))) continue;
    for (const entry of readdirSync(join(root, parent)).sort()) {
      const dir = `${parent}/${entry}`;
      if (existsSync(join(root, dir, 'package.json'))) found.push({ dir, manifest: readManifest(join(root, dir)) });
    }
  }
  return found;
}

export function publicPackages(root = rootDir): WorkspacePackage[] {
  return workspacePackages(root).filter((p) => p.manifest.private !== true);
}

/** One `.changeset/*.md`: its id (file name without .md) and the releases its frontmatter names. */
export interface Changeset {
  id: string;
  releases: { name: string; type: string }[];
  summary: string;
}

/** Parses every changeset's frontmatter (`"name": bump` lines between the two `---`). */
export function readChangesets(root = rootDir): Changeset[] {
  const dir = join(root, '.changeset');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const m = /^---\r?\n([\s\S]*?)^---\r?\n([\s\S]*)$/m.exec(text);
      if (!m || !text.startsWith('---')) throw new Error(`.changeset/${file}: no frontmatter`);
      const releases = m[1]!
        .split(/\r?\n/)
        .filter((line) => line.trim() !== '')
        .map((line) => {
          const r = /^\s*(["']?)([^"'\s:]+)\1\s*:\s*(\S+)\s*$/.exec(line);
          if (!r) throw new Error(`.changeset/${file}: unreadable frontmatter line ${JSON.stringify(line)}`);
          return { name: r[2]!, type: r[3]! };
        });
      return { id: file.slice(0, -3), releases, summary: m[2]!.trim() };
    });
}

/** Depends-on edges that use the workspace: protocol, in every dependency field. */
function workspaceDeps(m: Manifest): string[] {
  const fields = [m.dependencies, m.devDependencies, m.peerDependencies, m.optionalDependencies];
  return fields.flatMap((f) =>
    Object.entries(f ?? {})
      .filter(([, v]) => v.startsWith('workspace:'))
      .map(([k]) => k),
  );
}

/**
 * Copies the workspace into `into` as a release needs it: the root manifest, pnpm-workspace.yaml,
 * `.changeset/`, every package's package.json and, for public packages, what they publish
 * (everything but node_modules, test and bench). Each package's workspace dependencies are
 * linked in its node_modules, as pnpm pack needs them to replace `workspace:` ranges.
 * With `git`, the copy is a fresh repository on `main` (changesets reads the history).
 */
export function copyWorkspace(into: string, options: { contents: boolean; git: boolean }): WorkspacePackage[] {
  mkdirSync(into, { recursive: true });
  for (const f of ['package.json', 'pnpm-workspace.yaml']) cpSync(join(rootDir, f), join(into, f));
  cpSync(join(rootDir, '.changeset'), join(into, '.changeset'), { recursive: true });
  const packages = workspacePackages();
  const dirOf = new Map(packages.map((p) => [p.manifest.name, p.dir]));
  for (const { dir, manifest } of packages) {
    const from = join(rootDir, dir);
    if (options.contents && manifest.private !== true) {
      cpSync(from, join(into, dir), {
        recursive: true,
        filter: (src) => !/^(node_modules|test|bench|\.turbo)$/.test(relative(from, src).split('/')[0]!),
      });
    } else {
      mkdirSync(join(into, dir), { recursive: true });
      cpSync(join(from, 'package.json'), join(into, dir, 'package.json'));
    }
    for (const dep of workspaceDeps(manifest)) {
      const link = join(into, dir, 'node_modules', dep);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(relative(dirname(link), join(into, dirOf.get(dep)!)), link);
    }
  }
  if (options.git) {
    const git = (...args: string[]) => run('git', ['-c', 'user.name=release-dry-run', '-c', 'user.email=release-dry-run@localhost', '-c', 'commit.gpgsign=false', ...args], into);
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'release dry run');
  }
  return workspacePackages(into);
}
