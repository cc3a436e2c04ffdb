import { decodeStream, type Message } from '@s3kit/event-stream';

/** The messages of a whole application/vnd.amazon.eventstream body (CRCs checked by the decoder). */
export async function decodeMessages(body: Uint8Array): Promise<Message[]> {
  const out: Message[] = [];
  for await (const m of decodeStream(
    (async function* () {
      yield body;
    })(),
  ))
    out.push(m);
  return out;
}

const text = (m: Message, name: string): string | undefined => {
  const v = m.headers[name];
  return v?.type === 'string' ? v.value : undefined;
};

/**
 * The records text, event types in order, Stats and error of a decoded Select answer (kept as
 * messages, not `s3SelectEvents`, so tests see the order and an error after records).
 */
export function selectAnswer(messages: readonly Message[]): { records: string; events: string[]; stats: Record<string, number>; error?: { code: string; message: string } } {
  let records = '';
  const events: string[] = [];
  const stats: Record<string, number> = {};
  let error: { code: string; message: string } | undefined;
  for (const m of messages) {
    if (text(m, ':message-type') === 'error') {
      error = { code: text(m, ':error-code')!, message: text(m, ':error-message')! };
      continue;
    }
    const type = text(m, ':event-type')!;
    events.push(type);
    const payload = Buffer.from(m.body).toString('utf8');
    if (type === 'Records') records += payload;
    if (type === 'Stats') for (const [, k, v] of payload.matchAll(/<(Bytes\w+)>(\d+)</g)) stats[k!] = Number(v);
  }
  return error === undefined ? { records, events, stats } : { records, events, stats, error };
}

/**
 * Ceph RGW 16.2's Select records as AWS writes them: RGW wraps them in
 * `<Payload><Records><Payload>` text and puts a comma after each record.
 */
export function unwrapRgw(text: string): string {
  return text
    .replace(/<\/?Payload>|<\/?Records>/g, '')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => `${l.replace(/,$/, '')}\n`)
    .join('');
}
