// Bundles the compiled command line (dist/main.js and the workspace packages and undici it
// imports) into one file, dist/s3kit.js, the package's bin: Node then reads and links one module
// instead of a few hundred, which is most of a short command's start-up time.
import { chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const outfile = fileURLToPath(new URL('../dist/s3kit.js', import.meta.url));
await build({
  entryPoints: [fileURLToPath(new URL('../dist/main.js', import.meta.url))],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies (undici) call require() for Node's modules.
  banner: { js: "import { createRequire as __s3kitRequire } from 'node:module';\nconst require = __s3kitRequire(import.meta.url);" },
  // Names kept: stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
