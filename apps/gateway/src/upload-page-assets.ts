// The upload page: static HTML, CSS and vanilla JS (no build step), served by upload-page.ts.
// The script gets a ticket from the same-origin route, then posts the form to the gateway itself.

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page, with the bucket it uploads to. */
export function uploadPageHtml(opts: { bucket: string; maxBytes: number }): string {
  const bucket = escapeHtml(opts.bucket);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Upload a file · s3kit gateway</title>
<link rel="stylesheet" href="/_s3kit/upload/upload.css">
<script src="/_s3kit/upload/upload.js" defer></script>
</head>
<body>
<main>
<h1>Upload a file</h1>
<p>Files go to bucket <code id="bucket">${bucket}</code>, under a new folder named after the upload's id
(at most <span id="max-size" data-bytes="${opts.maxBytes}">${formatBytesServer(opts.maxBytes)}</span>).</p>
<form id="upload-form">
<p><label for="file">File</label><br><input id="file" name="file" type="file" required></p>
<p><button id="upload" type="submit">Upload</button></p>
<p><label for="progress">Progress</label><br>
<progress id="progress" max="100" value="0" aria-describedby="progress-text">0%</progress>
<span id="progress-text">0%</span></p>
</form>
<div id="status" role="status" aria-live="polite"></div>
<div id="error" role="alert" hidden></div>
<dl id="result" hidden>
<dt>Key</dt><dd id="result-key"></dd>
<dt>ETag</dt><dd id="result-etag"></dd>
<dt>Size</dt><dd id="result-size"></dd>
<dt>Content type</dt><dd id="result-type"></dd>
</dl>
</main>
</body>
</html>
`;
}

function formatBytesServer(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let u = 0;
  let v = n;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

export const UPLOAD_PAGE_CSS = `:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0; }
[hidden] { display: none !important; }
main { max-width: 40rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
progress { width: 100%; height: 1.25rem; }
button { font: inherit; padding: .4rem 1.2rem; }
button:focus-visible, input:focus-visible { outline: 3px solid #2a6ef5; outline-offset: 2px; }
#error { color: #b00020; border: 1px solid currentColor; padding: .5rem .75rem; border-radius: 4px; }
#result { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
#result dt { font-weight: 600; }
#result dd { margin: 0; overflow-wrap: anywhere; font-family: ui-monospace, monospace; }
`;

export const UPLOAD_PAGE_JS = `'use strict';
(function () {
  var form = document.getElementById('upload-form');
  var input = document.getElementById('file');
  var button = document.getElementById('upload');
  var progress = document.getElementById('progress');
  var progressText = document.getElementById('progress-text');
  var statusEl = document.getElementById('status');
  var errorEl = document.getElementById('error');
  var result = document.getElementById('result');

  function setProgress(pct) {
    var v = Math.max(0, Math.min(100, Math.round(pct)));
    progress.value = v;
    progress.textContent = v + '%';
    progressText.textContent = v + '%';
  }
  function status(text) { statusEl.textContent = text; }
  function fail(text) {
    // Bytes sent but refused are not an upload: the bar goes back to 0.
    setProgress(0);
    errorEl.textContent = text;
    errorEl.hidden = false;
    status('');
    button.disabled = false;
  }
  function formatBytes(n) {
    var units = ['bytes', 'KiB', 'MiB', 'GiB'];
    var u = 0;
    while (n >= 1024 && u < units.length - 1) { n /= 1024; u++; }
    return (u === 0 ? n : n.toFixed(1)) + ' ' + units[u];
  }
  function xmlText(doc, name) {
    var el = doc && doc.getElementsByTagName(name)[0];
    return el ? el.textContent : '';
  }
  // An S3 XML error answer as "Code: Message", or the HTTP status when the body is not one.
  function s3ErrorText(status, body) {
    var doc = null;
    try { doc = new DOMParser().parseFromString(body, 'application/xml'); } catch (e) { doc = null; }
    var code = xmlText(doc, 'Code');
    if (code) return code + ': ' + xmlText(doc, 'Message');
    return 'HTTP ' + status + (body ? ': ' + body.slice(0, 200) : '');
  }
  function base64(buf) {
    var bytes = new Uint8Array(buf);
    var s = '';
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s);
  }

  async function upload(file) {
    errorEl.hidden = true;
    errorEl.textContent = '';
    result.hidden = true;
    setProgress(0);
    button.disabled = true;
    if (!window.crypto || !crypto.subtle) {
      fail('This page needs a secure context (https, or http on localhost) to compute the file\\'s SHA-256.');
      return;
    }
    status('Computing SHA-256 of ' + file.name + '…');
    var sha256 = base64(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
    status('Asking for an upload ticket…');
    var contentType = file.type || 'application/octet-stream';
    var res = await fetch('/_s3kit/upload/ticket', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fileName: file.name, contentType: contentType, size: file.size, sha256: sha256 }),
      credentials: 'same-origin',
    });
    var text = await res.text();
    if (!res.ok) { fail('No upload ticket: ' + s3ErrorText(res.status, text)); return; }
    var ticket = JSON.parse(text);
    var data = new FormData();
    Object.keys(ticket.presignedUrlFields).forEach(function (k) { data.append(k, ticket.presignedUrlFields[k]); });
    data.append('file', file);
    status('Uploading ' + file.name + ' (' + formatBytes(file.size) + ')…');
    var xhr = new XMLHttpRequest();
    xhr.open('POST', ticket.presignedUrl);
    xhr.upload.onprogress = function (e) { if (e.lengthComputable && e.total > 0) setProgress((e.loaded / e.total) * 100); };
    xhr.upload.onload = function () { setProgress(100); };
    xhr.onerror = function () { fail('The upload failed: the connection was closed.'); };
    xhr.onload = function () {
      if (xhr.status < 200 || xhr.status > 299) { fail('Upload refused: ' + s3ErrorText(xhr.status, xhr.responseText)); return; }
      var doc = null;
      try { doc = new DOMParser().parseFromString(xhr.responseText, 'application/xml'); } catch (e) { doc = null; }
      var key = xmlText(doc, 'Key') || ticket.presignedUrlFields.key;
      var etag = xmlText(doc, 'ETag') || xhr.getResponseHeader('ETag') || '';
      document.getElementById('result-key').textContent = key;
      document.getElementById('result-etag').textContent = etag;
      document.getElementById('result-size').textContent = file.size + ' bytes (' + formatBytes(file.size) + ')';
      document.getElementById('result-type').textContent = contentType;
      result.hidden = false;
      setProgress(100);
      status('Uploaded ' + file.name + '.');
      button.disabled = false;
    };
    xhr.send(data);
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var file = input.files && input.files[0];
    if (!file) { fail('Choose a file first.'); return; }
    upload(file).catch(function (err) { fail('The upload failed: ' + (err && err.message ? err.message : String(err))); });
  });
})();
`;
