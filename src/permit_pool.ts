/**
 * One right to run a request, from {@linkcode PermitPool.acquire}. Release it exactly
 * once; `using` does that for you. Releasing twice is harmless.
 */
export interface Permit extends Disposable {
  /** Gives the permit back; the longest waiter, if any, gets it. */
  release(): void;
}

/**
 * A FIFO counting semaphore: at most `size` permits are out at once, and waiters get
 * them in the order they asked. It enforces `max_parallel`, as the reference's permit
 * pool does, so a busy process cannot open more concurrent requests than configured.
 *
 * @example
 * ```ts
 * import { PermitPool } from "@dynastore/dynastore";
 *
 * const pool = new PermitPool(2);
 * {
 *   using _permit = await pool.acquire();
 *   pool.active; // 1
 * }
 * pool.active; // 0
 * ```
 */
export class PermitPool {
  /** The most permits out at once. */
  readonly size: number;
  #active = 0;
  readonly #waiters: { grant: (permit: Permit) => void; cancel: () => void }[] = [];

  /**
   * Creates a pool.
   *
   * @param size The most permits out at once; an integer >= 1.
   * @throws {RangeError} If `size` is not an integer >= 1.
   */
  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`Cannot create permit pool: size must be an integer >= 1, got ${size}`);
    }
    this.size = size;
  }

  /** Permits out now. */
  get active(): number {
    return this.#active;
  }

  /** Callers waiting for a permit. */
  get pending(): number {
    return this.#waiters.length;
  }

  /**
   * Waits for a permit.
   *
   * @param signal Gives up waiting: the promise rejects with `signal.reason` and the
   *   caller leaves the queue without taking a permit.
   * @returns The permit; release it when the request is done.
   */
  acquire(signal?: AbortSignal): Promise<Permit> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#active < this.size && this.#waiters.length === 0) {
      this.#active++;
      return Promise.resolve(this.#permit());
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => waiter.cancel();
      const waiter = {
        grant: (permit: Permit) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(permit);
        },
        cancel: () => {
          const index = this.#waiters.indexOf(waiter);
          if (index >= 0) this.#waiters.splice(index, 1);
          reject(signal!.reason);
        },
      };
      this.#waiters.push(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  #permit(): Permit {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      // The permit passes straight to the next waiter, so `active` never dips and a
      // newcomer cannot overtake the queue.
      if (next) next.grant(this.#permit());
      else this.#active--;
    };
    return { release, [Symbol.dispose]: release };
  }
}
