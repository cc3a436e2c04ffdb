/**
 * A configuration error: every problem found, one line each, naming the file and the field
 * (`gw.yaml: identities[0].allow[1].access: must be one of read, write, readwrite (got "all")`).
 * `message` is the problems joined by newlines.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];
  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : [...problems];
    super(list.join('\n'));
    this.problems = list;
  }
}

/** Thrown by a reader after recording a problem that stops the current item; caught by {@link Problems.guard}. */
class Skip extends Error {}

/**
 * The problems of one document, collected so that all are reported at once. The first problem
 * of each field counts (a missing field is not also "not a URL").
 */
export class Problems {
  readonly #lines: string[] = [];
  readonly #fields = new Set<string>();
  constructor(readonly src: string) {}

  /** Records a problem of `field` (a path such as `upstreams.rgw.endpoint`). */
  add(field: string, message: string): void {
    if (this.#fields.has(field)) return;
    this.#fields.add(field);
    this.#lines.push(`${this.src}: ${field}: ${message}`);
  }

  /** Records a problem and abandons the current item (the nearest {@link guard}). */
  stop(field: string, message: string): never {
    this.add(field, message);
    throw new Skip(field);
  }

  /** Runs `fn`; when it stops on a problem, returns `fallback` so the next item is checked too. */
  guard<T>(fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof Skip) return fallback;
      throw err;
    }
  }

  get count(): number {
    return this.#lines.length;
  }

  /** @throws ConfigError with every problem recorded, if there is any. */
  throwIfAny(): void {
    if (this.#lines.length > 0) throw new ConfigError(this.#lines);
  }
}
