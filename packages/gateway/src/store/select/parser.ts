import { exprChildren, type AggregateName, type CastType, type DatePart, type Expr, type PathStep, type Projection, type Query } from './ast.js';
import { SelectError } from './errors.js';
import { tokenize, type Token } from './lexer.js';

const CAST_TYPES: Readonly<Record<string, CastType>> = {
  int: 'int',
  integer: 'int',
  bigint: 'int',
  smallint: 'int',
  float: 'float',
  real: 'float',
  double: 'float',
  decimal: 'decimal',
  numeric: 'decimal',
  string: 'string',
  varchar: 'string',
  char: 'string',
  character: 'string',
  bool: 'bool',
  boolean: 'bool',
  timestamp: 'timestamp',
};
const DATE_PARTS = new Set<DatePart>(['year', 'month', 'day', 'hour', 'minute', 'second', 'timezone_hour', 'timezone_minute']);
const AGGREGATES = new Set<AggregateName>(['count', 'sum', 'avg', 'min', 'max']);
/** Scalar functions (besides CAST, TRIM, SUBSTRING, EXTRACT, DATE_ADD, DATE_DIFF) and their arity. */
const FUNCTIONS: Readonly<Record<string, readonly [number, number]>> = {
  char_length: [1, 1],
  character_length: [1, 1],
  lower: [1, 1],
  upper: [1, 1],
  coalesce: [1, 64],
  nullif: [2, 2],
  to_string: [2, 2],
  to_timestamp: [1, 1],
  utcnow: [0, 0],
  substring: [2, 3],
};
/** Words that end an expression or a clause (never an alias or a column without quotes). */
const RESERVED = new Set([
  'select',
  'from',
  'where',
  'limit',
  'and',
  'or',
  'not',
  'as',
  'like',
  'escape',
  'between',
  'in',
  'is',
  'null',
  'missing',
  'true',
  'false',
  'cast',
  'group',
  'order',
  'by',
  'having',
  'join',
  'union',
  'case',
  'when',
  'then',
  'else',
  'end',
  'distinct',
]);
const COMPARISONS = new Set(['=', '<>', '!=', '<', '>', '<=', '>=']);

/**
 * Parses an S3 Select SQL expression (`SELECT … FROM S3Object … [WHERE …] [LIMIT n]`).
 * @throws SelectError with S3's parse codes (ParseUnexpectedToken, UnsupportedFunction, …)
 */
export function parseQuery(sql: string): Query {
  return new Parser(tokenize(sql)).query();
}

class Parser {
  private i = 0;
  private slots = 0;
  private inAggregate = false;
  private aggregatesAllowed = false;

  constructor(private readonly tokens: readonly Token[]) {}

  query(): Query {
    this.keyword('select');
    if (this.isKeyword('distinct')) throw new SelectError('UnsupportedSyntax', 'DISTINCT is not supported.');
    let projections: '*' | Projection[];
    if (this.peek().text === '*' && this.peek().type === 'op') {
      this.i++;
      if (this.peek().text === ',')
        throw new SelectError('ParseAsteriskIsNotAloneInSelectList', 'Other expressions are not allowed in the SELECT list when * is used without dot notation in the SQL expression.');
      projections = '*';
    } else {
      projections = [];
      this.aggregatesAllowed = true;
      do projections.push(this.projection(projections.length + 1));
      while (this.op(','));
      this.aggregatesAllowed = false;
      const withAggregates = projections.filter((p) => containsAggregate(p.expr)).length;
      if (withAggregates > 0 && withAggregates < projections.length)
        throw new SelectError('UnsupportedSyntax', 'Aggregate and non-aggregate expressions cannot be mixed in the SELECT list without GROUP BY.');
    }
    if (!this.isKeyword('from')) throw this.unexpected(this.peek(), 'ParseSelectMissingFrom');
    this.i++;
    const { alias, from } = this.source();
    let where: Expr | undefined;
    if (this.isKeyword('where')) {
      this.i++;
      where = this.expr();
    }
    let limit: number | undefined;
    if (this.isKeyword('limit')) {
      this.i++;
      const t = this.next();
      if (t.type !== 'int') throw this.unexpected(t);
      limit = Number(t.value);
    }
    const end = this.peek();
    if (end.type !== 'eof') {
      if (end.type === 'ident' && ['group', 'order', 'having', 'join', 'union'].includes(end.text.toLowerCase()))
        throw new SelectError('UnsupportedSyntax', `${end.text.toUpperCase()} is not supported.`);
      throw this.unexpected(end);
    }
    return { projections, alias, from, where, limit, aggregates: this.slots };
  }

