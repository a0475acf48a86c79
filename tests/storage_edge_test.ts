// Edge cases of the storage operations on a real HTTP endpoint: the Vault bugs we fix,
// pagination, depth, size limits, binary values, unicode, close, and partial batches.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { DynastoreError, ItemTooLargeError, UnprocessedItemsError } from "../mod.ts";
import { useEmbeddedDynamoDB } from "./support/embedded_dynamodb.ts";
import {
  bytes,
  EXACT_ITEM_LIMIT_UNSUPPORTED,
  openBackend,
  rawClient,
  scanAll,
} from "./support/fixtures.ts";
import { jsonReply, requestSpy } from "./support/request_spy.ts";

const dynamo = useEmbeddedDynamoDB();

/** Compares strings by their UTF-8 bytes, as DynamoDB orders sort keys. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** The table's items as "Path|Key" strings, sorted. */
async function itemKeys(table: string): Promise<string[]> {
  const items = await scanAll(rawClient(dynamo.endpoint), table);
  return items.map((item) => `${(item.Path as { S: string }).S}|${(item.Key as { S: string }).S}`)
    .sort(byteOrder);
}

test('deleting "p/x" keeps folder "p/x/" listed when "p/x/y" exists (Vault PR 18600)', async () => {
  await using backend = await openBackend(dynamo.endpoint);
  await backend.put({ key: "p/x", value: bytes("file") });
  await backend.put({ key: "p/x/y", value: bytes("child") });
  assert.deepEqual(await backend.list("p/"), ["x", "x/"]);

  await backend.delete("p/x");

  assert.deepEqual(await backend.list(""), ["p/"]);
  assert.deepEqual(await backend.list("p/"), ["x/"]);
  assert.deepEqual(await backend.list("p/x/"), ["y"]);
  assert.equal(await backend.get("p/x"), null);
  assert.deepEqual(await backend.get("p/x/y"), { key: "p/x/y", value: bytes("child") });
});

test("deleting the last key of a chain removes every empty ancestor and stops at the first non-empty folder", async () => {
  await using backend = await openBackend(dynamo.endpoint);
  await backend.put({ key: "a/b/c/d/e", value: bytes("deep") });
  await backend.put({ key: "a/f", value: bytes("sibling") });
  assert.deepEqual(await itemKeys(backend.table), [
    " |a/",
    "a/b/c/d|e",
    "a/b/c|d/",
    "a/b|c/",
    "a|b/",
    "a|f",
  ]);

  await backend.delete("a/b/c/d/e");

  // The placeholders of a/b/c/d, a/b/c and a/b are gone; a (still holding f) keeps its own.
  assert.deepEqual(await itemKeys(backend.table), [" |a/", "a|f"]);
  assert.deepEqual(await backend.list(""), ["a/"]);
  assert.deepEqual(await backend.list("a/"), ["f"]);
  assert.deepEqual(await backend.list("a/b/"), []);
});

test('keys whose last segment starts with "_" are listed (Vault issue 20096)', async () => {
  await using backend = await openBackend(dynamo.endpoint);
  await backend.put({ key: "sys/_private", value: bytes("1") });
  await backend.put({ key: "sys/_lock", value: bytes("2") });
  await backend.put({ key: "sys/public", value: bytes("3") });
  await backend.put({ key: "_top", value: bytes("4") });

  assert.deepEqual(await backend.list(""), ["_top", "sys/"]);
  assert.deepEqual(await backend.list("sys/"), ["_lock", "_private", "public"]);
  assert.deepEqual(await backend.get("sys/_private"), { key: "sys/_private", value: bytes("1") });
});

test("list reads every page of a folder over 1 MB: more than 1000 entries, in UTF-8 byte order", async () => {
  const spy = requestSpy();
  await using backend = await openBackend(dynamo.endpoint, { fetch: spy.fetch });
  // Names of about 900 bytes: 1200 of them make well over 1 MB of sort keys, so the
  // Query pages. Some start with non-ASCII characters whose UTF-16 order differs from
  // their UTF-8 order ("\uFFFD" sorts before an emoji in UTF-8, after it in UTF-16).
  const starts = ["a", "B", "z", "_", "\u00e9", "\u4e2d", "\uFFFD", "\u{1F600}", "0"];
  const filler = "n".repeat(880);
  const expected: string[] = [];
  for (let i = 0; i < 1200; i++) {
    expected.push(`${starts[i % starts.length]}${String(i).padStart(5, "0")}-${filler}`);
  }
  for (let i = 0; i < 5; i++) expected.push(`sub${i}/`);
  const puts: Promise<void>[] = [];
  for (const name of expected) {
    const key = name.endsWith("/") ? `big/${name}leaf` : `big/${name}`;
    puts.push(backend.put({ key, value: bytes("v") }));
  }
  await Promise.all(puts);
  expected.sort(byteOrder);

  spy.reset();
  const listed = await backend.list("big/");

  assert.equal(listed.length, 1205);
  assert.deepEqual(listed, expected);
  assert.ok(spy.count("Query") > 1, `expected several Query pages, saw ${spy.count("Query")}`);
  assert.deepEqual(spy.operations().filter((operation) => operation !== "Query"), []);
});

