import type { PathStep } from './ast.js';
import { SelectError } from './errors.js';
import { MISSING, bigint, type Value } from './values.js';

/** The column names of a CSV object read with FileHeaderInfo USE. */
export class Header {
  private readonly lower = new Map<string, number>();
  private readonly exact = new Map<string, number>();

  constructor(readonly names: readonly string[]) {
    names.forEach((n, i) => {
      if (!this.exact.has(n)) this.exact.set(n, i);
      const l = n.toLowerCase();
      if (!this.lower.has(l)) this.lower.set(l, i);
    });
  }

  /** The index of a column: exact for a quoted name, case-insensitive otherwise. */
  indexOf(name: string, quoted: boolean): number | undefined {
    return quoted ? this.exact.get(name) : (this.exact.get(name) ?? this.lower.get(name.toLowerCase()));
  }
}

/**
 * A CSV record: its text, split into fields only when a query reads them. One object serves
 * every record of a scan in turn ({@link CsvRow.reset}), so a scan allocates no row per record.
 */
export class CsvRow {
  readonly kind = 'csv';
  private text = '';
  private split: string[] | undefined;

  constructor(
    readonly header: Header | undefined,
    private readonly splitter: (line: string) => string[],
    private readonly delimiter: string,
    private readonly quote: string,
  ) {}

  /** This row, now holding `line` (a record's text without its delimiter). */
  reset(line: string): this {
    this.text = line;
    this.split = undefined;
    return this;
  }

  /** The record's text (without its delimiter). */
  get line(): string {
    return this.text;
  }

  /** Whether the record has a quote character (then it must be parsed, not passed through). */
  get quoted(): boolean {
    return this.text.includes(this.quote);
  }

  get fields(): readonly string[] {
    return (this.split ??= this.splitter(this.text));
  }

  /** Field `i` (0-based), found without splitting the record when it has no quotes. */
  field(i: number): string | undefined {
    if (this.split !== undefined || this.quoted) return this.fields[i];
    let start = 0;
    for (let k = 0; k < i; k++) {
      const d = this.text.indexOf(this.delimiter, start);
      if (d < 0) return undefined;
      start = d + this.delimiter.length;
    }
    const end = this.text.indexOf(this.delimiter, start);
    return this.text.slice(start, end < 0 ? undefined : end);
  }
}

/** One input record: a CSV record (with the header, if any) or a JSON value. */
export type Row = CsvRow | { readonly kind: 'json'; readonly value: unknown };

/** How a path reads a CSV record, worked out once per path (and header). */
interface CsvPath {
  readonly header: Header | undefined;
  /** The 0-based column, or -1 when the path names no column (more steps than one). */
  readonly index: number;
  /** The path is the record itself (`s`). */
  readonly whole: boolean;
}

const csvPaths = new WeakMap<readonly PathStep[], CsvPath>();

const POSITION = /^_(\d+)$/;

/**
 * The value a path names in `row`: `_N` (1-based) or a header name for CSV, keys and indexes
 * for JSON. An absent column or key is MISSING.
 * @throws SelectError InvalidColumnIndex for `_0`, MissingHeaders for a name without a header
 */
export function resolvePath(row: Row, alias: string | undefined, steps: readonly PathStep[]): Value {
  let i = 0;
  const first = steps[0];
  if (first?.kind === 'name' && !first.quoted && alias !== undefined && first.name.toLowerCase() === alias) i = 1;
  if (row.kind === 'csv') {
    let p = csvPaths.get(steps);
    if (p === undefined || p.header !== row.header) {
      const step = steps[i];
      p = { header: row.header, whole: i === steps.length, index: step?.kind === 'name' ? csvColumn(row.header, step.name, step.quoted) : -1 };
      if (i + 1 < steps.length) p = { ...p, index: -1 };
      csvPaths.set(steps, p);
    }
    if (p.whole) return csvObject(row);
    return p.index < 0 ? MISSING : (row.field(p.index) ?? MISSING);
  }
  let v: unknown = row.value;
  for (; i < steps.length; i++) v = jsonStep(v, steps[i]!);
  return fromJson(v);
}

/** The 0-based column a name reads: `_N`, or a header name. */
function csvColumn(header: Header | undefined, name: string, quoted: boolean): number {
  const m = POSITION.exec(name);
  if (m !== null && header?.indexOf(name, quoted) === undefined) {
    const n = Number(m[1]);
    if (n < 1) throw new SelectError('InvalidColumnIndex', `The column index at line 1, column ${name} is invalid. Please check the service documentation and try again.`);
    return n - 1;
  }
  const idx = header?.indexOf(name, quoted);
  if (idx === undefined) throw new SelectError('MissingHeaders', 'Some headers in the query are missing from the file. Please check the file and try again.');
  return idx;
}

/** A CSV record as an object: header names, or `_1`, `_2`, … */
function csvObject(row: CsvRow): Record<string, string> {
  const o: Record<string, string> = {};
  row.fields.forEach((f, j) => {
    o[row.header?.names[j] ?? `_${j + 1}`] = f;
  });
  return o;
}

function jsonStep(v: unknown, step: PathStep): unknown {
  if (v === MISSING || v === null || typeof v !== 'object') return MISSING;
  if (step.kind === 'index') return Array.isArray(v) ? (v[step.index] ?? MISSING) : MISSING;
  if (step.kind === 'wildcard') return MISSING;
  if (Array.isArray(v)) return MISSING;
  const o = v as Record<string, unknown>;
  if (Object.hasOwn(o, step.name)) return o[step.name];
  if (step.quoted) return MISSING;
  const lower = step.name.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return o[k];
  return MISSING;
}

/** A parsed JSON value as an engine value: whole numbers become ints. */
function fromJson(v: unknown): Value {
  if (v === undefined) return MISSING;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return bigint(v);
  return v as Value;
}

/** The records a FROM path (`S3Object[*].a[*]`) names in one top-level JSON value. */
export function* fromRecords(value: unknown, steps: readonly PathStep[], at = 0): Generator<unknown> {
  if (at === steps.length) {
    yield value;
    return;
  }
  const step = steps[at]!;
  if (step.kind === 'wildcard') {
    // `S3Object[*]` at the top names each top-level value itself (S3's usual FROM clause).
    if (at === 0) yield* fromRecords(value, steps, at + 1);
    else if (Array.isArray(value)) for (const x of value) yield* fromRecords(x, steps, at + 1);
    return;
  }
  const v = jsonStep(value, step);
  if (v !== MISSING) yield* fromRecords(v, steps, at + 1);
}
