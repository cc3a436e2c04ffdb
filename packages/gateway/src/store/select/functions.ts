import type { CastType, DatePart } from './ast.js';
import { SelectError } from './errors.js';
import { MISSING, isAbsent, isTimestamp, parseNumber, parseTimestamp, textOf, type Timestamp, type Value } from './values.js';

const invalid = (fn: string, why: string): SelectError => new SelectError('EvaluatorInvalidArguments', `Invalid arguments for function ${fn.toUpperCase()}: ${why}.`);

/**
 * CAST(value AS type), as S3 Select defines it: NULL and MISSING stay as they are, text is
 * parsed, a value that cannot be converted fails the query.
 * @throws SelectError CastFailed (400)
 */
export function cast(v: Value, type: CastType): Value {
  if (isAbsent(v)) return v;
  switch (type) {
    case 'int': {
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) throw castFailed(v, type);
        return BigInt(Math.trunc(v));
      }
      if (typeof v === 'boolean') return v ? 1n : 0n;
      if (typeof v !== 'string') throw castFailed(v, type);
      const n = parseNumber(v);
      if (n === undefined) throw castFailed(v, type);
      return typeof n === 'bigint' ? n : BigInt(Math.trunc(n));
    }
    case 'float':
    case 'decimal': {
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint') return Number(v);
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v !== 'string') throw castFailed(v, type);
      const n = parseNumber(v);
      if (n === undefined) throw castFailed(v, type);
      return Number(n);
    }
    case 'string':
      return textOf(v);
    case 'bool': {
      if (typeof v === 'boolean') return v;
      if (typeof v === 'bigint') return v !== 0n;
      if (typeof v === 'number') return v !== 0;
      if (typeof v !== 'string') throw castFailed(v, type);
      const t = v.trim().toLowerCase();
      if (t === 'true') return true;
      if (t === 'false') return false;
      throw castFailed(v, type);
    }
    case 'timestamp': {
      if (isTimestamp(v)) return v;
      if (typeof v !== 'string') throw castFailed(v, type);
      const t = parseTimestamp(v);
      if (t === undefined) throw castFailed(v, type);
      return t;
    }
  }
}

function castFailed(v: Value, type: CastType): SelectError {
  return new SelectError('CastFailed', `Attempt to convert from one data type to another using CAST failed in the SQL expression: ${textOf(v)} AS ${type.toUpperCase()}.`);
}

const codePoints = (s: string): string[] => Array.from(s);

function str(fn: string, v: Value): string {
  if (typeof v !== 'string') throw invalid(fn, 'a string is expected');
  return v;
}

function int(fn: string, v: Value): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'string') {
    const n = parseNumber(v);
    if (n !== undefined) return Math.trunc(Number(n));
  }
  throw invalid(fn, 'an integer is expected');
}

function ts(fn: string, v: Value): Timestamp {
  if (isTimestamp(v)) return v;
  throw invalid(fn, 'a timestamp is expected');
}

/** A scalar function by name (lower case) over evaluated arguments. */
export function callFunction(name: string, args: readonly Value[], now: () => number): Value {
  switch (name) {
    case 'coalesce':
      return args.find((a) => !isAbsent(a)) ?? null;
    case 'nullif':
      return looseEquals(args[0]!, args[1]!) ? null : args[0]!;
    case 'utcnow':
      return { kind: 'timestamp', ms: now(), offset: 0, precision: 'fraction' };
    default:
      break;
  }
  if (args.some(isAbsent)) return args.includes(MISSING) ? MISSING : null;
  const a = args[0]!;
  switch (name) {
    case 'char_length':
    case 'character_length':
      return BigInt(codePoints(str(name, a)).length);
    case 'lower':
      return str(name, a).toLowerCase();
    case 'upper':
      return str(name, a).toUpperCase();
    case 'substring': {
      const chars = codePoints(str(name, a));
      const start = int(name, args[1]!);
      const end = args[2] === undefined ? chars.length + 1 : start + int(name, args[2]);
      if (args[2] !== undefined && end < start) throw invalid(name, 'the length is negative');
      return chars.slice(Math.max(start, 1) - 1, Math.max(end, 1) - 1).join('');
    }
    case 'to_string':
      return formatTimestamp(ts(name, a), str(name, args[1]!));
    case 'to_timestamp': {
      const t = parseTimestamp(str(name, a));
      if (t === undefined) throw new SelectError('CastFailed', `Attempt to convert ${textOf(a)} to a timestamp failed.`);
      return t;
    }
    default:
      throw new SelectError('UnsupportedFunction', `Encountered an unsupported SQL function: ${name.toUpperCase()}.`);
  }
}

/** TRIM([LEADING|TRAILING|BOTH] [chars] FROM s): spaces unless `chars` are given. */
export function trim(where: 'leading' | 'trailing' | 'both', chars: Value | undefined, v: Value): Value {
  if (isAbsent(v)) return v;
  if (chars !== undefined && isAbsent(chars)) return chars;
  const set = new Set(codePoints(chars === undefined ? ' ' : str('trim', chars)));
  const cs = codePoints(str('trim', v));
  let i = 0;
  let j = cs.length;
  if (where !== 'trailing') while (i < j && set.has(cs[i]!)) i++;
  if (where !== 'leading') while (j > i && set.has(cs[j - 1]!)) j--;
  return cs.slice(i, j).join('');
}

