// PermitPool on its own (FIFO grants, gauges, release rules, abort while waiting), and the
// bound it puts on a backend: never more than maxParallel requests in flight, and a
// listing holds one permit per page rather than one for the whole listing.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { type Permit, PermitPool } from "../mod.ts";
import { useEmbeddedDynamoDB } from "./support/embedded_dynamodb.ts";
import { bytes, openBackend } from "./support/fixtures.ts";

/** Lets every queued promise callback run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Records when a pending acquire resolves or rejects, without awaiting it. */
function watch(promise: Promise<Permit>) {
  const state: { permit?: Permit; error?: unknown; done: boolean } = { done: false };
  promise.then(
    (permit) => Object.assign(state, { permit, done: true }),
    (error) => Object.assign(state, { error, done: true }),
  );
  return state;
}

describe("PermitPool", () => {
  test("grants waiters in the order they asked", async () => {
    const pool = new PermitPool(1);
    const first = await pool.acquire();
    const order: number[] = [];
    const granted = new Map<number, Permit>();
    for (const n of [1, 2, 3, 4]) {
      pool.acquire().then((permit) => {
        order.push(n);
        granted.set(n, permit);
      });
    }
    await settle();
    assert.deepEqual(order, [], "nobody is granted while the only permit is out");
    let holder = first;
    for (let i = 1; i <= 4; i++) {
      holder.release();
      await settle();
      assert.equal(order.length, i, "each release grants exactly one waiter");
      holder = granted.get(order[i - 1])!;
    }
    assert.deepEqual(order, [1, 2, 3, 4]);
    holder.release();
    assert.deepEqual([pool.active, pool.pending], [0, 0]);
  });

  test("a newcomer does not overtake the queue when a permit is handed on", async () => {
    const pool = new PermitPool(1);
    const held = await pool.acquire();
    const waiter = watch(pool.acquire());
    held.release();
    // The permit went straight to the waiter; a newcomer has to queue.
    assert.equal(pool.active, 1);
    assert.equal(pool.pending, 0);
    const newcomer = watch(pool.acquire());
    assert.equal(pool.pending, 1);
    await settle();
    assert.ok(waiter.done && waiter.permit, "the waiter got the permit");
    assert.equal(newcomer.done, false, "the newcomer still waits");
    waiter.permit.release();
    await settle();
    assert.ok(newcomer.permit);
    newcomer.permit.release();
    assert.equal(pool.active, 0);
  });

  test("size, active and pending follow acquires and releases", async () => {
    const pool = new PermitPool(2);
    assert.equal(pool.size, 2);
    assert.deepEqual([pool.active, pool.pending], [0, 0]);
    const a = await pool.acquire();
    assert.deepEqual([pool.active, pool.pending], [1, 0]);
    const b = await pool.acquire();
    assert.deepEqual([pool.active, pool.pending], [2, 0]);
    const c = watch(pool.acquire());
    const d = watch(pool.acquire());
    assert.deepEqual([pool.active, pool.pending], [2, 2]);
    a.release();
    assert.deepEqual([pool.active, pool.pending], [2, 1]);
    b.release();
    assert.deepEqual([pool.active, pool.pending], [2, 0]);
    await settle();
    c.permit!.release();
    assert.deepEqual([pool.active, pool.pending], [1, 0]);
    d.permit!.release();
    assert.deepEqual([pool.active, pool.pending], [0, 0]);
    assert.equal(pool.size, 2);
  });

  test("`using` releases the permit at the end of the block, also when it throws", async () => {
    const pool = new PermitPool(1);
    {
      using _permit = await pool.acquire();
      assert.equal(pool.active, 1);
    }
    assert.equal(pool.active, 0);
    await assert.rejects(async () => {
      using _permit = await pool.acquire();
      assert.equal(pool.active, 1);
      throw new Error("inside the block");
    }, /inside the block/);
    assert.equal(pool.active, 0);
    // Symbol.dispose is the release.
    const permit = await pool.acquire();
    permit[Symbol.dispose]();
    assert.equal(pool.active, 0);
  });

  test("releasing twice gives back one permit only", async () => {
    const single = new PermitPool(1);
    const p = await single.acquire();
    p.release();
    p.release();
    p[Symbol.dispose]();
    assert.equal(single.active, 0);
    // The pool still bounds: two acquires, the second waits.
    const q = await single.acquire();
    const r = watch(single.acquire());
    await settle();
    assert.equal(r.done, false);
    assert.deepEqual([single.active, single.pending], [1, 1]);
    q.release();
    await settle();
    r.permit!.release();

    // With a queue: the second release must not hand out a second permit.
    const pool = new PermitPool(2);
    const a = await pool.acquire();
    await pool.acquire();
    const c = watch(pool.acquire());
    const d = watch(pool.acquire());
    a.release();
    a.release();
    await settle();
    assert.ok(c.permit, "the first waiter got a's permit");
    assert.equal(d.done, false, "the second release of a granted nothing");
    assert.deepEqual([pool.active, pool.pending], [2, 1]);
  });

  test("aborting a pending acquire rejects with the reason and leaves the queue without a permit", async () => {
    const pool = new PermitPool(1);
    const held = await pool.acquire();
    const controller = new AbortController();
    const aborted = watch(pool.acquire(controller.signal));
    const behind = watch(pool.acquire());
    assert.deepEqual([pool.active, pool.pending], [1, 2]);
    const reason = new Error("no longer needed");
    controller.abort(reason);
    await settle();
    assert.equal(aborted.error, reason);
    assert.equal(aborted.permit, undefined);
    assert.deepEqual([pool.active, pool.pending], [1, 1]);
    held.release();
    await settle();
    assert.ok(behind.permit, "the waiter behind the aborted one is next");
    assert.deepEqual([pool.active, pool.pending], [1, 0]);
    behind.permit.release();
    assert.deepEqual([pool.active, pool.pending], [0, 0]);
  });

  test("an abort after the permit was granted changes nothing", async () => {
    const pool = new PermitPool(1);
    const held = await pool.acquire();
    const controller = new AbortController();
    const granted = watch(pool.acquire(controller.signal));
    held.release();
    await settle();
    assert.ok(granted.permit);
    controller.abort(new Error("late"));
    await settle();
    assert.equal(granted.error, undefined);
    assert.deepEqual([pool.active, pool.pending], [1, 0]);
    granted.permit.release();
    assert.equal(pool.active, 0);
  });

  test("an already-aborted signal rejects at once without taking a free permit", async () => {
    const pool = new PermitPool(3);
    const reason = new Error("before asking");
    await assert.rejects(pool.acquire(AbortSignal.abort(reason)), (error) => error === reason);
    assert.deepEqual([pool.active, pool.pending], [0, 0]);
  });

  test("a size that is not an integer >= 1 is a RangeError", () => {
    for (const size of [0, 1.5, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => new PermitPool(size), RangeError, `size ${size}`);
    }
    assert.equal(new PermitPool(1).size, 1);
  });
});

