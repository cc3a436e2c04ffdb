// Why fast-xml-parser is slow on listings: the same 1000-key body under option variants.
// `pnpm tsx bench/fxp-options.ts` (not part of `pnpm bench`).
import { Bench } from 'tinybench';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { cannedListObjectsV2 } from './canned.js';

const body = cannedListObjectsV2(1000);
const base = { ignoreAttributes: false, parseTagValue: false, trimValues: false } as const;
const variants: Record<string, ConstructorParameters<typeof XMLParser>[0]> = {
  'S3 options (no trim, no value parsing, attributes)': base,
  '+ processEntities: false': { ...base, processEntities: false },
  '+ jPath: false (matcher instead of path strings)': { ...base, jPath: false },
  '+ ignoreAttributes: true': { ...base, ignoreAttributes: true },
  '+ both (entities then decoded by hand)': { ...base, processEntities: false, jPath: false },
  'library defaults (trims, parses numbers: wrong for S3)': {},
};
const bench = new Bench({ time: 1500, warmupTime: 300 });
for (const [name, opts] of Object.entries(variants)) {
  const p = new XMLParser(opts);
  bench.add(name, () => p.parse(body));
}
bench.add('XMLValidator.validate alone', () => XMLValidator.validate(body));
await bench.run();
console.log('| fast-xml-parser 5.12.1 variant | ops/s |\n|---|---:|');
for (const t of bench.tasks) {
  const r = t.result;
  console.log(`| ${t.name} | ${r !== undefined && 'throughput' in r ? r.throughput.mean.toFixed(1) : 'n/a'} |`);
}