test("a key 30 levels deep writes its 29 placeholders in two BatchWriteItem requests, lists at every level and deletes cleanly", async () => {
  const spy = requestSpy();
  await using backend = await openBackend(dynamo.endpoint, { fetch: spy.fetch });
  const segments = Array.from({ length: 30 }, (_, i) => `l${i}`);
  const key = segments.join("/");

  spy.reset();
  await backend.put({ key, value: bytes("bottom") });
  assert.deepEqual(spy.operations(), ["PutItem", "BatchWriteItem", "BatchWriteItem"]);
  const batchSizes = spy.requests.filter((request) => request.operation === "BatchWriteItem")
    .map((request) =>
      Object.values(request.body.RequestItems as Record<string, unknown[]>)[0].length
    );
  assert.deepEqual(batchSizes, [25, 4]);

  assert.deepEqual(await backend.list(""), ["l0/"]);
  for (let depth = 1; depth < 30; depth++) {
    const prefix = `${segments.slice(0, depth).join("/")}/`;
    const name = depth === 29 ? "l29" : `l${depth}/`;
    assert.deepEqual(await backend.list(prefix), [name], `list(${JSON.stringify(prefix)})`);
  }
  assert.deepEqual(await backend.get(key), { key, value: bytes("bottom") });
  assert.equal((await itemKeys(backend.table)).length, 30);

  await backend.delete(key);
  assert.deepEqual(await scanAll(rawClient(dynamo.endpoint), backend.table), []);
  assert.deepEqual(await backend.list(""), []);
});

test(
  "a value whose item is exactly 409600 bytes is stored and reads back; one byte more is refused with ItemTooLargeError and nothing written",
  {
    skip: EXACT_ITEM_LIMIT_UNSUPPORTED,
  },
  async () => {
    const spy = requestSpy();
    await using backend = await openBackend(dynamo.endpoint, { fetch: spy.fetch });
    // DynamoDB counts attribute names and values: "dir/blob" is stored as Path "dir" and
    // Key "blob", so its item is 4 + 3 + 3 + 4 + 5 ("Value") + value bytes.
    const overhead = "Path".length + "dir".length + "Key".length + "blob".length + "Value".length;
    const fits = new Uint8Array(409_600 - overhead);
    for (let i = 0; i < fits.length; i++) fits[i] = (i * 7) & 0xff;

    await backend.put({ key: "dir/blob", value: fits });
    const entry = await backend.get("dir/blob");
    assert.ok(entry !== null);
    assert.equal(entry.value.byteLength, fits.byteLength);
    assert.ok(Buffer.from(entry.value).equals(Buffer.from(fits)), "value reads back unchanged");

    const before = await itemKeys(backend.table);
    spy.reset();
    const tooBig = new Uint8Array(409_600 - overhead + 1);
    await assert.rejects(backend.put({ key: "dir/bloc", value: tooBig }), (error: unknown) => {
      assert.ok(error instanceof ItemTooLargeError, `got ${error}`);
      assert.equal(error.key, "dir/bloc");
      assert.equal(error.size, 409_601);
      assert.equal(error.limit, 409_600);
      assert.match(error.message, /409601 bytes/);
      return true;
    });
    assert.deepEqual(spy.operations(), []);
    assert.deepEqual(await itemKeys(backend.table), before);
    assert.equal(await backend.get("dir/bloc"), null);
  },
);

test("values holding every byte 0-255 round-trip, at lengths that exercise each base64 padding", async () => {
  await using backend = await openBackend(dynamo.endpoint);
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  const reversed = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
  const values: Record<string, Uint8Array> = {
    "bin/all": all,
    "bin/reversed": reversed,
    "bin/one": Uint8Array.of(0xff),
    "bin/two": Uint8Array.of(0x00, 0xfe),
    "bin/three": Uint8Array.of(0x80, 0x00, 0x7f),
    // A view into a larger buffer: only the viewed bytes are the value.
    "bin/view": new Uint8Array(all.buffer, 100, 50),
  };
  for (const [key, value] of Object.entries(values)) await backend.put({ key, value });
  for (const [key, value] of Object.entries(values)) {
    const entry = await backend.get(key);
    assert.ok(entry !== null, key);
    assert.deepEqual(Array.from(entry.value), Array.from(value), key);
  }
  assert.deepEqual(Array.from((await backend.get("bin/view"))!.value), [
    ...Array.from({ length: 50 }, (_, i) => 100 + i),
  ]);
});

