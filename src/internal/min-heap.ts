/**
 * A binary min-heap of ids ordered by a numeric key: the simulator's event
 * queue, and the pool's priorities (keyed by their negation).
 *
 * @module
 */

/** Min-heap of `(key, id)` pairs. */
export class MinHeap {
  #keys: number[] = [];
  #ids: number[] = [];

  /** Entries in the heap. */
  get size(): number {
    return this.#keys.length;
  }

  /** The smallest key, `Infinity` when empty. */
  get minKey(): number {
    return this.#keys[0] ?? Infinity;
  }

  /** The id of the smallest key, -1 when empty. */
  get minId(): number {
    return this.#ids[0] ?? -1;
  }

  /** The ids in heap order (not sorted), for visiting every entry. */
  get ids(): readonly number[] {
    return this.#ids;
  }

  push(key: number, id: number): void {
    const keys = this.#keys;
    const ids = this.#ids;
    let i = keys.length;
    keys.push(key);
    ids.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent]!;
      if (pk <= key) break;
      keys[i] = pk;
      ids[i] = ids[parent]!;
      i = parent;
    }
    keys[i] = key;
    ids[i] = id;
  }

  /** Removes the smallest entry and returns its id (-1 when empty). */
  pop(): number {
    const keys = this.#keys;
    const ids = this.#ids;
    if (keys.length === 0) return -1;
    const top = ids[0]!;
    const lastKey = keys.pop()!;
    const lastId = ids.pop()!;
    const n = keys.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && keys[right]! < keys[left]! ? right : left;
        if (keys[child]! >= lastKey) break;
        keys[i] = keys[child]!;
        ids[i] = ids[child]!;
        i = child;
      }
      keys[i] = lastKey;
      ids[i] = lastId;
    }
    return top;
  }

  clear(): void {
    this.#keys.length = 0;
    this.#ids.length = 0;
  }
}
