// Makes the large CSV object of store-select-large.test.ts in a process of its own (so making it
// leaves nothing in the test process's memory): bucket `bkt`, key `big.csv`, `id,group,name`
// lines, at least SIZE bytes. Arguments: the store's directory and SIZE. Prints `{"rows":N}`.
const { createLocalStore } = await import('../../src/index.js');
const MiB = 1024 * 1024;
const [dir, sizeArg] = process.argv.slice(2);
const size = Number(sizeArg);
let rows = 0;
async function* csv(): AsyncGenerator<Uint8Array> {
  for (let made = 0; made < size; ) {
    const lines: string[] = [];
    let len = 0;
    while (len < MiB) {
      const line = `${rows},${rows % 100},name-${rows}\n`;
      lines.push(line);
      len += line.length;
      rows++;
    }
    made += len;
    yield Buffer.from(lines.join(''));
  }
}
const store = createLocalStore({ dir: dir!, fsync: false });
await store.handle({ method: 'PUT', operation: 'CreateBucket', bucket: 'bkt', query: {}, headers: {} });
await store.handle({ method: 'PUT', operation: 'PutObject', bucket: 'bkt', key: 'big.csv', query: {}, headers: {}, body: csv() });
await store.close();
console.log(JSON.stringify({ rows }));
