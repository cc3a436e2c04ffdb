import type { Expr } from './ast.js';
import { SelectError } from './errors.js';
import { callFunction, cast, datePart, looseEquals, trim } from './functions.js';
import { resolvePath, type Row } from './row.js';
import { MISSING, isAbsent, isNumber, isTimestamp, parseNumber, type Value } from './values.js';

/** What an expression is evaluated against. */
export interface Scope {
  readonly row: Row;
  readonly alias: string | undefined;
  /** The aggregate results, once the input is over (for the SELECT list of an aggregate query). */
  readonly aggregates?: readonly Value[] | undefined;
  readonly now: () => number;
}

/**
 * Evaluates an expression with S3 Select's semantics: three-valued logic (NULL and MISSING
 * make comparisons unknown), CSV text compared as text (CAST it to compare numbers), read as a
 * number by arithmetic and SUM/AVG.
 * @throws SelectError for invalid arguments and failed casts
 */
export function evaluate(e: Expr, s: Scope): Value {
  switch (e.kind) {
    case 'literal':
      return e.value === undefined ? MISSING : e.value;
    case 'path':
      return resolvePath(s.row, s.alias, e.steps);
    case 'neg': {
      const v = numeric(evaluate(e.arg, s), '-');
      return isAbsent(v) ? v : -v;
    }
    case 'not': {
      const v = evaluate(e.arg, s);
      return isAbsent(v) ? null : !truth(v);
    }
    case 'binary':
      return binary(e.op, e.left, e.right, s);
    case 'like': {
      const v = evaluate(e.arg, s);
      const p = evaluate(e.pattern, s);
      const esc = e.escape === undefined ? undefined : evaluate(e.escape, s);
      if (isAbsent(v) || isAbsent(p) || (esc !== undefined && isAbsent(esc))) return null;
      if (typeof v !== 'string' || typeof p !== 'string' || (esc !== undefined && (typeof esc !== 'string' || [...esc].length !== 1))) {
        throw new SelectError('LikeInvalidInputs', 'Invalid argument given to the LIKE clause in the SQL expression.');
      }
      const m = likeRegex(p, esc as string | undefined).test(v);
      return e.negated ? !m : m;
    }
    case 'between': {
      const v = evaluate(e.arg, s);
      const lo = compare(v, evaluate(e.low, s));
      const hi = compare(v, evaluate(e.high, s));
      if (lo === undefined || hi === undefined) return null;
      const r = lo >= 0 && hi <= 0;
      return e.negated ? !r : r;
    }
    case 'in': {
      const v = evaluate(e.arg, s);
      if (isAbsent(v)) return null;
      let unknown = false;
      for (const x of e.list) {
        const c = compare(v, evaluate(x, s));
        if (c === 0) return !e.negated;
        if (c === undefined) unknown = true;
      }
      return unknown ? null : e.negated;
    }
    case 'is': {
      const v = evaluate(e.arg, s);
      const r = e.what === 'null' ? isAbsent(v) : e.what === 'missing' ? v === MISSING : v === (e.what === 'true');
      return e.negated ? !r : r;
    }
    case 'cast':
      return cast(evaluate(e.arg, s), e.type);
    case 'call':
      return callFunction(
        e.name,
        e.args.map((a) => evaluate(a, s)),
        s.now,
      );
    case 'datepart':
      return datePart(
        e.name,
        e.part,
        e.args.map((a) => evaluate(a, s)),
      );
    case 'trim':
      return trim(e.where, e.chars === undefined ? undefined : evaluate(e.chars, s), evaluate(e.arg, s));
    case 'aggregate':
      return s.aggregates?.[e.slot] ?? null;
  }
}

/** Whether a WHERE result keeps the record: only TRUE does. */
export function truth(v: Value): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
  }
  if (isAbsent(v)) return false;
  throw new SelectError('EvaluatorInvalidArguments', 'The WHERE clause does not evaluate to a boolean.');
}

