// Plain JS (node bench/hop-variants.mjs, after building @s3kit/gateway and @s3kit/http-transport).
// Which part of a proxy process makes it spend more CPU per GiB than the bare node:http
// pass-through? Each variant is a one-hop proxy in its own child process in front of the
// same sink (proxy-sink.mjs); the client sends 256 MiB PUTs and GETs through every variant,
// rounds interleaved, and prints medians of MB/s, the hop's CPU s/GiB (system part), its minor
// page faults per GiB and its GCs per 256 MiB.
//   pt           bare node:http pass-through (proxy-passthrough.mjs)
//   pt+junk      the same, plus ~7 MB of retained plain objects (a bigger heap, no undici)
//   pt+undici    the same, plus undici imported and used once (its code on the heap)
//   undici       node:http server, upstream through a bare undici Agent dispatch() handler
//   composed     the same through @s3kit/http-transport's composed dispatcher (its interceptors)
//   transport    node:http server, upstream through @s3kit/http-transport (no signing; small bodies read whole)
//   floor        bare undici relay + SigV4 verify + SigV4 sign (proxy-floor.mjs)
//   gateway      the gateway (proxy-gateway.mjs)
//   server-stub  a bare node:http server answering 1 KiB from memory (no upstream connection)
//   sigv4-stub   the same after a SigV4 verify and an upstream SigV4 signature
//   handle-stub  gateway.handle() over an in-memory upstream, behind a bare listener
//   gateway-stub the same through toNodeListener: what the listener adds
// SMALL=1 measures 1 KiB GETs instead (hop CPU per request), e.g. with the layers of the gateway:
//   VARIANTS=server-stub,sigv4-stub,handle-stub,gateway-stub,floor,pt,gateway SMALL=1 node bench/hop-variants.mjs
// A variant may carry its own environment: `gateway@MALLOC_TRIM_THRESHOLD_=67108864` (pairs joined by +).
// Env: VARIANTS (comma list), ROUNDS (default 5), FLAGS (extra node flags for the hops), HOP_ENV
// (space-separated NAME=value pairs for the hops' environment).
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const require = createRequire(here('../../http-transport/package.json'));
const MiB = 1024 * 1024;
const SIZE = 256 * MiB;