test("unicode keys (emoji, CJK, accents) round-trip and list in UTF-8 byte order", async () => {
  await using backend = await openBackend(dynamo.endpoint);
  const names = [
    "\u{1F600}",
    "\u{1F510}-lock",
    "\u4e2d\u6587",
    "\u65e5\u672c\u8a9e",
    "\uFFFD",
    "\uFF5E",
    "caf\u00e9",
    "cafe",
    "Z",
    "a",
  ];
  for (const name of names) {
    await backend.put({ key: `u/${name}`, value: bytes(`value of ${name}`) });
  }
  await backend.put({ key: "u/\u6587\u4ef6\u5939/\u{1F4C4}", value: bytes("nested") });

  for (const name of names) {
    assert.deepEqual(await backend.get(`u/${name}`), {
      key: `u/${name}`,
      value: bytes(`value of ${name}`),
    });
  }
  const expected = [...names, "\u6587\u4ef6\u5939/"].sort(byteOrder);
  // The byte order differs from JavaScript's default UTF-16 order here.
  assert.notDeepEqual(expected, [...names, "\u6587\u4ef6\u5939/"].sort());
  assert.deepEqual(await backend.list("u/"), expected);
  assert.deepEqual(await backend.list("u/\u6587\u4ef6\u5939/"), ["\u{1F4C4}"]);
  assert.deepEqual(await backend.get("u/\u6587\u4ef6\u5939/\u{1F4C4}"), {
    key: "u/\u6587\u4ef6\u5939/\u{1F4C4}",
    value: bytes("nested"),
  });
});

test('list("a") without a trailing slash lists the same as list("a/")', async () => {
  await using backend = await openBackend(dynamo.endpoint);
  await backend.put({ key: "a", value: bytes("file a") });
  await backend.put({ key: "a/x", value: bytes("1") });
  await backend.put({ key: "a/y/z", value: bytes("2") });
  await backend.put({ key: "ab/q", value: bytes("3") });

  assert.deepEqual(await backend.list("a/"), ["x", "y/"]);
  assert.deepEqual(await backend.list("a"), ["x", "y/"]);
  assert.deepEqual(await backend.list("a/y"), ["z"]);
});

test("every operation rejects after close() and sends nothing", async () => {
  const spy = requestSpy();
  const backend = await openBackend(dynamo.endpoint, { fetch: spy.fetch });
  await backend.put({ key: "k", value: bytes("v") });
  await backend.close();
  await backend.close(); // a second close is harmless
  spy.reset();

  const closed = (error: unknown) => {
    assert.ok(error instanceof DynastoreError, `got ${error}`);
    assert.match(error.message, /closed/);
    return true;
  };
  await assert.rejects(backend.put({ key: "k2", value: bytes("v") }), closed);
  await assert.rejects(backend.get("k"), closed);
  await assert.rejects(backend.delete("k"), closed);
  await assert.rejects(backend.list(""), closed);
  assert.deepEqual(spy.operations(), []);
  assert.deepEqual(await itemKeys(backend.table), [" |k"]);
});

