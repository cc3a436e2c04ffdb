/**
 * The floor: a hand-rolled SigV4 signer on node:crypto with the signing key derived once and
 * cached, no validation, no re-encoding (it trusts the path and query to be sent canonical),
 * the least work a header sign, a presign and a presigned POST need. The bench measures our
 * signer against it.
 */
import { createHash, createHmac } from 'node:crypto';

const ALG = 'AWS4-HMAC-SHA256';

export interface FloorSigner {
  sign(method: string, url: string, headers: Record<string, string>, payloadHash: string): Record<string, string>;
  presign(method: string, url: string, expiresIn: number): string;
  /** Base64 policy and its signature (the policy JSON is the caller's). */
  signPolicy(policyJson: string): { policy: string; signature: string };
  readonly credential: string;
  readonly amzDate: string;
}

export function floorSigner(accessKeyId: string, secret: string, region: string, service: string, amzDate: string): FloorSigner {
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/${service}/aws4_request`;
  let key = createHmac('sha256', `AWS4${secret}`).update(day).digest();
  for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  const credential = `${accessKeyId}/${scope}`;
  const credentialQuery = encodeURIComponent(credential);
  const hmacHex = (s: string) => createHmac('sha256', key).update(s).digest('hex');
  const stringToSign = (creq: string) => `${ALG}\n${amzDate}\n${scope}\n${createHash('sha256').update(creq).digest('hex')}`;
  const split = (url: string) => {
    const hostStart = url.indexOf('//') + 2;
    const pathStart = url.indexOf('/', hostStart);
    const q = url.indexOf('?', pathStart);
    return {
      host: url.slice(hostStart, pathStart),
      path: q === -1 ? url.slice(pathStart) : url.slice(pathStart, q),
      query: q === -1 ? '' : url.slice(q + 1),
    };
  };
  return {
    credential,
    amzDate,
    sign(method, url, headers, payloadHash) {
      const { path, query } = split(url);
      const out: Record<string, string> = {};
      for (const k in headers) out[k.toLowerCase()] = headers[k]!.trim();
      out['x-amz-date'] = amzDate;
      out['x-amz-content-sha256'] = payloadHash;
      const names = Object.keys(out).sort();
      let canonicalHeaders = '';
      for (const n of names) canonicalHeaders += `${n}:${out[n]}\n`;
      const signed = names.join(';');
      const cquery = query === '' ? '' : query.split('&').sort().join('&');
      const creq = `${method}\n${path}\n${cquery}\n${canonicalHeaders}\n${signed}\n${payloadHash}`;
      out['authorization'] = `${ALG} Credential=${credential}, SignedHeaders=${signed}, Signature=${hmacHex(stringToSign(creq))}`;
      return out;
    },
    presign(method, url, expiresIn) {
      const { host, path, query } = split(url);
      const params = query === '' ? [] : query.split('&');
      params.push(`X-Amz-Algorithm=${ALG}`, `X-Amz-Credential=${credentialQuery}`, `X-Amz-Date=${amzDate}`, `X-Amz-Expires=${expiresIn}`, 'X-Amz-SignedHeaders=host');
      const cquery = params.sort().join('&');
      const creq = `${method}\n${path}\n${cquery}\nhost:${host}\n\nhost\nUNSIGNED-PAYLOAD`;
      return `${url.slice(0, url.length - query.length - (query === '' ? 0 : 1))}?${cquery}&X-Amz-Signature=${hmacHex(stringToSign(creq))}`;
    },
    signPolicy(policyJson) {
      const policy = Buffer.from(policyJson).toString('base64');
      return { policy, signature: hmacHex(policy) };
    },
  };
}