  private projection(position: number): Projection {
    const expr = this.expr();
    if (this.isKeyword('as')) {
      this.i++;
      return { expr, name: this.aliasName() };
    }
    const t = this.peek();
    if ((t.type === 'ident' && !RESERVED.has(t.text.toLowerCase())) || t.type === 'quoted') return { expr, name: this.aliasName() };
    const last = expr.kind === 'path' ? expr.steps[expr.steps.length - 1] : undefined;
    return { expr, name: last?.kind === 'name' && expr.kind === 'path' && expr.steps.length > 0 ? last.name : `_${position}` };
  }

  private aliasName(): string {
    const t = this.next();
    if (t.type === 'quoted' || (t.type === 'ident' && !RESERVED.has(t.text.toLowerCase()))) return t.text;
    throw this.unexpected(t, 'ParseExpectedIdentForAlias');
  }

  private source(): { alias: string | undefined; from: PathStep[] } {
    const t = this.next();
    if (t.type !== 'ident' || t.text.toLowerCase() !== 's3object') {
      if (t.type === 'ident' || t.type === 'quoted') throw new SelectError('InvalidDataSource', 'Invalid data source type. Only CSV, JSON, and Parquet are supported; the data source is S3Object.');
      throw this.unexpected(t);
    }
    const from: PathStep[] = [];
    for (;;) {
      const step = this.step();
      if (step === undefined) break;
      from.push(step);
    }
    let alias: string | undefined;
    if (this.isKeyword('as')) {
      this.i++;
      alias = this.aliasName().toLowerCase();
    } else {
      const a = this.peek();
      if (a.type === 'ident' && !RESERVED.has(a.text.toLowerCase())) {
        this.i++;
        alias = a.text.toLowerCase();
      }
    }
    return { alias, from };
  }

  /** A path step after a name: `.name`, `."Name"`, `[n]`, `['key']`, `[*]`; undefined if none follows. */
  private step(): PathStep | undefined {
    if (this.op('.')) {
      const t = this.next();
      if (t.type === 'ident') return { kind: 'name', name: t.text, quoted: false };
      if (t.type === 'quoted') return { kind: 'name', name: t.text, quoted: true };
      if (t.type === 'op' && t.text === '*') throw new SelectError('ParseInvalidContextForWildcardInSelectList', 'Invalid use of * in SELECT list.');
      throw this.unexpected(t, 'ParseInvalidPathComponent');
    }
    if (this.op('[')) {
      const t = this.next();
      let step: PathStep;
      if (t.type === 'op' && t.text === '*') step = { kind: 'wildcard' };
      else if (t.type === 'int') step = { kind: 'index', index: Number(t.value) };
      else if (t.type === 'string') step = { kind: 'name', name: t.text, quoted: true };
      else throw this.unexpected(t, 'ParseInvalidPathComponent');
      this.expectOp(']');
      return step;
    }
    return undefined;
  }

  expr(): Expr {
    let left = this.and();
    while (this.isKeyword('or')) {
      this.i++;
      left = { kind: 'binary', op: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.isKeyword('and')) {
      this.i++;
      left = { kind: 'binary', op: 'and', left, right: this.not() };
    }
    return left;
  }

  private not(): Expr {
    if (this.isKeyword('not')) {
      this.i++;
      return { kind: 'not', arg: this.not() };
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.concat();
    const t = this.peek();
    if (t.type === 'op' && COMPARISONS.has(t.text)) {
      this.i++;
      return { kind: 'binary', op: t.text === '!=' ? '<>' : t.text, left, right: this.concat() };
    }
    if (this.isKeyword('is')) {
      this.i++;
      const negated = this.isKeyword('not') ? (this.i++, true) : false;
      const w = this.next();
      const what = w.type === 'ident' ? w.text.toLowerCase() : '';
      if (what !== 'null' && what !== 'missing' && what !== 'true' && what !== 'false') throw this.unexpected(w);
      return { kind: 'is', arg: left, what, negated };
    }
    const negated = this.isKeyword('not') && this.peekAt(1).type === 'ident' && ['like', 'between', 'in'].includes(this.peekAt(1).text.toLowerCase());
    if (negated) this.i++;
    if (this.isKeyword('like')) {
      this.i++;
      const pattern = this.concat();
      let esc: Expr | undefined;
      if (this.isKeyword('escape')) {
        this.i++;
        esc = this.concat();
      }
      return { kind: 'like', arg: left, pattern, escape: esc, negated };
    }
    if (this.isKeyword('between')) {
      this.i++;
      const low = this.concat();
      this.keyword('and');
      return { kind: 'between', arg: left, low, high: this.concat(), negated };
    }
    if (this.isKeyword('in')) {
      this.i++;
      this.expectOp('(');
      const list: Expr[] = [];
      do list.push(this.expr());
      while (this.op(','));
      this.expectOp(')');
      return { kind: 'in', arg: left, list, negated };
    }
    if (negated) throw this.unexpected(this.peek());
    return left;
  }

  private concat(): Expr {
    let left = this.additive();
    while (this.op('||')) left = { kind: 'binary', op: '||', left, right: this.additive() };
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const t = this.peek();
      if (t.type !== 'op' || (t.text !== '+' && t.text !== '-')) return left;
      this.i++;
      left = { kind: 'binary', op: t.text, left, right: this.multiplicative() };
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.type !== 'op' || (t.text !== '*' && t.text !== '/' && t.text !== '%')) return left;
      this.i++;
      left = { kind: 'binary', op: t.text, left, right: this.unary() };
    }
  }

