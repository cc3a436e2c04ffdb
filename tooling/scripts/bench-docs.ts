// `pnpm bench:docs`: writes docs/benchmarks.md from bench output. It runs every package's bench
// one package at a time (`turbo run bench --concurrency=1`, so benches do not share the cores
// with each other) and collects the markdown tables each prints, under its package, with the
// machine (cores, CPU model, Node) and the load noted once at the top.
// `pnpm bench:docs --from <file>` reads the output of an earlier `pnpm bench` run instead; with
// `--update`, packages that output does not cover keep their section of the current file.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = `${ROOT}docs/benchmarks.md`;

/** One table a bench printed, with the line that introduced it. */
interface Table {
  caption: string;
  lines: string[];
}

const strip = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

/** Runs `turbo run bench` one package at a time, echoing its output; resolves to the output. */
function runBenches(): Promise<string> {
  const turbo = spawn(`${ROOT}node_modules/.bin/turbo`, ['run', 'bench', '--concurrency=1', '--output-logs=full', '--log-prefix=task'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  turbo.stdout.on('data', (d: Buffer) => {
    process.stdout.write(d);
    out += d.toString();
  });
  return new Promise((resolve, reject) => turbo.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`turbo run bench exited ${code}`)))));
}

/** Splits turbo's prefixed output (`<package>:bench: <line>`) into each package's lines. */
function byPackage(log: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const raw of strip(log).split('\n')) {
    const m = /^(\S+?):bench: ?(.*)$/.exec(raw);
    if (m === null) continue;
    const lines = out.get(m[1]!) ?? [];
    lines.push(m[2]!.trimEnd());
    out.set(m[1]!, lines);
  }
  return out;
}

/** Machine details every bench repeats in its caption; the doc states them once. */
function shortCaption(s: string): string {
  return s
    .replace(/,?\s*Node v\d+\.\d+\.\d+/g, '')
    .replace(/,?\s*\d+ x [^,;]+?(?=[,;]|$)/g, '')
    .replace(/,?\s*linux\/\w+/g, '')
    .replace(/[,;]?\s*load(?: average)? [\d./]+/g, '')
    .replace(/:\s*[,;]\s*/g, ': ')
    .replace(/^#+\s*/, '')
    .trim();
}

/** The markdown tables in a package's output, each with the text lines right above it (up to 3). */
function tables(lines: readonly string[]): Table[] {
  const found: Table[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('|') || lines[i - 1]?.startsWith('|')) continue;
    let end = i;
    while (end < lines.length && lines[end]!.startsWith('|')) end++;
    let j = i - 1;
    if (j >= 0 && lines[j]!.trim() === '') j--;
    const above: string[] = [];
    for (; j >= 0 && above.length < 3 && lines[j]!.trim() !== '' && !lines[j]!.startsWith('|'); j--) above.unshift(shortCaption(lines[j]!));
    found.push({ caption: above.filter((c) => c !== '').join(' '), lines: lines.slice(i, end) });
    i = end - 1;
  }
  return found;
}

/** The load averages the benches printed (`load 1.2/3.4/5.6`, `load average 1.2/...`). */
function loads(log: string): number[] {
  return [...strip(log).matchAll(/load(?: average)?:? ([\d.]+)\/[\d.]+\/[\d.]+/g)].map((m) => Number(m[1]));
}

/** An earlier docs/benchmarks.md: its `## <package>` sections (the lines after each heading), and the load it noted. */
interface Previous {
  readonly sections: Map<string, string[]>;
  /** E.g. `1-minute load average printed by the benches 2.0–3.7`. */
  readonly load: string | undefined;
  /** The load of each section it had kept from a run before it (undefined: only in git history). */
  readonly earlier: Map<string, string | undefined>;
}

/** `The sections of A, B are from an earlier run (<load>; …).`: one sentence per earlier run. */
const EARLIER = /^The sections? of (.+?) (?:is|are) from an earlier run \((?:(.*?); an older run's is|its load is) in this file's git history\)\.$/gm;

function previousFile(): Previous {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  const text = readFileSync(OUT, 'utf8');
  for (const line of text.trimEnd().split('\n')) {
    const m = /^## (\S+)$/.exec(line);
    if (m !== null) sections.set(m[1]!, (current = []));
    else current?.push(line);
  }
  // The blank line before the next heading is the renderer's to add.
  for (const lines of sections.values()) while (lines.at(-1) === '') lines.pop();
  const earlier = new Map<string, string | undefined>();
  for (const m of text.matchAll(EARLIER)) for (const pkg of m[1]!.split(', ')) earlier.set(pkg, m[2]);
  return { sections, load: /^Machine: [^;]*; (.*?)(?: \(.*?\))?\. Ratios/m.exec(text)?.[1], earlier };
}

function render(log: string, loadAtStart: number[] | undefined, previous: Previous): string {
  const keep = previous.sections;
  const cpu = cpus();
  const printed = loads(log);
  const loadNote =
    printed.length > 0
      ? `1-minute load average printed by the benches ${[...new Set([Math.min(...printed), Math.max(...printed)].map((l) => l.toFixed(1)))].join('–')}`
      : `load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join('/')} when written`;
  const out = [
    '# Benchmarks',
    '',
    '<!-- Generated by `pnpm bench:docs` from bench output (a `pnpm bench` run, or `--from <log>`): do not edit by hand. -->',
    '',
    `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${process.platform}/${process.arch}; ${loadNote}` +
      `${loadAtStart === undefined ? '' : ` (${loadAtStart.map((l) => l.toFixed(1)).join('/')} at the start)`}. ` +
      'Ratios compare contenders measured side by side in the same run; absolute numbers move with the load.',
  ];
  const sections = new Map<string, string[]>(keep);
  for (const [pkg, lines] of byPackage(log)) {
    const found = tables(lines);
    if (found.length === 0) continue;
    const section: string[] = [];
    for (const t of found) {
      section.push('');
      if (t.caption !== '') section.push(t.caption, '');
      section.push(...t.lines);
    }
    sections.set(pkg, section);
  }
  const kept = [...keep.keys()].filter((pkg) => !byPackage(log).has(pkg) || tables(byPackage(log).get(pkg)!).length === 0);
  // A kept section keeps the load it was measured at: the earlier file's run, or the run before that.
  const byLoad = new Map<string | undefined, string[]>();
  for (const pkg of kept) {
    const load = previous.earlier.has(pkg) ? previous.earlier.get(pkg) : previous.load;
    byLoad.set(load, [...(byLoad.get(load) ?? []), pkg]);
  }
  for (const [load, pkgs] of byLoad)
    out.push(
      '',
      `The ${pkgs.length === 1 ? 'section' : 'sections'} of ${pkgs.join(', ')} ${pkgs.length === 1 ? 'is' : 'are'} from an earlier run` +
        `${load === undefined ? " (its load is in this file's git history)" : ` (${load}; an older run's is in this file's git history)`}.`,
    );
  for (const [pkg, section] of [...sections].sort(([a], [b]) => a.localeCompare(b))) out.push('', `## ${pkg}`, ...section);
  return `${out.join('\n')}\n`;
}

const from = process.argv.indexOf('--from');
const loadAtStart = from === -1 ? loadavg() : undefined;
const log = from === -1 ? await runBenches() : readFileSync(process.argv[from + 1]!, 'utf8');
writeFileSync(OUT, render(log, loadAtStart, process.argv.includes('--update') ? previousFile() : { sections: new Map(), load: undefined, earlier: new Map() }));
console.log(`wrote ${OUT}`);
