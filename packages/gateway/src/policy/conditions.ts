import { cidrContains, parseCidr, parseIp } from './cidr.js';
import { substitute, wildcardMatch, type ContextLookup } from './pattern.js';
import type { ConditionClause, SetQualifier } from './types.js';

type Family = 'string' | 'numeric' | 'date' | 'bool' | 'ip' | 'arn' | 'null';

interface OperatorInfo {
  readonly family: Family;
  /** Negated operators are true when no policy value matches (NOT(v1 OR v2)), and when the key is absent. */
  readonly negated: boolean;
}

/** Every base condition operator understood (each also accepts `IfExists`, except `Null`). */
export const OPERATORS: Readonly<Record<string, OperatorInfo>> = {
  StringEquals: { family: 'string', negated: false },
  StringNotEquals: { family: 'string', negated: true },
  StringEqualsIgnoreCase: { family: 'string', negated: false },
  StringNotEqualsIgnoreCase: { family: 'string', negated: true },
  StringLike: { family: 'string', negated: false },
  StringNotLike: { family: 'string', negated: true },
  NumericEquals: { family: 'numeric', negated: false },
  NumericNotEquals: { family: 'numeric', negated: true },
  NumericLessThan: { family: 'numeric', negated: false },
  NumericLessThanEquals: { family: 'numeric', negated: false },
  NumericGreaterThan: { family: 'numeric', negated: false },
  NumericGreaterThanEquals: { family: 'numeric', negated: false },
  DateEquals: { family: 'date', negated: false },
  DateNotEquals: { family: 'date', negated: true },
  DateLessThan: { family: 'date', negated: false },
  DateLessThanEquals: { family: 'date', negated: false },
  DateGreaterThan: { family: 'date', negated: false },
  DateGreaterThanEquals: { family: 'date', negated: false },
  Bool: { family: 'bool', negated: false },
  IpAddress: { family: 'ip', negated: false },
  NotIpAddress: { family: 'ip', negated: true },
  ArnEquals: { family: 'arn', negated: false },
  ArnLike: { family: 'arn', negated: false },
  ArnNotEquals: { family: 'arn', negated: true },
  ArnNotLike: { family: 'arn', negated: true },
  Null: { family: 'null', negated: false },
};

export interface ParsedOperator {
  readonly base: string;
  readonly qualifier: SetQualifier | undefined;
  readonly ifExists: boolean;
}

/** Splits `ForAllValues:StringLikeIfExists` into its parts; `undefined` for an unknown operator. */
export function parseOperator(op: string): ParsedOperator | undefined {
  let rest = op;
  let qualifier: SetQualifier | undefined;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const q = rest.slice(0, colon);
    if (q !== 'ForAnyValue' && q !== 'ForAllValues') return undefined;
    qualifier = q;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.endsWith('IfExists') && rest !== 'IfExists') {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const info = OPERATORS[rest];
  if (!info) return undefined;
  if (info.family === 'null' && (ifExists || qualifier)) return undefined;
  return { base: rest, qualifier, ifExists };
}