// ---------------------------------------------------------------------------------------

const dynamo = useEmbeddedDynamoDB();

/** The DynamoDB operation of a request, from its `x-amz-target` header. */
function targetOf(init: RequestInit | undefined): string {
  return (new Headers(init?.headers).get("x-amz-target") ?? "").replace(/^.*\./, "");
}

describe("backend concurrency bound", () => {
  test("500 concurrent operations with maxParallel 8 never have more than 8 requests in flight", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let requests = 0;
    const countingFetch: typeof fetch = async (input, init) => {
      inFlight++;
      requests++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
        const response = await fetch(input, init);
        const body = await response.arrayBuffer();
        return new Response(body, response);
      } finally {
        inFlight--;
      }
    };
    await using backend = await openBackend(dynamo.endpoint, {
      maxParallel: 8,
      fetch: countingFetch,
    });
    assert.equal(backend.permitPool.size, 8);

    // Seed what the gets, lists and deletes work on.
    const seedNames = Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, "0")}`);
    await Promise.all([
      ...seedNames.map((name) => backend.put({ key: `seed/a/${name}`, value: bytes(name) })),
      ...Array.from(
        { length: 125 },
        (_, i) => backend.put({ key: `del/x/y/k${i}`, value: bytes(`d${i}`) }),
      ),
    ]);
    inFlight = 0;
    maxInFlight = 0;
    requests = 0;

    const operations: Promise<unknown>[] = [];
    for (let i = 0; i < 500; i++) {
      const n = i >> 2;
      switch (i % 4) {
        case 0:
          operations.push(backend.put({ key: `new/${n % 7}/sub/k${n}`, value: bytes(`v${n}`) }));
          break;
        case 1:
          operations.push(
            backend.get(`seed/a/${seedNames[n % 20]}`).then((entry) => {
              assert.deepEqual(entry?.value, bytes(seedNames[n % 20]));
            }),
          );
          break;
        case 2:
          operations.push(
            n % 2 === 0
              ? backend.list("seed/a/").then((names) => assert.deepEqual(names, seedNames))
              : backend.list("seed/").then((names) => assert.deepEqual(names, ["a/"])),
          );
          break;
        case 3:
          operations.push(backend.delete(`del/x/y/k${n}`));
          break;
      }
    }
    const results = await Promise.allSettled(operations);
    const failed = results.filter((result) => result.status === "rejected");
    assert.deepEqual(failed, [], "every operation succeeded");
    assert.equal(inFlight, 0);
    assert.ok(requests >= 500, `at least one request per operation, saw ${requests}`);
    assert.ok(maxInFlight <= 8, `at most 8 requests in flight, saw ${maxInFlight}`);
    assert.ok(maxInFlight > 1, `requests overlapped, saw at most ${maxInFlight}`);
    assert.deepEqual([backend.permitPool.active, backend.permitPool.pending], [0, 0]);

    // The operations did what they said.
    assert.deepEqual(await backend.list(""), ["new/", "seed/"]);
    assert.deepEqual(await backend.list("new/"), ["0/", "1/", "2/", "3/", "4/", "5/", "6/"]);
    for (let n = 0; n < 125; n++) {
      assert.deepEqual((await backend.get(`new/${n % 7}/sub/k${n}`))?.value, bytes(`v${n}`));
      assert.equal(await backend.get(`del/x/y/k${n}`), null);
    }
  });

  test("a multi-page list holds one permit per page: a put started mid-listing finishes first", async () => {
    const targets: string[] = [];
    let pauseNextQuery: { arrived: () => void; release: Promise<void> } | undefined;
    const fetchImpl: typeof fetch = async (input, init) => {
      const target = targetOf(init);
      targets.push(target);
      if (target === "Query" && pauseNextQuery) {
        const pause = pauseNextQuery;
        pauseNextQuery = undefined;
        pause.arrived();
        await pause.release;
      }
      return await fetch(input, init);
    };
    await using backend = await openBackend(dynamo.endpoint, { maxParallel: 1, fetch: fetchImpl });

    // Six values of 350 KB: dynalite pages a Query at 1 MB, so the folder takes 2+ pages.
    const names = ["v0", "v1", "v2", "v3", "v4", "v5"];
    for (const name of names) {
      await backend.put({ key: `big/${name}`, value: new Uint8Array(350_000).fill(7) });
    }
    targets.length = 0;
    assert.deepEqual(await backend.list("big/"), names);
    const pages = targets.filter((target) => target === "Query").length;
    assert.ok(pages >= 2, `the listing needs several pages, took ${pages}`);
    assert.deepEqual(targets, Array(pages).fill("Query"));

    // Pause the first page of a second listing, start a put meanwhile, then let it go.
    targets.length = 0;
    let release!: () => void;
    const arrived = new Promise<void>((resolve) => {
      pauseNextQuery = {
        arrived: resolve,
        release: new Promise<void>((resolveRelease) => release = resolveRelease),
      };
    });
    const finished: string[] = [];
    const listing = backend.list("big/").then((listed) => {
      finished.push("list");
      return listed;
    });
    await arrived;
    assert.deepEqual([backend.permitPool.active, backend.permitPool.pending], [1, 0]);
    const putting = backend.put({ key: "top", value: bytes("t") }).then(() => {
      finished.push("put");
    });
    await settle();
    assert.deepEqual(
      [backend.permitPool.active, backend.permitPool.pending],
      [1, 1],
      "the put waits for the permit the first page holds",
    );
    release();
    const [listed] = await Promise.all([listing, putting]);
    assert.deepEqual(listed, names);
    assert.deepEqual(finished, ["put", "list"], "the put finished before the listing");
    // First page, then the put, then the remaining pages.
    assert.deepEqual(targets, ["Query", "PutItem", ...Array(pages - 1).fill("Query")]);
    assert.deepEqual((await backend.get("top"))?.value, bytes("t"));
  });
});
