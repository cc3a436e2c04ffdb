/**
 * The release guard `pnpm test` runs: every changeset names only public workspace packages with a
 * valid bump, `changeset status` accepts them all, and `changeset version` turns them into versions
 * and CHANGELOGs for every package they name. Status and version run in a throwaway git copy of the
 * workspace (fresh repository on `main`: no remote, no network, the working tree untouched).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeset, copyWorkspace, readChangesets, readManifest, rootDir, workspacePackages, type WorkspacePackage } from './workspace.js';

const BUMPS = new Set(['major', 'minor', 'patch']);

/**
 * What is wrong with the changesets under `root`: one line per problem, empty when none. An empty
 * changeset (`changeset add --empty`, no package) is fine: it releases nothing.
 */
function changesetProblems(root: string): string[] {
  const packages = new Map(workspacePackages(root).map((p) => [p.manifest.name, p.manifest]));
  const problems: string[] = [];
  for (const c of readChangesets(root)) {
    if (c.summary === '' && c.releases.length > 0) problems.push(`${c.id}: no summary`);
    for (const { name, type } of c.releases) {
      const m = packages.get(name);
      if (!m) problems.push(`${c.id}: ${name} is not a workspace package`);
      else if (m.private === true) problems.push(`${c.id}: ${name} is private (never released: the entry would be dropped)`);
      if (!BUMPS.has(type)) problems.push(`${c.id}: ${name}: bump "${type}" is not major, minor or patch`);
    }
  }
  return problems;
}

let scratch = '';
let copy = '';
let before: WorkspacePackage[] = [];

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 's3kit-changesets-'));
  copy = join(scratch, 'repo');
  before = copyWorkspace(copy, { contents: false, git: true });
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('changesets', () => {
  it('name only public workspace packages, each with a major/minor/patch bump and a summary', () => {
    expect(readChangesets().length).toBeGreaterThan(0);
    expect(changesetProblems(rootDir)).toEqual([]);
  });

  it('pass `changeset status`, whose release plan covers every package they name', () => {
    changeset(['status', '--output', 'plan.json'], copy);
    const plan = JSON.parse(readFileSync(join(copy, 'plan.json'), 'utf8')) as { releases: { name: string; type: string }[] };
    const named = new Set(readChangesets().flatMap((c) => c.releases.map((r) => r.name)));
    expect(
      plan.releases
        .filter((r) => r.type !== 'none')
        .map((r) => r.name)
        .sort(),
    ).toEqual(expect.arrayContaining([...named].sort()));
  });

  it('make `changeset version` bump and write a CHANGELOG.md for every package they name', () => {
    const changesets = readChangesets();
    changeset(['version'], copy);
    expect(readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md')).toEqual([]);
    for (const { dir, manifest } of before) {
      const mine = changesets.filter((c) => c.releases.some((r) => r.name === manifest.name));
      if (mine.length === 0) continue;
      expect(readManifest(join(copy, dir)).version, manifest.name).not.toBe(manifest.version);
      const log = readFileSync(join(copy, dir, 'CHANGELOG.md'), 'utf8');
      expect(log.startsWith(`# ${manifest.name}\n`), manifest.name).toBe(true);
      for (const c of mine) expect(log, `${manifest.name} ← ${c.id}`).toContain(c.summary.split('\n')[0]);
    }
    // Workspace ranges stay workspace ranges: pnpm rewrites them to the new versions when packing.
    for (const { dir } of before) expect(readFileSync(join(copy, dir, 'package.json'), 'utf8')).not.toMatch(/"@s3kit\/[^"]+": "\^?\d/);
  });

  it('the guard catches a private, unknown or mixed changeset (as `changeset status` fails on a mixed one)', () => {
    const bad = mkdtempSync(join(scratch, 'bad-'));
    copyWorkspace(bad, { contents: false, git: true });
    const privateName = before.find((p) => p.manifest.private === true)!.manifest.name;
    const publicName = before.find((p) => p.manifest.private !== true)!.manifest.name;
    writeFileSync(join(bad, '.changeset/zz-mixed.md'), `---\n"${publicName}": patch\n"${privateName}": patch\n---\n\nMixed.\n`);
    writeFileSync(join(bad, '.changeset/zz-unknown.md'), `---\n"@s3kit/no-such-package": minor\n---\n\nUnknown.\n`);
    writeFileSync(join(bad, '.changeset/zz-empty.md'), '---\n---\n');
    expect(changesetProblems(bad)).toEqual([`zz-mixed: ${privateName} is private (never released: the entry would be dropped)`, 'zz-unknown: @s3kit/no-such-package is not a workspace package']);
    rmSync(join(bad, '.changeset/zz-unknown.md'));
    let failure = '';
    try {
      changeset(['status'], bad);
    } catch (e) {
      failure = String((e as { stderr?: string }).stderr ?? e);
    }
    expect(failure).toContain('Mixed changesets that contain both ignored and not ignored packages are not allowed');
    expect(existsSync(join(bad, 'plan.json'))).toBe(false);
  });
});
