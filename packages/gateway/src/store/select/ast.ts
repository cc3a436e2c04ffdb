/** The syntax tree of an S3 Select query. */

/** One step of a path: a key or column name, an index, or `[*]`. */
export type PathStep = { readonly kind: 'name'; readonly name: string; readonly quoted: boolean } | { readonly kind: 'index'; readonly index: number } | { readonly kind: 'wildcard' };

export type DatePart = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'timezone_hour' | 'timezone_minute';

export type CastType = 'int' | 'float' | 'decimal' | 'string' | 'bool' | 'timestamp';

export type AggregateName = 'count' | 'sum' | 'avg' | 'min' | 'max';

export type Expr =
  | { readonly kind: 'literal'; readonly value: null | string | number | bigint | boolean | undefined }
  | { readonly kind: 'path'; readonly steps: readonly PathStep[] }
  | { readonly kind: 'neg'; readonly arg: Expr }
  | { readonly kind: 'not'; readonly arg: Expr }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'like'; readonly arg: Expr; readonly pattern: Expr; readonly escape: Expr | undefined; readonly negated: boolean }
  | { readonly kind: 'between'; readonly arg: Expr; readonly low: Expr; readonly high: Expr; readonly negated: boolean }
  | { readonly kind: 'in'; readonly arg: Expr; readonly list: readonly Expr[]; readonly negated: boolean }
  | { readonly kind: 'is'; readonly arg: Expr; readonly what: 'null' | 'missing' | 'true' | 'false'; readonly negated: boolean }
  | { readonly kind: 'cast'; readonly arg: Expr; readonly type: CastType }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[] }
  | { readonly kind: 'datepart'; readonly name: 'date_add' | 'date_diff' | 'extract'; readonly part: DatePart; readonly args: readonly Expr[] }
  | { readonly kind: 'trim'; readonly where: 'leading' | 'trailing' | 'both'; readonly chars: Expr | undefined; readonly arg: Expr }
  | { readonly kind: 'aggregate'; readonly name: AggregateName; readonly arg: Expr | '*'; readonly slot: number };

/** One item of the SELECT list. */
export interface Projection {
  readonly expr: Expr;
  /** The output name: the alias, a path's last name, or `_N` by position. */
  readonly name: string;
}

/** A parsed query. */
export interface Query {
  /** `*`, or the SELECT list. */
  readonly projections: '*' | readonly Projection[];
  /** The FROM alias (`s` in `FROM S3Object s`), lower case, or undefined. */
  readonly alias: string | undefined;
  /** Steps after `S3Object` in FROM (`S3Object[*].a[*]`): where the records are in a JSON document. */
  readonly from: readonly PathStep[];
  readonly where: Expr | undefined;
  readonly limit: number | undefined;
  /** The number of aggregate slots; 0 for a query without aggregates. */
  readonly aggregates: number;
}

/** The direct subexpressions of an expression. */
export function exprChildren(e: Expr): Expr[] {
  switch (e.kind) {
    case 'literal':
    case 'path':
    case 'aggregate':
      return [];
    case 'neg':
    case 'not':
    case 'cast':
    case 'is':
      return [e.arg];
    case 'binary':
      return [e.left, e.right];
    case 'like':
      return [e.arg, e.pattern, ...(e.escape === undefined ? [] : [e.escape])];
    case 'between':
      return [e.arg, e.low, e.high];
    case 'in':
      return [e.arg, ...e.list];
    case 'call':
    case 'datepart':
      return [...e.args];
    case 'trim':
      return [e.arg, ...(e.chars === undefined ? [] : [e.chars])];
  }
}