  private unary(): Expr {
    if (this.op('-')) return { kind: 'neg', arg: this.unary() };
    if (this.op('+')) return this.unary();
    return this.primary();
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.type) {
      case 'int':
      case 'float':
        return { kind: 'literal', value: t.value };
      case 'string':
        return { kind: 'literal', value: t.text };
      case 'quoted':
        return this.path({ kind: 'name', name: t.text, quoted: true });
      case 'op':
        if (t.text === '(') {
          const e = this.expr();
          this.expectOp(')');
          return e;
        }
        throw this.unexpected(t, t.type === 'op' && t.text === '*' ? 'ParseUnexpectedOperator' : 'ParseUnexpectedToken');
      case 'eof':
        throw new SelectError('ParseExpectedExpression', 'Expected expression at line 1, column ' + (t.pos + 1) + '.');
      case 'ident':
        break;
    }
    const word = t.text.toLowerCase();
    if (word === 'null') return { kind: 'literal', value: null };
    if (word === 'missing') return { kind: 'literal', value: undefined };
    if (word === 'true' || word === 'false') return { kind: 'literal', value: word === 'true' };
    if (this.peek().type === 'op' && this.peek().text === '(') return this.call(word, t);
    if (RESERVED.has(word)) throw this.unexpected(t, 'ParseUnexpectedKeyword');
    return this.path({ kind: 'name', name: t.text, quoted: false });
  }

  private path(first: PathStep): Expr {
    const steps: PathStep[] = [first];
    for (;;) {
      const s = this.step();
      if (s === undefined) return { kind: 'path', steps };
      steps.push(s);
    }
  }

  private call(name: string, at: Token): Expr {
    this.expectOp('(');
    if (name === 'cast') {
      const arg = this.expr();
      this.keyword('as');
      const tt = this.next();
      const type = tt.type === 'ident' ? CAST_TYPES[tt.text.toLowerCase()] : undefined;
      if (type === undefined) throw this.unexpected(tt, 'ParseExpectedTypeName');
      if (tt.type === 'ident' && tt.text.toLowerCase() === 'double' && this.peek().type === 'ident' && this.peek().text.toLowerCase() === 'precision') this.i++;
      if (this.op('(')) {
        // DECIMAL(p, s) / VARCHAR(n): S3 ignores precision and scale.
        do this.next();
        while (this.op(','));
        this.expectOp(')');
      }
      this.expectOp(')');
      return { kind: 'cast', arg, type };
    }
    if (AGGREGATES.has(name as AggregateName)) return this.aggregate(name as AggregateName);
    if (name === 'extract') {
      const part = this.datePart();
      this.keyword('from');
      const arg = this.expr();
      this.expectOp(')');
      return { kind: 'datepart', name: 'extract', part, args: [arg] };
    }
    if (name === 'date_add' || name === 'date_diff') {
      const part = this.datePart();
      if (part === 'timezone_hour' || part === 'timezone_minute') throw new SelectError('EvaluatorInvalidArguments', `Invalid date part for ${name.toUpperCase()}.`);
      this.expectOp(',');
      const a = this.expr();
      this.expectOp(',');
      const b = this.expr();
      this.expectOp(')');
      return { kind: 'datepart', name, part, args: [a, b] };
    }
    if (name === 'trim') return this.trim();
    if (name === 'substring') return this.substring();
    const arity = FUNCTIONS[name];
    if (arity === undefined) throw new SelectError('UnsupportedFunction', `Encountered an unsupported SQL function: ${at.text}.`);
    const args: Expr[] = [];
    if (!this.op(')')) {
      do args.push(this.expr());
      while (this.op(','));
      this.expectOp(')');
    }
    if (args.length < arity[0] || args.length > arity[1]) throw new SelectError('IncorrectSqlFunctionArgumentType', `Incorrect number of arguments to ${name.toUpperCase()}.`);
    return { kind: 'call', name, args };
  }

  private aggregate(name: AggregateName): Expr {
    if (!this.aggregatesAllowed || this.inAggregate) throw new SelectError('UnsupportedSyntax', `Aggregate function ${name.toUpperCase()} is not allowed here.`);
    let arg: Expr | '*';
    if (this.peek().type === 'op' && this.peek().text === '*') {
      if (name !== 'count') throw new SelectError('ParseUnsupportedCallWithStar', `Only COUNT is allowed with *; not ${name.toUpperCase()}.`);
      this.i++;
      arg = '*';
    } else {
      this.inAggregate = true;
      arg = this.expr();
      this.inAggregate = false;
    }
    this.expectOp(')');
    return { kind: 'aggregate', name, arg, slot: this.slots++ };
  }

  private trim(): Expr {
    let where: 'leading' | 'trailing' | 'both' = 'both';
    const w = this.peek();
    let spec = false;
    if (w.type === 'ident' && ['leading', 'trailing', 'both'].includes(w.text.toLowerCase())) {
      where = w.text.toLowerCase() as typeof where;
      this.i++;
      spec = true;
    }
    if (spec && this.isKeyword('from')) {
      this.i++;
      const arg = this.expr();
      this.expectOp(')');
      return { kind: 'trim', where, chars: undefined, arg };
    }
    const first = this.expr();
    if (this.isKeyword('from')) {
      this.i++;
      const arg = this.expr();
      this.expectOp(')');
      return { kind: 'trim', where, chars: first, arg };
    }
    this.expectOp(')');
    return { kind: 'trim', where, chars: undefined, arg: first };
  }

  private substring(): Expr {
    const arg = this.expr();
    const args = [arg];
    if (this.isKeyword('from')) {
      this.i++;
      args.push(this.expr());
      if (this.isKeyword('for')) {
        this.i++;
        args.push(this.expr());
      }
    } else {
      this.expectOp(',');
      args.push(this.expr());
      if (this.op(',')) args.push(this.expr());
    }
    this.expectOp(')');
    return { kind: 'call', name: 'substring', args };
  }

  private datePart(): DatePart {
    const t = this.next();
    const p = t.type === 'ident' ? t.text.toLowerCase() : '';
    if (!DATE_PARTS.has(p as DatePart)) throw this.unexpected(t, 'ParseExpectedDatePart');
    return p as DatePart;
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private peekAt(n: number): Token {
    return this.tokens[Math.min(this.i + n, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.tokens[this.i]!;
    if (t.type !== 'eof') this.i++;
    return t;
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t.type === 'ident' && t.text.toLowerCase() === word;
  }

  private keyword(word: string): void {
    if (!this.isKeyword(word)) throw this.unexpected(this.peek(), 'ParseExpectedKeyword');
    this.i++;
  }

  private op(text: string): boolean {
    const t = this.peek();
    if (t.type === 'op' && t.text === text) {
      this.i++;
      return true;
    }
    return false;
  }

  private expectOp(text: string): void {
    if (!this.op(text)) throw this.unexpected(this.peek(), 'ParseExpectedTokenType');
  }

  private unexpected(t: Token, code = 'ParseUnexpectedToken'): SelectError {
    const what = t.type === 'eof' ? 'EOF' : `${t.type === 'ident' ? (RESERVED.has(t.text.toLowerCase()) ? 'KEYWORD' : 'IDENTIFIER') : t.type.toUpperCase()}:${t.text}`;
    // S3 names the unexpected token in the message; the code names what the parser expected.
    return new SelectError(code === 'ParseExpectedTokenType' || code === 'ParseExpectedKeyword' ? 'ParseUnexpectedToken' : code, `Unexpected token found ${what} at line 1, column ${t.pos + 1}.`);
  }
}

function containsAggregate(e: Expr): boolean {
  return e.kind === 'aggregate' || exprChildren(e).some(containsAggregate);
}
