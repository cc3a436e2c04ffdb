// For tsconfig.web.json only: credentials/env.ts reads `globalThis.process?.env` where the runtime has
// one (Node, Bun, Deno) and falls back to `{}` elsewhere. Nothing else of `process` is declared, so any
// other use of it in the neutral entry still fails the Web typecheck.
declare var process: { readonly env: Record<string, string | undefined> } | undefined;
