import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A page on another origin than the gateway (a plain node:http server on 127.0.0.1; another port
// is another origin): its script uploads to the gateway cross-origin, as a third-party site's
// page would. The test drives it by calling its two functions with page.evaluate.

const HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cross-origin uploader</title></head>
<body><h1>Cross-origin uploader</h1><script src="/uploader.js"></script></body></html>
`;

/**
 * Browser code (no DOM types in this project's tsconfig, so it is plain text):
 * - `postForm(url, fields, file)`: a browser POST Object upload, the form's fields then the file
 *   as FormData, sent with XMLHttpRequest (a simple request: no preflight). Resolves with what the
 *   page can read: status (0 when the browser blocked the answer), ETag and request id headers, body.
 * - `putPresigned(url, headers, file)`: a presigned PUT with fetch; PUT and the custom headers
 *   make it preflighted. Resolves with status, headers and body, or with the TypeError of a
 *   blocked request.
 * `file` is `{ base64, name, type }`.
 */
const JS = `'use strict';
function blobOf(file) {
  const s = atob(file.base64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return new Blob([bytes], { type: file.type });
}
window.postForm = (url, fields, file) => new Promise((resolve) => {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', blobOf(file), file.name);
  const xhr = new XMLHttpRequest();
  xhr.open('POST', url);
  xhr.onload = () => resolve({ status: xhr.status, etag: xhr.getResponseHeader('ETag'), requestId: xhr.getResponseHeader('x-amz-request-id'), body: xhr.responseText });
  xhr.onerror = () => resolve({ status: xhr.status, error: 'network error' });
  xhr.send(form);
});
window.putPresigned = async (url, headers, file) => {
  try {
    const res = await fetch(url, { method: 'PUT', headers, body: blobOf(file) });
    return { status: res.status, etag: res.headers.get('ETag'), requestId: res.headers.get('x-amz-request-id'), body: await res.text() };
  } catch (e) {
    return { status: 0, error: e.name + ': ' + e.message };
  }
};
window.uploaderReady = true;
`;

/** What the page's functions resolve with. */
export interface PageAnswer {
  status: number;
  etag?: string | null;
  requestId?: string | null;
  body?: string;
  error?: string;
}

export interface UploaderSite {
  /** `http://127.0.0.1:<port>`: the page's origin. */
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves the uploader page at `/` (and its script) on 127.0.0.1 at a free port. */
export async function startUploaderSite(): Promise<UploaderSite> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(HTML);
    else if (path === '/uploader.js') res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' }).end(JS);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
