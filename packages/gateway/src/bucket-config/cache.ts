import { documentName, type ConfigStore, type DocumentKind } from './config-store.js';
import { EMPTY_CONFIG, storedCors, storedOwner, storedPolicy, storedPublicAccessBlock, type BucketConfig } from './documents.js';

/** Options of {@link BucketConfigCache}. */
export interface BucketConfigCacheOptions {
  /**
   * Longest time a change made through another gateway may go unseen: an entry older than this
   * is re-read (conditionally, by entity tag) before it is used; past half of it, a request
   * triggers a re-read in the background and goes on with the entry it has.
   */
  readonly maxStalenessMs: number;
  /** Entries kept (least recently loaded dropped first). **Default:** 10 000. */
  readonly maxEntries?: number | undefined;
  /** **Default:** `Date.now`. */
  readonly now?: (() => number) | undefined;
}

interface Entry {
  config: BucketConfig;
  /** When the read that produced `config` started (the staleness bound counts from there). */
  loadedAt: number;
  etags: Partial<Record<DocumentKind, string>>;
  refreshing?: Promise<BucketConfig> | undefined;
  /** Bumped by every local write: a read that started before it must not overwrite its result. */
  generation: number;
}

const KINDS: readonly DocumentKind[] = ['policy', 'cors', 'publicAccessBlock', 'owner'];

/**
 * One upstream's bucket configuration as the gateway enforces it: read from its
 * {@link ConfigStore}, cached per bucket with a bounded staleness, and written through (a write
 * is seen by this gateway at once, by others within `maxStalenessMs`).
 */
export class BucketConfigCache {
  readonly #store: ConfigStore;
  readonly #max: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(store: ConfigStore, options: BucketConfigCacheOptions) {
    this.#store = store;
    this.#max = options.maxStalenessMs;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** The bucket's configuration, at most `maxStalenessMs` old. Rejects when the store cannot be read (never answers from an older entry). */
  get(bucket: string): Promise<BucketConfig> {
    const e = this.#entries.get(bucket);
    if (e === undefined) return this.#refresh(bucket);
    const age = this.#now() - e.loadedAt;
    if (age < this.#max / 2) return Promise.resolve(e.config);
    if (age < this.#max) {
      this.#refresh(bucket).catch(() => undefined);
      return Promise.resolve(e.config);
    }
    return this.#refresh(bucket);
  }

  /** The cached configuration without reading (for answers built after a failure); `undefined` when none. */
  peek(bucket: string): BucketConfig | undefined {
    return this.#entries.get(bucket)?.config;
  }

  /** Stores one part (`undefined` removes it) and makes this gateway see it at once. */
  async set(bucket: string, kind: DocumentKind, body: Uint8Array | undefined, value: BucketConfig[keyof BucketConfig]): Promise<void> {
    const e = this.#entry(bucket);
    e.generation++;
    const name = documentName(bucket, kind);
    try {
      if (body === undefined) await this.#store.remove(name);
      else await this.#store.write(name, body);
    } finally {
      // Whatever happened, the next use re-reads: the store holds the truth.
      e.etags = {};
      e.loadedAt = Number.NEGATIVE_INFINITY;
    }
    e.config = { ...e.config, [kind]: value };
    delete e.etags[kind];
    e.loadedAt = this.#now();
  }

  /** Removes every part (the bucket was deleted). */
  async drop(bucket: string): Promise<void> {
    const e = this.#entry(bucket);
    e.generation++;
    await Promise.all(KINDS.map((k) => this.#store.remove(documentName(bucket, k))));
    e.config = EMPTY_CONFIG;
    e.etags = {};
    e.loadedAt = this.#now();
  }

  #entry(bucket: string): Entry {
    let e = this.#entries.get(bucket);
    if (e === undefined) {
      e = { config: EMPTY_CONFIG, loadedAt: Number.NEGATIVE_INFINITY, etags: {}, generation: 0 };
      this.#remember(bucket, e);
    }
    return e;
  }

  #remember(bucket: string, e: Entry): void {
    this.#entries.delete(bucket);
    this.#entries.set(bucket, e);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  #refresh(bucket: string): Promise<BucketConfig> {
    const e = this.#entry(bucket);
    if (e.refreshing !== undefined) return e.refreshing;
    const started = this.#now();
    const generation = e.generation;
    const p = (async () => {
      const reads = await Promise.all(KINDS.map((k) => this.#store.read(documentName(bucket, k), e.etags[k])));
      if (e.generation !== generation) return e.config;
      const next: { -readonly [K in keyof BucketConfig]: BucketConfig[K] } = { ...e.config };
      const etags = { ...e.etags };
      KINDS.forEach((kind, i) => {
        const r = reads[i];
        if (r === 'unchanged') return;
        if (r === undefined) {
          next[kind] = undefined;
          delete etags[kind];
          return;
        }
        etags[kind] = r.etag;
        if (kind === 'policy') next.policy = storedPolicy(r.body, bucket);
        else if (kind === 'cors') next.cors = storedCors(r.body);
        else if (kind === 'owner') next.owner = storedOwner(r.body);
        else next.publicAccessBlock = storedPublicAccessBlock(r.body);
      });
      e.config = next.policy === undefined && next.cors === undefined && next.publicAccessBlock === undefined && next.owner === undefined ? EMPTY_CONFIG : next;
      e.etags = etags;
      e.loadedAt = started;
      this.#remember(bucket, e);
      return e.config;
    })().finally(() => {
      e.refreshing = undefined;
    });
    e.refreshing = p;
    return p;
  }
}