test("close() waits for an operation in flight, which completes", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const spy = requestSpy(async (request, forward) => {
    if (request.operation === "PutItem") await gate;
    return forward(request.body);
  });
  const backend = await openBackend(dynamo.endpoint, { fetch: spy.fetch });
  const put = backend.put({ key: "slow/key", value: bytes("v") });
  let closed = false;
  const closing = backend.close().then(() => (closed = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(closed, false, "close() resolved while a put was in flight");
  release();
  await put;
  await closing;
  assert.equal(closed, true);
  assert.deepEqual(await itemKeys(backend.table), [" |slow/", "slow|key"]);
});

type WriteRequestJson = { PutRequest: { Item: Record<string, { S: string }> } };

/** "Path|Key" of a BatchWriteItem put request. */
const requestKey = (request: WriteRequestJson) =>
  `${request.PutRequest.Item.Path.S}|${request.PutRequest.Item.Key.S}`;

/** The put requests of a BatchWriteItem body (one table). */
function batchRequests(body: Record<string, unknown>): WriteRequestJson[] {
  const all = Object.values(body.RequestItems as Record<string, WriteRequestJson[]>);
  assert.equal(all.length, 1, "one table per batch");
  return all[0];
}

/**
 * Forwards only the first `keep` requests of a batch to the endpoint and reports the
 * others as UnprocessedItems, without writing them.
 */
async function partialBatch(
  table: string,
  body: Record<string, unknown>,
  keep: number,
  forward: (body: Record<string, unknown>) => Promise<Response>,
): Promise<{ reply: Response; unprocessed: WriteRequestJson[] }> {
  const requests = batchRequests(body);
  const forwarded = await forward({ ...body, RequestItems: { [table]: requests.slice(0, keep) } });
  assert.equal(forwarded.status, 200);
  const { UnprocessedItems } = await forwarded.json();
  assert.deepEqual(UnprocessedItems?.[table] ?? [], [], "the forwarded subset was written");
  const unprocessed = requests.slice(keep);
  return { reply: jsonReply({ UnprocessedItems: { [table]: unprocessed } }), unprocessed };
}

const PLACEHOLDERS_OF_Q = [" |q/", "q/r/s/t|u/", "q/r/s|t/", "q/r|s/", "q|r/"];

test("UnprocessedItems of two BatchWriteItem replies are re-sent until every placeholder is written", async () => {
  let table = "";
  let batches = 0;
  const returned: string[][] = [];
  const spy = requestSpy(async (request, forward) => {
    if (request.operation !== "BatchWriteItem" || batches >= 2) return forward(request.body);
    const keep = batches === 0 ? 2 : 1;
    batches++;
    const { reply, unprocessed } = await partialBatch(table, request.body, keep, forward);
    returned.push(unprocessed.map(requestKey));
    return reply;
  });
  await using backend = await openBackend(dynamo.endpoint, { fetch: spy.fetch });
  table = backend.table;
  spy.reset();

  await backend.put({ key: "q/r/s/t/u/v", value: bytes("leaf") });

  const sent = spy.requests.filter((request) => request.operation === "BatchWriteItem")
    .map((request) => batchRequests(request.body).map(requestKey));
  assert.deepEqual(sent.map((keys) => keys.length), [5, 3, 2]);
  assert.deepEqual([...sent[0]].sort(byteOrder), PLACEHOLDERS_OF_Q);
  // Each re-send carries exactly what the previous reply reported unprocessed.
  assert.deepEqual(sent[1], returned[0]);
  assert.deepEqual(sent[2], returned[1]);
  assert.deepEqual(
    await itemKeys(backend.table),
    [...PLACEHOLDERS_OF_Q, "q/r/s/t/u|v"].sort(byteOrder),
  );
  assert.deepEqual(await backend.list("q/r/s/t/u/"), ["v"]);
});

test("an abort while items are unprocessed rejects put with UnprocessedItemsError listing exactly those items", async () => {
  let table = "";
  const controller = new AbortController();
  let unprocessedKeys: string[] = [];
  const spy = requestSpy(async (request, forward) => {
    if (request.operation !== "BatchWriteItem") return forward(request.body);
    const { reply, unprocessed } = await partialBatch(table, request.body, 2, forward);
    unprocessedKeys = unprocessed.map(requestKey);
    // Fired once the reply is in hand: the writer learns of the abort while it waits
    // to re-send the unprocessed items.
    controller.abort(new Error("caller gave up"));
    return reply;
  });
  await using backend = await openBackend(dynamo.endpoint, { fetch: spy.fetch });
  table = backend.table;
  spy.reset();

  await assert.rejects(
    backend.put({ key: "q/r/s/t/u/v", value: bytes("leaf") }, { signal: controller.signal }),
    (error: unknown) => {
      assert.ok(error instanceof UnprocessedItemsError, `got ${error}`);
      assert.equal(error.name, "UnprocessedItemsError");
      assert.deepEqual(
        error.items.map((item) => `${item.path}|${item.key}`),
        unprocessedKeys,
      );
      assert.match(error.message, /^3 item\(s\) not known to be written \(aborted\)/);
      return true;
    },
  );
  assert.equal(unprocessedKeys.length, 3);
  assert.equal(spy.count("BatchWriteItem"), 1, "nothing is re-sent after the abort");
  // The table holds the value and the two forwarded placeholders, not the three others.
  const inTable = await itemKeys(backend.table);
  assert.equal(inTable.length, 3);
  assert.ok(inTable.includes("q/r/s/t/u|v"));
  for (const key of unprocessedKeys) assert.ok(!inTable.includes(key), `${key} was not written`);
  assert.deepEqual(
    [...inTable.filter((key) => key !== "q/r/s/t/u|v"), ...unprocessedKeys].sort(byteOrder),
    PLACEHOLDERS_OF_Q,
  );
});
