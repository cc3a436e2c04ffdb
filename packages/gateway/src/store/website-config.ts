import { S3Error } from '@s3kit/errors';
import type { Shape } from '@s3kit/xml-shapes';
import { parseRequestXml } from './xml.js';

type Website = Shape<'WebsiteConfiguration'>;
type Redirect = NonNullable<Website['RoutingRules'][number]['Redirect']>;

const MAX_ROUTING_RULES = 50;

const invalidRequest = (resource: string, message: string): S3Error => new S3Error('InvalidRequest', { resource, message });
const invalidArgument = (resource: string, message: string, name: string, value: string | undefined): S3Error =>
  new S3Error('InvalidArgument', { resource, message, details: { ArgumentName: name, ArgumentValue: value ?? '' } });

/**
 * Reads and validates a `WebsiteConfiguration` as S3 does: either `RedirectAllRequestsTo` alone
 * (a HostName, an http/https Protocol) or an `IndexDocument` whose Suffix is non-empty without
 * `/`, an optional `ErrorDocument` Key and at most 50 `RoutingRules`, each with a `Redirect`
 * (3XX code but 300, ReplaceKeyWith or ReplaceKeyPrefixWith, not both) and an optional, non-empty
 * `Condition` (KeyPrefixEquals, a 4XX/5XX HttpErrorCodeReturnedEquals).
 * @throws S3Error MalformedXML, InvalidArgument, InvalidRequest (400)
 */
export function parseWebsite(raw: Uint8Array, maxBytes: number, resource: string): Website {
  const doc = parseRequestXml('WebsiteConfiguration', raw, maxBytes);
  const all = doc.RedirectAllRequestsTo;
  if (all !== undefined) {
    if (doc.IndexDocument !== undefined || doc.ErrorDocument !== undefined || doc.RoutingRules.length > 0) throw new S3Error('MalformedXML', { resource });
    if (all.HostName === undefined || all.HostName === '') throw new S3Error('MalformedXML', { resource });
    checkProtocol(all.Protocol, resource);
    return doc;
  }
  const suffix = doc.IndexDocument?.Suffix;
  if (suffix === undefined) {
    throw invalidArgument(resource, 'A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty', 'IndexDocument', undefined);
  }
  if (suffix === '' || suffix.includes('/')) throw invalidArgument(resource, 'The IndexDocument Suffix is not well formed', 'IndexDocument', suffix);
  if (doc.ErrorDocument !== undefined && (doc.ErrorDocument.Key === undefined || doc.ErrorDocument.Key === '')) {
    throw invalidArgument(resource, 'The ErrorDocument Key is not well formed', 'ErrorDocument', doc.ErrorDocument.Key);
  }
  if (doc.RoutingRules.length > MAX_ROUTING_RULES) {
    throw invalidRequest(resource, `${doc.RoutingRules.length} routing rules provided, the number of routing rules in a website configuration is limited to ${MAX_ROUTING_RULES}.`);
  }
  for (const rule of doc.RoutingRules) {
    if (rule.Redirect === undefined) throw new S3Error('MalformedXML', { resource });
    checkRedirect(rule.Redirect, resource);
    const c = rule.Condition;
    if (c === undefined) continue;
    if (c.KeyPrefixEquals === undefined && c.HttpErrorCodeReturnedEquals === undefined) {
      throw invalidRequest(resource, "Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't be present.");
    }
    const code = c.HttpErrorCodeReturnedEquals;
    if (code !== undefined && !(/^\d+$/.test(code) && Number(code) >= 400 && Number(code) < 600)) {
      throw invalidRequest(resource, `The provided HTTP error code (${code}) is not valid. Valid codes are 4XX or 5XX.`);
    }
  }
  return doc;
}

function checkRedirect(r: Redirect, resource: string): void {
  const fields = [r.Protocol, r.HostName, r.ReplaceKeyPrefixWith, r.ReplaceKeyWith, r.HttpRedirectCode];
  if (fields.every((f) => f === undefined)) {
    throw invalidRequest(resource, 'The redirect must contain at least one of the following elements: Protocol, HostName, ReplaceKeyPrefixWith, ReplaceKeyWith or HttpRedirectCode.');
  }
  checkProtocol(r.Protocol, resource);
  const code = r.HttpRedirectCode;
  if (code !== undefined && !(/^\d+$/.test(code) && Number(code) > 300 && Number(code) < 400)) {
    throw invalidRequest(resource, `The provided HTTP redirect code (${code}) is not valid. Valid codes are 3XX except 300.`);
  }
  if (r.ReplaceKeyPrefixWith !== undefined && r.ReplaceKeyWith !== undefined) {
    throw invalidRequest(resource, 'You can only define ReplaceKeyPrefix or ReplaceKey but not both.');
  }
}

function checkProtocol(p: string | undefined, resource: string): void {
  if (p !== undefined && p !== 'http' && p !== 'https') {
    throw invalidRequest(resource, 'Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically.');
  }
}