function binary(op: string, l: Expr, r: Expr, s: Scope): Value {
  if (op === 'and' || op === 'or') {
    const a = logic(evaluate(l, s));
    if (op === 'and' && a === false) return false;
    if (op === 'or' && a === true) return true;
    const b = logic(evaluate(r, s));
    if (op === 'and') return b === false ? false : a === null || b === null ? null : true;
    return b === true ? true : a === null || b === null ? null : false;
  }
  const a = evaluate(l, s);
  const b = evaluate(r, s);
  switch (op) {
    case '=':
    case '<>': {
      const c = compare(a, b);
      if (c === undefined) return null;
      return op === '=' ? c === 0 : c !== 0;
    }
    case '<':
    case '>':
    case '<=':
    case '>=': {
      const c = compare(a, b);
      if (c === undefined) return null;
      return op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c >= 0;
    }
    case '||':
      if (isAbsent(a) || isAbsent(b)) return null;
      if (typeof a !== 'string' || typeof b !== 'string') throw new SelectError('EvaluatorInvalidArguments', 'The || operator takes strings.');
      return a + b;
    default:
      return arithmetic(op, a, b);
  }
}

function logic(v: Value): boolean | null {
  return isAbsent(v) ? null : truth(v);
}

function numeric(v: Value, op: string): number | bigint | null | typeof MISSING {
  if (isAbsent(v)) return v;
  if (isNumber(v)) return v;
  if (typeof v === 'string') {
    const n = parseNumber(v);
    if (n !== undefined) return n;
  }
  throw new SelectError('EvaluatorInvalidArguments', `The operator ${op} takes numbers; got ${typeof v === 'string' ? `'${v}'` : typeof v}.`);
}

function arithmetic(op: string, av: Value, bv: Value): Value {
  const a = numeric(av, op);
  const b = numeric(bv, op);
  if (a === MISSING || b === MISSING) return MISSING;
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if ((op === '/' || op === '%') && b === 0n) throw new SelectError('EvaluatorInvalidArguments', 'Division by zero.');
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        return a / b;
      default:
        return a % b;
    }
  }
  const x = Number(a);
  const y = Number(b);
  if ((op === '/' || op === '%') && y === 0) throw new SelectError('EvaluatorInvalidArguments', 'Division by zero.');
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return x / y;
    default:
      return x % y;
  }
}

/**
 * Orders two values: numbers by value, strings by code point, booleans, timestamps by
 * instant (a string compared with a timestamp is read as one). Undefined when either is NULL or
 * MISSING or they cannot be compared (the comparison is unknown).
 */
export function compare(a: Value, b: Value): number | undefined {
  if (isAbsent(a) || isAbsent(b)) return undefined;
  // CSV text is a string until CAST (S3: "all input data is treated as a string"): a string
  // compared with a number is unknown, so the record does not pass.
  if (isNumber(a) && isNumber(b)) return a < b ? -1 : a > b ? 1 : 0;
  if (isNumber(a) || isNumber(b)) return undefined;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (isTimestamp(a) || isTimestamp(b)) {
    const x = isTimestamp(a) ? a : typeof a === 'string' ? cast(a, 'timestamp') : undefined;
    const y = isTimestamp(b) ? b : typeof b === 'string' ? cast(b, 'timestamp') : undefined;
    if (!isTimestamp(x) || !isTimestamp(y)) return undefined;
    return x.ms < y.ms ? -1 : x.ms > y.ms ? 1 : 0;
  }
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    const x = typeof a === 'string' ? a.toLowerCase() : String(a);
    const y = typeof b === 'string' ? b.toLowerCase() : String(b);
    return x === y ? 0 : undefined;
  }
  return looseEquals(a, b) ? 0 : undefined;
}

const likeCache = new Map<string, RegExp>();

/** A LIKE pattern as a regular expression: `%` any run, `_` one character, `esc` quotes the next. */
function likeRegex(pattern: string, esc: string | undefined): RegExp {
  const key = `${esc ?? ''}\u0000${pattern}`;
  let re = likeCache.get(key);
  if (re !== undefined) return re;
  let src = '';
  const cs = [...pattern];
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!;
    if (esc !== undefined && c === esc) {
      const n = cs[++i];
      if (n === undefined) throw new SelectError('LikeInvalidInputs', 'Invalid argument given to the LIKE clause in the SQL expression: the pattern ends with the escape character.');
      src += n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (c === '%') src += '[^]*';
    else if (c === '_') src += '[^]';
    else src += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  re = new RegExp(`^${src}$`, 'u');
  if (likeCache.size > 256) likeCache.clear();
  likeCache.set(key, re);
  return re;
}
