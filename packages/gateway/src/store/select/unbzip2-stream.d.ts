declare module 'unbzip2-stream' {
  import type { Duplex } from 'node:stream';
  /** A classic through stream: write bzip2 bytes, read the decompressed ones. */
  export default function unbzip2(): Duplex;
}
