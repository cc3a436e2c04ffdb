import type { Problems } from './config-errors.js';

type Obj = Record<string, unknown>;

/** A plain object (not null, not a list). */
export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads the fields of one object of a config document and records every bad one with its exact
 * path in the document's {@link Problems}. A bad value is recorded and read as its default (or an
 * empty placeholder), so the rest is checked too; {@link Reader.fail} records and abandons the
 * current item (up to the nearest `guard`). The caller throws the problems at the end.
 */
export class Reader {
  constructor(
    readonly problems: Problems,
    private readonly path: string,
    private readonly obj: Obj,
    allowed: readonly string[],
  ) {
    for (const k of Object.keys(obj)) if (!allowed.includes(k)) this.report(k, `unknown field (expected one of: ${allowed.join(', ')})`);
  }
  /** Records a problem of `field` and abandons the current item. */
  fail(field: string, msg: string): never {
    return this.problems.stop(this.where(field), msg);
  }
  /** Records a problem of `field` and goes on. */
  report(field: string, msg: string): void {
    this.problems.add(this.where(field), msg);
  }
  /** Runs `fn`, which may {@link fail}; `fallback` then. */
  guard<T>(fn: () => T, fallback: T): T {
    return this.problems.guard(fn, fallback);
  }
  where(field: string): string {
    return this.path === '' ? field : `${this.path}.${field}`;
  }
  has(field: string): boolean {
    return this.obj[field] !== undefined;
  }
  str(field: string, def?: string): string {
    const v = this.obj[field];
    if (v === undefined && def !== undefined) return def;
    if (typeof v !== 'string' || v === '') {
      this.report(field, `must be a non-empty string${v === undefined ? ' (missing)' : ` (got ${JSON.stringify(v)})`}`);
      return def ?? '';
    }
    return v;
  }
  optStr(field: string): string | undefined {
    return this.obj[field] === undefined ? undefined : this.str(field);
  }
  int(field: string, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.obj[field];
    if (v === undefined) return def;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.report(field, `must be an integer from ${min} to ${max} (got ${JSON.stringify(v)})`);
      return def;
    }
    return v;
  }
  num(field: string, def: number, min: number, max: number): number {
    const v = this.obj[field];
    if (v === undefined) return def;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      this.report(field, `must be a number from ${min} to ${max} (got ${JSON.stringify(v)})`);
      return def;
    }
    return v;
  }
  bool(field: string, def: boolean): boolean {
    const v = this.obj[field];
    if (v === undefined) return def;
    if (typeof v !== 'boolean') {
      this.report(field, `must be true or false (got ${JSON.stringify(v)})`);
      return def;
    }
    return v;
  }
  oneOf<T extends string>(field: string, values: readonly T[], def?: T): T {
    const v = this.obj[field];
    if (v === undefined && def !== undefined) return def;
    if (typeof v !== 'string' || !values.includes(v as T)) {
      this.report(field, `must be one of ${values.join(', ')} (got ${JSON.stringify(v)})`);
      return def ?? values[0]!;
    }
    return v as T;
  }
  obj_(field: string, allowed: readonly string[], required = false): Reader | undefined {
    const v = this.obj[field];
    if (v === undefined && !required) return undefined;
    if (!isObj(v)) {
      if (required) this.fail(field, `must be an object${v === undefined ? ' (missing)' : ''}`);
      this.report(field, 'must be an object');
      return undefined;
    }
    return new Reader(this.problems, this.where(field), v, allowed);
  }
  /** A reader of `obj` found at `field` (e.g. one entry of a record). */
  child(field: string, obj: Obj, allowed: readonly string[]): Reader {
    return new Reader(this.problems, this.where(field), obj, allowed);
  }
  list(field: string, required = false): unknown[] {
    const v = this.obj[field];
    if (v === undefined && !required) return [];
    if (!Array.isArray(v)) {
      this.report(field, `must be a list${v === undefined ? ' (missing)' : ''}`);
      return [];
    }
    return v;
  }
  item(field: string, i: number, v: unknown, allowed: readonly string[]): Reader {
    if (!isObj(v)) this.fail(`${field}[${i}]`, 'must be an object');
    return new Reader(this.problems, `${this.where(field)}[${i}]`, v, allowed);
  }
  /**
   * Each entry of the list `field` through `fn`, each checked on its own: an entry that fails is
   * recorded and left out, and the next one is read.
   */
  each<T>(field: string, fn: (v: unknown, i: number) => T, required = false): T[] {
    return this.list(field, required).flatMap((v, i) => this.guard(() => [fn(v, i)], [] as T[]));
  }
  record(field: string): Record<string, unknown> {
    const v = this.obj[field];
    if (v === undefined) return {};
    if (!isObj(v)) {
      this.report(field, 'must be an object');
      return {};
    }
    return v;
  }
  raw(): Obj {
    return this.obj;
  }
}
