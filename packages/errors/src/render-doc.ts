import { S3_ERRORS } from './table.js';

/** Markdown table of every S3 error code (docs/errors.md is generated from this). */
export function renderErrorsMarkdown(): string {
  const rows = Object.entries(S3_ERRORS)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([code, { status, message }]) => `| \`${code}\` | ${status} | ${message.replace(/\|/g, '\\|')} |`);
  return [
    '# S3 error codes',
    '',
    '<!-- Generated from packages/errors/src/table.ts by `pnpm docs:errors`. Do not edit by hand. -->',
    '',
    'Every s3kit package reports failures with these wire codes (`S3Error.code`), HTTP statuses and default',
    'messages. The table lives in one place, `@s3kit/errors`; match on `err.code`, not on the message.',
    '',
    '| code | status | default message |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