async function child(variant, upstreamPort) {
  await import('./gc-counter.mjs');
  process.argv[2] = String(upstreamPort);
  if (variant === 'pt' || variant === 'gateway') return import(variant === 'pt' ? './proxy-passthrough.mjs' : './proxy-gateway.mjs');
  if (variant.endsWith('-stub')) {
    // Answers 1 KiB from memory, no upstream connection: what each layer of the gateway costs per request.
    const { createGateway, toNodeListener } = await import('../dist/index.js');
    const body = Buffer.alloc(1024, 0x5a);
    const headers = () => ({ 'content-length': '1024', 'content-type': 'application/octet-stream', etag: '"bench"' });
    const gateway = createGateway({
      identities: [{ accessKeyId: 'BENCHKEY', secretAccessKey: 'bench-secret', allow: [{ bucket: '*', access: 'readwrite' }] }],
      upstreams: { default: { handle: async () => ({ status: 200, headers: headers(), body }) } },
    });
    const sigv4 = await import('../../sigv4/dist/index.js');
    const verifier = new sigv4.SigV4Verifier({ getCredentials: () => ({ secretAccessKey: 'bench-secret' }), region: 'us-east-1' });
    const signer = new sigv4.SigV4Signer({ credentials: { accessKeyId: 'upstream', secretAccessKey: 'upstream-secret' }, region: 'us-east-1' });
    const pairs = (raw) => {
      const out = [];
      for (let i = 0; i < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
      return out;
    };
    const listeners = {
      // a bare node:http server
      'server-stub': (_req, res) => {
        res.writeHead(200, headers());
        res.end(body);
      },
      // + SigV4 verify of the request and a SigV4 signature for an upstream
      'sigv4-stub': async (req, res) => {
        await verifier.verify({ method: req.method, url: req.url, headers: pairs(req.rawHeaders) });
        signer.sign({ method: 'GET', url: `http://127.0.0.1:1${req.url}`, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, payloadHash: 'UNSIGNED-PAYLOAD' });
        res.writeHead(200, headers());
        res.end(body);
      },
      // gateway.handle() (route, verify, authorize, re-sign, respond) behind a bare listener
      'handle-stub': async (req, res) => {
        const out = await gateway.handle({ method: req.method, target: req.url, headers: pairs(req.rawHeaders), remoteAddress: req.socket.remoteAddress });
        res.writeHead(out.status, out.headers);
        res.end(out.body);
      },
      // + toNodeListener (slots, abort signal, hang-up watch, body timeouts, access-log data)
      'gateway-stub': toNodeListener(gateway),
    };
    const server = createServer({ keepAliveTimeout: 30_000 }, listeners[variant]);
    server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
    process.on('disconnect', () => process.exit(0));
    return;
  }
  if (variant === 'pt+junk') {
    globalThis.junk = Array.from({ length: 70_000 }, (_, i) => ({ i, s: `x${i}`, a: [i, i + 1, i + 2] }));
    return import('./proxy-passthrough.mjs');
  }
  const { Agent } = require('undici');
  const origin = `http://127.0.0.1:${upstreamPort}`;
  if (variant === 'pt+undici') {
    const res = await new Agent().request({ origin, path: '/bench/size-10', method: 'GET' });
    await res.body.text();
    return import('./proxy-passthrough.mjs');
  }
  const upHeaders = (req) => {
    const h = { ...req.headers };
    delete h.host;
    delete h.connection;
    return h;
  };
  let handler;
  if (variant === 'floor') return import('./proxy-floor.mjs');
  if (variant === 'undici' || variant === 'composed') {
    const agent = variant === 'undici' ? new Agent({ connections: 32 }) : (await import(here('../../http-transport/dist/index.js'))).createTransport({ retry: false, proxy: false }).dispatcher;
    handler = (req, res) => {
      let ctl;
      res.on('drain', () => ctl?.resume());
      agent.dispatch(
        { origin, path: req.url, method: req.method, headers: upHeaders(req), body: req.method === 'PUT' ? req : null },
        {
          onRequestStart: (c) => (ctl = c),
          onResponseStart: (_c, status, h) => res.writeHead(status, Object.fromEntries(Object.entries(h).filter(([k]) => k !== 'connection' && k !== 'keep-alive'))),
          onResponseData: (c, chunk) => void (res.write(chunk) || c.pause()),
          onResponseEnd: () => res.end(),
          onResponseError: () => res.destroy(),
        },
      );
    };
  } else if (variant === 'transport') {
    const { createTransport } = await import(here('../../http-transport/dist/index.js'));
    const { pipeline } = await import('node:stream');
    const t = createTransport({ retry: false, proxy: false });
    handler = (req, res) => {
      const body = req.method === 'PUT' ? { body: req, contentLength: Number(req.headers['content-length']) } : {};
      t.request({ method: req.method, origin, path: req.url, headers: upHeaders(req), readWholeUpTo: 65536, ...body }).then(
        (up) => {
          res.writeHead(up.statusCode, up.headers);
          if (up.bytes !== undefined) res.end(up.bytes);
          else pipeline(up.body, res, () => {});
        },
        () => res.destroy(),
      );
    };
  } else throw new Error(`unknown variant ${variant}`);
  const server = createServer({ keepAliveTimeout: 30_000 }, handler);
  server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
  process.on('disconnect', () => process.exit(0));
}

function start(file, args, execArgv = [], env = process.env) {
  const c = fork(file, args, { execArgv, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    c.once('message', (m) => resolve({ child: c, port: m.port }));
    c.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)));
  });
}
const gcOf = (c) =>
  new Promise((resolve) => {
    const on = (m) => m.gc && (c.off('message', on), resolve(m.gc));
    c.on('message', on);
    c.send('gc');
  });
