import { exprChildren, type AggregateName, type Expr } from './ast.js';
import { SelectError } from './errors.js';
import { evaluate, compare, type Scope } from './evaluate.js';
import { isAbsent, isNumber, parseNumber, type Value } from './values.js';

/** The running state of one aggregate call (COUNT, SUM, AVG, MIN, MAX). */
interface Accumulator {
  count: number;
  sum: number | bigint;
  best: Value;
}

/** The aggregate calls of a query, fed record by record, read once the input is over. */
export class Aggregates {
  private readonly calls: { readonly name: AggregateName; readonly arg: Expr | '*' }[] = [];
  private readonly state: Accumulator[] = [];

  constructor(projections: readonly { readonly expr: Expr }[], slots: number) {
    for (const p of projections) collect(p.expr, this.calls);
    for (let i = 0; i < slots; i++) this.state.push({ count: 0, sum: 0n, best: null });
  }

  /** Adds one record (that passed WHERE). */
  add(scope: Scope): void {
    this.calls.forEach((c, slot) => {
      const acc = this.state[slot]!;
      if (c.arg === '*') {
        acc.count++;
        return;
      }
      const v = evaluate(c.arg, scope);
      if (isAbsent(v)) return;
      acc.count++;
      if (c.name === 'sum' || c.name === 'avg') acc.sum = add(acc.sum, number(c.name, v));
      else if (c.name === 'min' || c.name === 'max') {
        const x = typeof v === 'string' ? (parseNumber(v) ?? v) : v;
        if (acc.count === 1) acc.best = x;
        else {
          const o = compare(x, acc.best);
          if (o !== undefined && (c.name === 'min' ? o < 0 : o > 0)) acc.best = x;
        }
      }
    });
  }

  /** The results by slot: COUNT is 0 and the others NULL over no records. */
  results(): Value[] {
    return this.calls.map((c, slot) => {
      const acc = this.state[slot]!;
      if (c.name === 'count') return BigInt(acc.count);
      if (acc.count === 0) return null;
      if (c.name === 'sum') return acc.sum;
      if (c.name === 'avg') return Number(acc.sum) / acc.count;
      return acc.best;
    });
  }
}

function collect(e: Expr, out: { name: AggregateName; arg: Expr | '*' }[]): void {
  if (e.kind === 'aggregate') {
    out[e.slot] = { name: e.name, arg: e.arg };
    return;
  }
  for (const child of exprChildren(e)) collect(child, out);
}

function number(name: string, v: Value): number | bigint {
  if (isNumber(v)) return v;
  if (typeof v === 'string') {
    const n = parseNumber(v);
    if (n !== undefined) return n;
  }
  throw new SelectError('EvaluatorInvalidArguments', `Invalid argument for ${name.toUpperCase()}: a number is expected.`);
}

function add(a: number | bigint, b: number | bigint): number | bigint {
  return typeof a === 'bigint' && typeof b === 'bigint' ? a + b : Number(a) + Number(b);
}
