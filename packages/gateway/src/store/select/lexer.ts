import { MAX_EXPRESSION_BYTES, SelectError } from './errors.js';

/** A token of S3 Select SQL. Keywords are `ident` tokens; the parser matches them case-insensitively. */
export type Token =
  | { readonly type: 'ident'; readonly text: string; readonly pos: number }
  | { readonly type: 'quoted'; readonly text: string; readonly pos: number }
  | { readonly type: 'string'; readonly text: string; readonly pos: number }
  | { readonly type: 'int'; readonly value: bigint; readonly text: string; readonly pos: number }
  | { readonly type: 'float'; readonly value: number; readonly text: string; readonly pos: number }
  | { readonly type: 'op'; readonly text: string; readonly pos: number }
  | { readonly type: 'eof'; readonly text: ''; readonly pos: number };

const OPERATORS = ['<>', '!=', '<=', '>=', '||', '(', ')', '[', ']', ',', '.', '*', '+', '-', '/', '%', '=', '<', '>'];

/**
 * Splits an expression into tokens: identifiers, "quoted identifiers", 'strings' ('' escapes a
 * quote), integers, decimals and operators.
 * @throws SelectError ExpressionTooLong, LexerInvalidChar, LexerInvalidLiteral
 */
export function tokenize(sql: string): Token[] {
  if (Buffer.byteLength(sql) > MAX_EXPRESSION_BYTES) throw new SelectError('ExpressionTooLong', 'The SQL expression is too long: The maximum byte-length for the SQL expression is 256 KB.');
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const pos = i;
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i, i + 1024))!;
      out.push({ type: 'ident', text: m[0], pos });
      i += m[0].length;
    } else if (/\d/.test(c) || (c === '.' && /\d/.test(sql[i + 1] ?? ''))) {
      const m = /^(\d*\.?\d*)([eE][+-]?\d+)?/.exec(sql.slice(i, i + 400))!;
      const text = m[0];
      if (/[A-Za-z_]/.test(sql[i + text.length] ?? '')) throw new SelectError('LexerInvalidLiteral', `Invalid literal at line 1, column ${pos + 1}.`);
      out.push(/^\d+$/.test(text) ? { type: 'int', value: BigInt(text), text, pos } : { type: 'float', value: Number(text), text, pos });
      i += text.length;
    } else if (c === "'" || c === '"' || c === '`') {
      const { text, end } = quoted(sql, i, c);
      out.push({ type: c === "'" ? 'string' : 'quoted', text, pos });
      i = end;
    } else {
      const op = OPERATORS.find((o) => sql.startsWith(o, i));
      if (op === undefined) throw new SelectError('LexerInvalidChar', `Invalid character at line 1, column ${pos + 1}.`);
      out.push({ type: 'op', text: op, pos });
      i += op.length;
    }
  }
  out.push({ type: 'eof', text: '', pos: sql.length });
  return out;
}

/** The text between quotes starting at `start`; a doubled quote stands for one. */
function quoted(sql: string, start: number, q: string): { text: string; end: number } {
  let text = '';
  let i = start + 1;
  for (;;) {
    const j = sql.indexOf(q, i);
    if (j < 0) throw new SelectError('LexerInvalidLiteral', `Invalid literal at line 1, column ${start + 1}: unterminated quote.`);
    text += sql.slice(i, j);
    if (sql[j + 1] === q) {
      text += q;
      i = j + 2;
      continue;
    }
    return { text, end: j + 1 };
  }
}