/** CPU seconds (user + system) and minor page faults of a process so far. */
function statOf(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { cpu: (Number(f[11]) + Number(f[12])) / 100, sys: Number(f[12]) / 100, faults: Number(f[7]) };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const { createTransport } = await import(here('../../http-transport/dist/index.js'));
  const sink = await start(here('./proxy-sink.mjs'), []);
  const names = (process.env.VARIANTS ?? 'pt,pt+junk,pt+undici,undici,transport,gateway').split(',');
  const flags = (process.env.FLAGS ?? '').split(' ').filter(Boolean);
  const envPairs = (process.env.HOP_ENV ?? '').split(' ').filter((kv) => kv.includes('='));
  const env = { ...process.env, ...Object.fromEntries(envPairs.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])) };
  const plain = createTransport({ retry: false, proxy: false });
  const signed = createTransport({ retry: false, proxy: false, sign: { credentials: { accessKeyId: 'BENCHKEY', secretAccessKey: 'bench-secret' }, region: 'us-east-1' } });
  const hops = [];
  for (const n of names) {
    // `variant@NAME=value+NAME=value`: that variant with extra environment variables.
    const [variant, extra = ''] = n.split('@');
    const own = {
      ...env,
      ...Object.fromEntries(
        extra
          .split('+')
          .filter((kv) => kv.includes('='))
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      ),
    };
    const p = await start(fileURLToPath(import.meta.url), ['--child', variant, String(sink.port)], flags, own);
    hops.push({
      n,
      child: p.child,
      origin: `http://127.0.0.1:${p.port}`,
      t: variant === 'gateway' || variant === 'floor' || (variant.endsWith('-stub') && variant !== 'server-stub') ? signed : plain,
    });
  }
  const rounds = Number(process.env.ROUNDS ?? 5);
  if (process.env.SMALL === '1') return small(hops, rounds, () => Promise.all([plain.close(), signed.close()]), sink);
  const block = new Uint8Array(MiB).fill(0x33);
  const ops = {
    PUT: async (h) => {
      const body = (async function* () {
        for (let i = 0; i < SIZE / MiB; i++) yield block;
      })();
      await (await h.t.request({ method: 'PUT', origin: h.origin, path: '/bench/put', body, contentLength: SIZE })).body.dump();
    },
    GET: async (h) => {
      const res = await h.t.request({ method: 'GET', origin: h.origin, path: `/bench/size-${SIZE}` });
      for await (const _ of res.body);
    },
  };
  console.log(
    `hop variants: Node ${process.version}, load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join('/')}, medians of ${rounds} interleaved 256 MiB rounds${flags.length ? `, hop flags ${flags.join(' ')}` : ''}${envPairs.length ? `, hop env ${envPairs.join(' ')}` : ''}`,
  );
  console.log(
    '| variant | PUT MB/s | PUT hop CPU s/GiB (system) | PUT page faults/GiB | PUT GCs (MC / scavenge) | GET MB/s | GET hop CPU s/GiB (system) | GET page faults/GiB | GET GCs (MC / scavenge) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const out = new Map(hops.map((h) => [h.n, []]));
  for (const fn of Object.values(ops)) {
    const s = new Map(hops.map((h) => [h.n, { mbps: [], cpu: [], sys: [], faults: [], major: [], minor: [] }]));
    for (let r = 0; r <= rounds; r++) {
      for (const h of hops) {
        const g0 = await gcOf(h.child);
        const c0 = statOf(h.child.pid);
        const t0 = performance.now();
        await fn(h);
        const dt = (performance.now() - t0) / 1000;
        const c1 = statOf(h.child.pid);
        const g1 = await gcOf(h.child);
        if (r === 0) continue;
        const x = s.get(h.n);
        x.mbps.push(SIZE / 1e6 / dt);
        x.cpu.push((c1.cpu - c0.cpu) / (SIZE / 1024 ** 3));
        x.sys.push((c1.sys - c0.sys) / (SIZE / 1024 ** 3));
        x.faults.push((c1.faults - c0.faults) / (SIZE / 1024 ** 3));
        x.major.push(g1.major - g0.major);
        x.minor.push(g1.minor - g0.minor);
      }
    }
    for (const h of hops) {
      const x = s.get(h.n);
      out.get(h.n).push(median(x.mbps).toFixed(0), `${median(x.cpu).toFixed(2)} (${median(x.sys).toFixed(2)})`, `${(median(x.faults) / 1000).toFixed(0)}k`, `${median(x.major)} / ${median(x.minor)}`);
    }
  }
  for (const [n, cells] of out) console.log(`| ${n} | ${cells.join(' | ')} |`);
  await plain.close();
  await signed.close();
  for (const h of hops) h.child.disconnect();
  sink.child.disconnect();
}

/** SMALL=1: 1 KiB GETs, 16 in flight, 2 s per variant and round; the hop's CPU per request (from /proc). */
async function small(hops, rounds, close, sink) {
  const gets = async (h, ms) => {
    let n = 0;
    const end = performance.now() + ms;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (performance.now() < end) {
          await (await h.t.request({ method: 'GET', origin: h.origin, path: '/bench/size-1024' })).body.dump();
          n++;
        }
      }),
    );
    return n;
  };
  for (const h of hops) await gets(h, 500);
  const us = new Map(hops.map((h) => [h.n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const h of hops) {
      const c0 = statOf(h.child.pid);
      const n = await gets(h, 2000);
      us.get(h.n).push(((statOf(h.child.pid).cpu - c0.cpu) * 1e6) / n);
    }
  }
  console.log(
    `hop variants, 1 KiB GETs (16 in flight): Node ${process.version}, load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join('/')}, medians of ${rounds} interleaved rounds`,
  );
  console.log('| variant | hop CPU per request |');
  console.log('|---|---:|');
  for (const [n, xs] of us) console.log(`| ${n} | ${median(xs).toFixed(0)} µs |`);
  await close();
  for (const h of hops) h.child.disconnect();
  sink.child.disconnect();
}

if (process.argv[2] === '--child') await child(process.argv[3], Number(process.argv[4]));
else await main();