/** Equality without type errors (NULLIF, IN): numbers by value, other values by type and value. */
export function looseEquals(a: Value, b: Value): boolean {
  if (isAbsent(a) || isAbsent(b)) return false;
  // biome-ignore lint/suspicious/noDoubleEquals: compares a number with a bigint by value (1 == 1n)
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) return a == b;
  if (isTimestamp(a) && isTimestamp(b)) return a.ms === b.ms;
  return a === b;
}

const MS: Readonly<Record<string, number>> = { day: 86_400_000, hour: 3_600_000, minute: 60_000, second: 1000 };

/** EXTRACT, DATE_ADD and DATE_DIFF. */
export function datePart(name: 'date_add' | 'date_diff' | 'extract', part: DatePart, args: readonly Value[]): Value {
  if (args.some(isAbsent)) return args.includes(MISSING) ? MISSING : null;
  if (name === 'extract') {
    const t = ts(name, args[0]!);
    const d = new Date(t.ms + t.offset * 60_000);
    switch (part) {
      case 'year':
        return BigInt(d.getUTCFullYear());
      case 'month':
        return BigInt(d.getUTCMonth() + 1);
      case 'day':
        return BigInt(d.getUTCDate());
      case 'hour':
        return BigInt(d.getUTCHours());
      case 'minute':
        return BigInt(d.getUTCMinutes());
      case 'second':
        return BigInt(d.getUTCSeconds());
      case 'timezone_hour':
        return BigInt(Math.trunc(t.offset / 60));
      case 'timezone_minute':
        return BigInt(t.offset % 60);
    }
  }
  if (name === 'date_add') {
    const n = int(name, args[0]!);
    const t = ts(name, args[1]!);
    if (part === 'year' || part === 'month') {
      const d = new Date(t.ms + t.offset * 60_000);
      d.setUTCMonth(d.getUTCMonth() + (part === 'year' ? 12 * n : n));
      return { ...t, ms: d.getTime() - t.offset * 60_000, precision: t.precision === 'year' && part === 'month' ? 'month' : t.precision };
    }
    // A finer unit than the timestamp's own precision raises its precision.
    const precision =
      t.precision === 'year' || t.precision === 'month' || t.precision === 'day'
        ? part === 'day'
          ? 'day'
          : part === 'second'
            ? 'second'
            : 'minute'
        : t.precision === 'minute' && part === 'second'
          ? 'second'
          : t.precision;
    return { ...t, ms: t.ms + n * MS[part]!, precision };
  }
  const a = ts(name, args[0]!);
  const b = ts(name, args[1]!);
  if (part === 'year' || part === 'month') {
    const da = new Date(a.ms);
    const db = new Date(b.ms);
    let months = (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + db.getUTCMonth() - da.getUTCMonth();
    const restA = a.ms - Date.UTC(da.getUTCFullYear(), da.getUTCMonth());
    const restB = b.ms - Date.UTC(db.getUTCFullYear(), db.getUTCMonth());
    if (months > 0 && restB < restA) months--;
    if (months < 0 && restB > restA) months++;
    return BigInt(part === 'year' ? Math.trunc(months / 12) : months);
  }
  return BigInt(Math.trunc((b.ms - a.ms) / MS[part]!));
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** TO_STRING(timestamp, pattern) with S3's pattern letters (y M d a h H m s S X x n, 'literal'). */
function formatTimestamp(t: Timestamp, pattern: string): string {
  const d = new Date(t.ms + t.offset * 60_000);
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      const j = pattern.indexOf("'", i + 1);
      if (j < 0) throw new SelectError('EvaluatorInvalidTimestampFormatPattern', `Invalid time stamp format pattern: ${pattern}.`);
      out += j === i + 1 ? "'" : pattern.slice(i + 1, j);
      i = j + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      out += c;
      i++;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === c) n++;
    i += n;
    out += field(c, n, d, t, pattern);
  }
  return out;
}

function field(c: string, n: number, d: Date, t: Timestamp, pattern: string): string {
  const num = (v: number, width = n): string => String(v).padStart(width, '0');
  switch (c) {
    case 'y':
      return n === 2 ? num(d.getUTCFullYear() % 100, 2) : num(d.getUTCFullYear());
    case 'M':
      return n >= 4 ? MONTHS[d.getUTCMonth()]! : n === 3 ? MONTHS[d.getUTCMonth()]!.slice(0, 3) : num(d.getUTCMonth() + 1);
    case 'd':
      return num(d.getUTCDate());
    case 'a':
      return d.getUTCHours() < 12 ? 'AM' : 'PM';
    case 'h':
      return num(d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12);
    case 'H':
      return num(d.getUTCHours());
    case 'm':
      return num(d.getUTCMinutes());
    case 's':
      return num(d.getUTCSeconds());
    case 'S':
      return String(d.getUTCMilliseconds()).padStart(3, '0').padEnd(n, '0').slice(0, n);
    case 'n':
      return String(d.getUTCMilliseconds() * 1_000_000);
    case 'X':
    case 'x': {
      if (c === 'X' && t.offset === 0) return 'Z';
      const sign = t.offset < 0 ? '-' : '+';
      const hh = String(Math.trunc(Math.abs(t.offset) / 60)).padStart(2, '0');
      const mm = String(Math.abs(t.offset) % 60).padStart(2, '0');
      return n === 1 ? `${sign}${hh}${mm === '00' ? '' : mm}` : n === 2 || n === 4 ? `${sign}${hh}${mm}` : `${sign}${hh}:${mm}`;
    }
    default:
      throw new SelectError('EvaluatorInvalidTimestampFormatPattern', `Invalid time stamp format pattern: ${pattern}.`);
  }
}
