// `s3kit select --query SQL ALIAS/bucket/key`: S3 Select over a CSV, JSON or Parquet object (plain,
// gzip or bzip2), the records streamed to stdout as they arrive.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SelectInputSerialization, SelectOutputSerialization } from '@s3kit/client/node';
import { parse } from '../args.js';
import type { Context } from '../context.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { remoteTarget } from '../target.js';

export const usage = `s3kit select --query SQL [--input csv|json|parquet] [--compression none|gzip|bzip2]
          [--csv-header use|ignore|none] [--csv-delimiter C] [--json-type lines|document]
          [--output csv|json] [--output-delimiter C] [--json] ALIAS/bucket/key...`;

const COMPRESSION: Record<string, 'NONE' | 'GZIP' | 'BZIP2'> = { none: 'NONE', gzip: 'GZIP', bzip2: 'BZIP2' };

/** Runs the query over each object, in order. */
export async function run(ctx: Context, argv: string[]): Promise<void> {
  const { positionals, values } = parse(
    'select',
    argv,
    {
      query: { type: 'string', short: 'e' },
      input: { type: 'string' },
      compression: { type: 'string' },
      'csv-header': { type: 'string' },
      'csv-delimiter': { type: 'string' },
      'json-type': { type: 'string' },
      output: { type: 'string' },
      'output-delimiter': { type: 'string' },
    },
    1,
  );
  const expression = values.query;
  if (expression === undefined || expression === '') throw new CliError('UsageError', 'select: --query SQL is needed', EXIT_USAGE);
  for (const arg of positionals) {
    const t = await remoteTarget(arg, ctx.env, 'key');
    const guess = fromName(t.key);
    const format = oneOf('input', values.input, ['csv', 'json', 'parquet'], guess.format);
    const inputSerialization: SelectInputSerialization = {
      CompressionType: COMPRESSION[oneOf('compression', values.compression, ['none', 'gzip', 'bzip2'], guess.compression)]!,
      ...(format === 'csv'
        ? {
            CSV: {
              FileHeaderInfo: oneOf('csv-header', values['csv-header'], ['use', 'ignore', 'none'], 'use').toUpperCase(),
              ...(values['csv-delimiter'] ? { FieldDelimiter: values['csv-delimiter'] } : {}),
            },
          }
        : format === 'json'
          ? { JSON: { Type: oneOf('json-type', values['json-type'], ['lines', 'document'], 'lines').toUpperCase() } }
          : { Parquet: {} }),
    };
    const output = values.json ? 'json' : oneOf('output', values.output, ['csv', 'json'], format === 'csv' ? 'csv' : 'json');
    const outputSerialization: SelectOutputSerialization =
      output === 'csv' ? { CSV: { RecordDelimiter: '\n', ...(values['output-delimiter'] ? { FieldDelimiter: values['output-delimiter'] } : {}) } } : { JSON: { RecordDelimiter: '\n' } };
    const records = await ctx.client(t.alias).selectObjectContent(t.bucket, t.key, { expression, inputSerialization, outputSerialization }, { signal: ctx.signal });
    await pipeline(Readable.from(records), ctx.stdout, { end: false });
  }
}

/** The format and compression an object's name suggests (`people.csv.gz`: CSV, gzip). */
function fromName(key: string): { format: string; compression: string } {
  const lower = key.toLowerCase();
  const compression = lower.endsWith('.gz') ? 'gzip' : lower.endsWith('.bz2') ? 'bzip2' : 'none';
  const base = compression === 'none' ? lower : lower.slice(0, lower.lastIndexOf('.'));
  const format = /\.(json|jsonl|ndjson)$/.test(base) ? 'json' : base.endsWith('.parquet') ? 'parquet' : 'csv';
  return { format, compression };
}

function oneOf(name: string, value: string | undefined, allowed: string[], fallback: string): string {
  const v = (value ?? fallback).toLowerCase();
  if (!allowed.includes(v)) throw new CliError('UsageError', `select: --${name} is ${allowed.join(', ')}; got ${value}`, EXIT_USAGE);
  return v;
}
