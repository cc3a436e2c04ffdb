// A gateway over the embedded store in a process of its own, for kill -9 tests
// (store-crash.test.ts). Prints `{"port":N}` once listening and `{"sweep":{…}}` when the
// store's start sweep is over. Argument: the store's directory.
//
// S3KIT_LIFECYCLE={"offsetMs":N,"intervalMs":N,"maxActionsPerPass":N}: the lifecycle sweeper's clock runs
// offsetMs ahead of the real one, with these pass settings (store-crash-lifecycle.test.ts).
//
// S3KIT_WEBHOOKS=[{"arn":…,"endpoint":…,…}]: the store's webhook targets (webhooks-crash.test.ts).
//
// S3KIT_CRASH_IN_COMMIT=objects|uploads: the process SIGKILLs itself right after a commit
// renamed a data file into that area and before it wrote the metadata naming it: the one
// moment a crash leaves an unreferenced data file next to the committed ones.
// S3KIT_CRASH_IN_KEY=1: it SIGKILLs itself when the SSE-S3 store key, written and fsynced
// under a temp name, is about to be linked into place.
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { sep } from 'node:path';

const crashIn = process.env['S3KIT_CRASH_IN_COMMIT'];
if (crashIn !== undefined) {
  const rename = fsp.rename;
  fsp.rename = async (from, to) => {
    await rename(from, to);
    if (String(to).endsWith('.data') && String(to).includes(`${sep}${crashIn}${sep}`)) process.kill(process.pid, 'SIGKILL');
  };
  syncBuiltinESMExports(); // the store's `import { rename } from 'node:fs/promises'` sees it too
}
if (process.env['S3KIT_CRASH_IN_KEY'] === '1') {
  fsp.link = async (_from, to) => {
    if (String(to).endsWith('sse-s3.key')) process.kill(process.pid, 'SIGKILL');
    throw new Error('unreachable');
  };
  syncBuiltinESMExports();
}

const { createLocalStore } = await import('../../src/index.js');
const { startGateway } = await import('./gateway-server.js');
const lc = JSON.parse(process.env['S3KIT_LIFECYCLE'] ?? '{}') as { offsetMs?: number; intervalMs?: number; maxActionsPerPass?: number };
const store = createLocalStore({
  dir: process.argv[2]!,
  minPartSize: 1024,
  lifecycle: { now: () => Date.now() + (lc.offsetMs ?? 0), intervalMs: lc.intervalMs ?? 3_600_000, maxActionsPerPass: lc.maxActionsPerPass ?? 1000 },
  ...(process.env['S3KIT_WEBHOOKS'] === undefined ? {} : { notifications: { targets: JSON.parse(process.env['S3KIT_WEBHOOKS']) as never } }),
  onSweep: (s) => console.log(JSON.stringify({ sweep: { ...s, error: s.error === undefined ? undefined : String(s.error) } })),
});
const gw = await startGateway(store);
console.log(JSON.stringify({ port: gw.port }));
process.once('SIGTERM', () => {
  void gw
    .close()
    .then(() => store.close())
    .then(() => process.exit(0));
});
