// The raw item format (REFERENCE section 1): what put writes, byte for byte, and that
// items written by Vault's Go backend read back through get and list.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { type AttributeMap, MalformedItemError } from "../mod.ts";
import { useEmbeddedDynamoDB } from "./support/embedded_dynamodb.ts";
import { bytes, openBackend, rawClient, scanAll } from "./support/fixtures.ts";

const dynamo = useEmbeddedDynamoDB();

/**
 * Attributes the implementation may add to items beyond the Vault format
 * (Path, Key, Value). Currently none: every item must be exactly the Go format.
 */
const ALLOWED_EXTRA_ATTRIBUTES: readonly string[] = [];
const VAULT_ATTRIBUTES = ["Key", "Path", "Value"];

/** Base64 computed independently of the implementation's codec. */
const b64 = (value: Uint8Array): string => Buffer.from(value).toString("base64");

/** The table's items, checked for unknown attributes, allowed extras removed, sorted. */
async function tableItems(table: string): Promise<AttributeMap[]> {
  const items = await scanAll(rawClient(dynamo.endpoint), table);
  for (const item of items) {
    for (const name of Object.keys(item)) {
      assert.ok(
        VAULT_ATTRIBUTES.includes(name) || ALLOWED_EXTRA_ATTRIBUTES.includes(name),
        `item ${JSON.stringify(item)} has attribute ${name}, not allowed in the Vault format`,
      );
    }
  }
  const stripped = items.map((item) =>
    Object.fromEntries(
      Object.entries(item).filter(([name]) => !ALLOWED_EXTRA_ATTRIBUTES.includes(name)),
    ) as AttributeMap
  );
  const sortKey = (item: AttributeMap) =>
    `${(item.Path as { S: string }).S}\u0000${(item.Key as { S: string }).S}`;
  return stripped.sort((a, b) => sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0);
}

test('put("a/b/c") writes exactly the value item {Path:"a/b",Key:"c",Value:B} and two placeholders without Value', async () => {
  await using backend = await openBackend(dynamo.endpoint);
  const value = bytes("secret \u00e9 value");
  await backend.put({ key: "a/b/c", value });

  assert.deepEqual(await tableItems(backend.table), [
    { Path: { S: " " }, Key: { S: "a/" } },
    { Path: { S: "a" }, Key: { S: "b/" } },
    { Path: { S: "a/b" }, Key: { S: "c" }, Value: { B: b64(value) } },
  ]);
});

test('a top-level key "foo" is stored under Path " " with no placeholder', async () => {
  await using backend = await openBackend(dynamo.endpoint);
  await backend.put({ key: "foo", value: bytes("bar") });

  assert.deepEqual(await tableItems(backend.table), [
    { Path: { S: " " }, Key: { S: "foo" }, Value: { B: b64(bytes("bar")) } },
  ]);
});

test("an empty value is stored as Value {NULL: true} and reads back as an empty Uint8Array", async () => {
  await using backend = await openBackend(dynamo.endpoint);
  await backend.put({ key: "dir/empty", value: new Uint8Array(0) });

  assert.deepEqual(await tableItems(backend.table), [
    { Path: { S: " " }, Key: { S: "dir/" } },
    { Path: { S: "dir" }, Key: { S: "empty" }, Value: { NULL: true } },
  ]);
  const entry = await backend.get("dir/empty");
  assert.ok(entry !== null);
  assert.equal(entry.key, "dir/empty");
  assert.ok(entry.value instanceof Uint8Array, "value is a Uint8Array");
  assert.equal(entry.value.byteLength, 0);
});

test("items written raw in the Go format read back through get and list; the Go lock record is hidden", async () => {
  await using backend = await openBackend(dynamo.endpoint);
  const raw = rawClient(dynamo.endpoint);
  const config = bytes('{"type":"shamir"}');
  const privateValue = bytes("user data");
  const items: AttributeMap[] = [
    // Placeholders, as the Go backend writes them.
    { Path: { S: " " }, Key: { S: "core/" } },
    { Path: { S: " " }, Key: { S: "sys/" } },
    { Path: { S: "sys" }, Key: { S: "token/" } },
    // Value items.
    { Path: { S: "core" }, Key: { S: "seal-config" }, Value: { B: b64(config) } },
    { Path: { S: "sys/token" }, Key: { S: "id" }, Value: { B: b64(bytes("abc")) } },
    { Path: { S: " " }, Key: { S: "top" }, Value: { B: b64(bytes("level")) } },
    // An empty value.
    { Path: { S: " " }, Key: { S: "empty" }, Value: { NULL: true } },
    // A user key whose last segment starts with "_" (no Identity: not a lock).
    { Path: { S: "core" }, Key: { S: "_private" }, Value: { B: b64(privateValue) } },
    // The Go lock record for key "core/lock".
    {
      Path: { S: "core" },
      Key: { S: "_lock" },
      Value: { B: b64(bytes("https://node-a:8200")) },
      Identity: { B: b64(bytes("1b4e28ba-2fa1-11d2-883f-0016d3cca427")) },
      Expires: { N: "1767225600000000000" },
    },
  ];
  for (const item of items) await raw.putItem({ TableName: backend.table, Item: item });

  assert.deepEqual(await backend.get("core/seal-config"), {
    key: "core/seal-config",
    value: config,
  });
  assert.deepEqual(await backend.get("sys/token/id"), { key: "sys/token/id", value: bytes("abc") });
  assert.deepEqual(await backend.get("top"), { key: "top", value: bytes("level") });
  assert.deepEqual(await backend.get("core/_private"), {
    key: "core/_private",
    value: privateValue,
  });
  const empty = await backend.get("empty");
  assert.ok(empty !== null);
  assert.ok(empty.value instanceof Uint8Array);
  assert.equal(empty.value.byteLength, 0);
  // A placeholder is not a value: "core" as a key does not exist.
  assert.equal(await backend.get("core"), null);

  assert.deepEqual(await backend.list(""), ["core/", "empty", "sys/", "top"]);
  assert.deepEqual(await backend.list("sys/"), ["token/"]);
  assert.deepEqual(await backend.list("sys/token/"), ["id"]);
  // "_lock" (it has an Identity) is hidden; "_private" (a user key) is listed.
  assert.deepEqual(await backend.list("core/"), ["_private", "seal-config"]);
});

test("a raw item whose Value is a string (S) makes get reject with MalformedItemError", async () => {
  await using backend = await openBackend(dynamo.endpoint);
  await rawClient(dynamo.endpoint).putItem({
    TableName: backend.table,
    Item: { Path: { S: "x" }, Key: { S: "y" }, Value: { S: "not binary" } },
  });

  await assert.rejects(backend.get("x/y"), (error: unknown) => {
    assert.ok(error instanceof MalformedItemError, `got ${error}`);
    assert.equal(error.name, "MalformedItemError");
    assert.match(error.message, /"x\/y"/);
    assert.match(error.message, /type S/);
    return true;
  });
});
