// Byte counting for progress: a pass-through stream that reports how many bytes went through.
import { Transform } from 'node:stream';

/** A pass-through that reports the running byte count. */
export function counter(progress: (loaded: number) => void): Transform {
  let loaded = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      loaded += chunk.length;
      progress(loaded);
      cb(null, chunk);
    },
  });
}
