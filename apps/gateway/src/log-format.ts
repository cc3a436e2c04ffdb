import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { LogFormat } from './config.js';

const LEVELS: Record<number, [name: string, colour: number]> = { 10: ['TRACE', 90], 20: ['DEBUG', 90], 30: ['INFO', 32], 40: ['WARN', 33], 50: ['ERROR', 31], 60: ['FATAL', 35] };
/** Fields every line has, left out of the pretty line (or shown in its own place). */
const SHOWN = new Set(['level', 'time', 'pid', 'hostname', 'service', 'msg']);
/** Fields of a request line shown in its own place. */
const REQUEST_SHOWN = new Set(['method', 'status', 'operation', 'bucket', 'key', 'durationMs', 'errorCode']);

function paint(on: boolean, colour: number, s: string): string {
  return on ? `\x1b[${colour}m${s}\x1b[0m` : s;
}

function value(v: unknown): string {
  return typeof v === 'string' && /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
}

/**
 * One human line of a JSON log line: `time LEVEL msg k=v …`; a request reads
 * `time INFO  GET 200 PutObject bucket/key 1.2ms k=v …`. ANSI colours when `colour`.
 */
export function prettyLine(json: string, colour: boolean): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const [name, c] = LEVELS[o['level'] as number] ?? ['LOG', 0];
  const time = typeof o['time'] === 'number' ? new Date(o['time']).toISOString().slice(11, 23) : '';
  const head = [paint(colour, 90, time), paint(colour, c, name.padEnd(5))];
  const isRequest = o['msg'] === 'request' && typeof o['method'] === 'string';
  if (isRequest) {
    const status = Number(o['status']);
    const where = o['bucket'] === undefined ? '' : `${String(o['bucket'])}${o['key'] === undefined ? '' : `/${String(o['key'])}`}`;
    head.push(
      String(o['method']),
      paint(colour, status >= 500 || status === 0 ? 31 : status >= 400 ? 33 : 32, String(status)),
      String(o['operation'] ?? '-'),
      where === '' ? '-' : where,
      `${String(o['durationMs'])}ms`,
      ...(o['errorCode'] === undefined ? [] : [paint(colour, 33, String(o['errorCode']))]),
    );
  } else head.push(String(o['msg'] ?? ''));
  const skip = isRequest ? REQUEST_SHOWN : new Set<string>();
  const rest = Object.entries(o)
    .filter(([k, v]) => v !== undefined && !SHOWN.has(k) && !skip.has(k))
    .map(([k, v]) => `${paint(colour, 90, `${k}=`)}${value(v)}`);
  return [...head, ...rest].join(' ');
}

/** A pino destination writing each JSON line as a pretty line to `out`. */
export function prettyDestination(out: NodeJS.WritableStream & { isTTY?: boolean }): DestinationStream {
  const colour = out.isTTY === true && process.env['NO_COLOR'] === undefined;
  return {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line !== '') out.write(`${prettyLine(line, colour)}\n`);
    },
  };
}

/** The program's logger on stdout: JSON lines, or pretty lines (`format: pretty`). */
export function programLogger(options: LoggerOptions, format: LogFormat): Logger {
  return format === 'pretty' ? pino(options, prettyDestination(process.stdout)) : pino(options);
}
