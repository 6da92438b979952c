/**
 * The label sets of one metric and the value each one holds.
 *
 * @module
 */

/** Label values by label name, for example `{ pool: "hash", outcome: "completed" }`. */
export type Labels = Readonly<Record<string, string>>;

/** One label set of a metric and its value. */
export interface SeriesEntry<T> {
  /** The labels, frozen, in the metric's label-name order. */
  readonly labels: Labels;
  /** The label values in label-name order, which is also the sort key. */
  readonly values: readonly string[];
  value: T;
}

const NO_LABELS: Labels = Object.freeze({});

function compare(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Holds one value per label set; checks every label set against the label names. */
export class Series<T> {
  readonly #metric: string;
  readonly #labelNames: readonly string[];
  readonly #entries = new Map<string, SeriesEntry<T>>();

  constructor(metric: string, labelNames: readonly string[]) {
    this.#metric = metric;
    this.#labelNames = labelNames;
  }

  /** Label sets that hold a value. */
  get size(): number {
    return this.#entries.size;
  }

  /** The entry of `labels`, if it holds a value; throws a `TypeError` for labels that do not fit. */
  find(labels: Labels | undefined, action: string): SeriesEntry<T> | undefined {
    return this.#entries.get(this.#key(labels, action).key);
  }

  /** The entry of `labels`, created with `initial()` when it holds no value yet. */
  upsert(labels: Labels | undefined, action: string, initial: () => T): SeriesEntry<T> {
    const { key, values } = this.#key(labels, action);
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      const frozen: Record<string, string> = {};
      this.#labelNames.forEach((name, i) => frozen[name] = values[i]!);
      entry = {
        labels: values.length === 0 ? NO_LABELS : Object.freeze(frozen),
        values,
        value: initial(),
      };
      this.#entries.set(key, entry);
    }
    return entry;
  }

  /** Forgets the value of `labels`; returns whether it held one. */
  delete(labels: Labels | undefined, action: string): boolean {
    return this.#entries.delete(this.#key(labels, action).key);
  }

  /** Every entry, sorted by label values. */
  sorted(): SeriesEntry<T>[] {
    return [...this.#entries.values()].sort((a, b) => compare(a.values, b.values));
  }

  #key(labels: Labels | undefined, action: string): { key: string; values: string[] } {
    const names = this.#labelNames;
    if (labels !== undefined && (typeof labels !== "object" || labels === null)) {
      throw new TypeError(
        `Cannot ${action} ${this.#metric}: labels must be an object, received ${String(labels)}`,
      );
    }
    const given = labels === undefined ? [] : Object.keys(labels);
    const unknown = given.filter((name) => !names.includes(name));
    // Own properties only: a label named `constructor` must not read Object.prototype's.
    const missing = names.filter((name) =>
      labels === undefined || !Object.hasOwn(labels, name) || labels[name] === undefined
    );
    if (unknown.length > 0 || missing.length > 0) {
      const problems = [
        missing.length > 0 ? `missing ${missing.join(", ")}` : "",
        unknown.length > 0 ? `unknown ${unknown.join(", ")}` : "",
      ].filter((p) => p !== "").join("; ");
      const expected = names.length === 0 ? "no labels" : `exactly the labels ${names.join(", ")}`;
      throw new TypeError(`Cannot ${action} ${this.#metric}: ${problems}; it takes ${expected}`);
    }
    const values = names.map((name) => String(labels![name]));
    return { key: values.length === 0 ? "" : JSON.stringify(values), values };
  }
}