/** Milliseconds since epoch from ISO 8601 or epoch seconds, or `undefined`. */
export function parseDate(text: string): number | undefined {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

function parseNumber(text: string): number | undefined {
  const t = text.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

/** Validation of one policy value for an operator; returns a problem text or `undefined`. */
export function checkValue(base: string, value: string): string | undefined {
  const family = OPERATORS[base]?.family;
  switch (family) {
    case 'numeric':
      return parseNumber(value) === undefined ? `"${value}" is not a number` : undefined;
    case 'date':
      return parseDate(value) === undefined ? `"${value}" is not an ISO 8601 date or epoch seconds` : undefined;
    case 'bool':
    case 'null':
      return /^(true|false)$/i.test(value) ? undefined : `"${value}" is not true or false`;
    case 'ip':
      return parseCidr(value) === undefined ? `"${value}" is not an IPv4/IPv6 address or CIDR` : undefined;
    default:
      return undefined;
  }
}

function arnLike(pattern: string, value: string, lookup: ContextLookup, variables: boolean): boolean {
  const split = (s: string): string[] => {
    const parts = s.split(':');
    return parts.length <= 6 ? parts : [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const p = split(pattern);
  const v = split(value);
  if (p.length !== 6 || v.length !== 6) return false;
  return p.every((part, i) => wildcardMatch(part, v[i] ?? '', lookup, { variables }));
}

/**
 * Positive comparison of one context value against one policy value for a base operator
 * (negated operators use their positive twin). `undefined` when the context value cannot be read
 * as the operator's type (e.g. NumericLessThan on "abc").
 */
function compare(base: string, ctx: string, policy: string, lookup: ContextLookup, vars: boolean): boolean | undefined {
  switch (base) {
    case 'StringEquals':
    case 'StringNotEquals': {
      const p = substitute(policy, lookup, vars);
      return p !== undefined && p === ctx;
    }
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase': {
      const p = substitute(policy, lookup, vars);
      return p !== undefined && p.toLowerCase() === ctx.toLowerCase();
    }
    case 'StringLike':
    case 'StringNotLike':
      return wildcardMatch(policy, ctx, lookup, { variables: vars });
    case 'ArnEquals':
    case 'ArnLike':
    case 'ArnNotEquals':
    case 'ArnNotLike':
      return arnLike(policy, ctx, lookup, vars);
    case 'Bool':
      return /^(true|false)$/i.test(ctx) ? ctx.toLowerCase() === policy.toLowerCase() : undefined;
    case 'IpAddress':
    case 'NotIpAddress': {
      const ip = parseIp(ctx);
      const cidr = parseCidr(policy);
      if (!ip || !cidr) return undefined;
      return cidrContains(cidr, ip);
    }
  }
  const family = OPERATORS[base]?.family;
  const read = family === 'date' ? parseDate : parseNumber;
  const c = read(ctx);
  const p = read(policy);
  if (c === undefined || p === undefined) return undefined;
  if (!base.includes('Than')) return c === p; // Equals, NotEquals
  if (base.endsWith('LessThan')) return c < p;
  if (base.endsWith('LessThanEquals')) return c <= p;
  if (base.endsWith('GreaterThan')) return c > p;
  if (base.endsWith('GreaterThanEquals')) return c >= p;
  return undefined;
}

/** One context value against all policy values: positive operators OR the values, negated ones NOT(OR). */
function valueSatisfies(clause: ConditionClause, ctx: string, lookup: ContextLookup, vars: boolean): boolean {
  const negated = OPERATORS[clause.base]?.negated ?? false;
  let any = false;
  for (const p of clause.values) {
    // A context value that cannot be read as the operator's type (NumericLessThan on "abc", an
    // address that is not an IP) matches no policy value: positive operators are false, negated
    // ones true, which keeps Deny statements such as NotIpAddress failing closed.
    if (compare(clause.base, ctx, p, lookup, vars) === true) any = true;
  }
  return negated ? !any : any;
}

/**
 * Evaluates one condition clause with AWS's rules: a missing key makes positive operators false and
 * negated operators true; `IfExists` makes any operator true on a missing key; `ForAllValues` is true
 * on a missing or empty key, `ForAnyValue` false; `Null: true` matches an absent key.
 */
export function evaluateClause(clause: ConditionClause, lookup: ContextLookup, variables: boolean): boolean {
  const raw = lookup(clause.key);
  const present = raw !== undefined && raw.length > 0;
  if (clause.base === 'Null') {
    return clause.values.some((v) => (v.toLowerCase() === 'true') === !present);
  }
  const negated = OPERATORS[clause.base]?.negated ?? false;
  if (clause.qualifier === 'ForAllValues') {
    if (!present) return true;
    return raw.every((v) => valueSatisfies(clause, v, lookup, variables));
  }
  if (!present) {
    if (clause.ifExists) return true;
    if (clause.qualifier === 'ForAnyValue') return false;
    return negated;
  }
  if (clause.qualifier === 'ForAnyValue') return raw.some((v) => valueSatisfies(clause, v, lookup, variables));
  // Single-valued operator on a multi-valued key: positive operators match when any value does,
  // negated operators when no value matches the positive twin.
  if (negated) return raw.every((v) => valueSatisfies(clause, v, lookup, variables));
  return raw.some((v) => valueSatisfies(clause, v, lookup, variables));
}
