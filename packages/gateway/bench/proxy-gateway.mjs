// The gateway under bench (child process, plain JS so its RSS is the gateway's own), from the
// built dist: in front of the sink on the port given, or (argument `store:<dir>`, the load
// bench) on the embedded local store in <dir>.
import './gc-counter.mjs';
import { createServer } from 'node:http';
import { createGateway, createLocalStore, createS3Upstream, toNodeListener } from '../dist/index.js';

const arg = process.argv[2] ?? '';
const upstream = arg.startsWith('store:')
  ? createLocalStore({ dir: arg.slice('store:'.length), fsync: false })
  : createS3Upstream({
      endpoint: `http://127.0.0.1:${Number(arg)}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'upstream', secretAccessKey: 'upstream-secret' },
      transport: { retry: false },
    });
const gateway = createGateway({
  identities: [{ accessKeyId: 'BENCHKEY', secretAccessKey: 'bench-secret', allow: [{ bucket: '*', access: 'readwrite' }] }],
  upstreams: { default: upstream },
});
const server = createServer({ keepAliveTimeout: 30_000 }, toNodeListener(gateway));
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
