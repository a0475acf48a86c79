// The generic backend sequences of Vault's sdk/physical/testing.go (REFERENCE section 6,
// "Backend" and "Prefix listing"), step by step, on a real HTTP endpoint.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useEmbeddedDynamoDB } from "./support/embedded_dynamodb.ts";
import { bytes, openBackend, rawClient, scanAll } from "./support/fixtures.ts";

const dynamo = useEmbeddedDynamoDB();

test("generic backend sequence: put, get, list and delete behave as Vault's testing.go expects", async () => {
  await using backend = await openBackend(dynamo.endpoint);

  // list("") of an empty table is empty.
  assert.deepEqual(await backend.list(""), []);

  // Deleting a key that does not exist is fine.
  await backend.delete("foo");

  // Getting a key that does not exist gives no entry.
  assert.equal(await backend.get("foo"), null);

  // Put foo, then get returns an equal entry.
  const value = bytes("test");
  await backend.put({ key: "foo", value });
  assert.deepEqual(await backend.get("foo"), { key: "foo", value: bytes("test") });

  // list("") = [foo].
  assert.deepEqual(await backend.list(""), ["foo"]);

  // Delete foo: it is gone.
  await backend.delete("foo");
  assert.equal(await backend.get("foo"), null);
  assert.deepEqual(await backend.list(""), []);

  // Putting foo twice is fine; the second value wins.
  await backend.put({ key: "foo", value: bytes("test") });
  await backend.put({ key: "foo", value: bytes("test2") });
  assert.deepEqual(await backend.get("foo"), { key: "foo", value: bytes("test2") });

  // Put foo/bar: list("") sorted = [foo, foo/].
  await backend.put({ key: "foo/bar", value: bytes("baz") });
  assert.deepEqual(await backend.list(""), ["foo", "foo/"]);
  assert.deepEqual(await backend.list("foo/"), ["bar"]);

  // Deleting foo keeps foo/bar.
  await backend.delete("foo");
  assert.equal(await backend.get("foo"), null);
  assert.deepEqual(await backend.get("foo/bar"), { key: "foo/bar", value: bytes("baz") });
  assert.deepEqual(await backend.list(""), ["foo/"]);

  // Put then delete foo/nested1/nested2/nested3: list("foo/") = [bar].
  await backend.put({ key: "foo/nested1/nested2/nested3", value: bytes("n") });
  assert.deepEqual(await backend.list("foo/"), ["bar", "nested1/"]);
  await backend.delete("foo/nested1/nested2/nested3");
  assert.deepEqual(await backend.list("foo/"), ["bar"]);
  assert.deepEqual(await backend.list("foo/nested1/"), []);

  // Put foo/zip, delete foo/bar: list("") = [foo/].
  await backend.put({ key: "foo/zip", value: bytes("zap") });
  await backend.delete("foo/bar");
  assert.equal(await backend.get("foo/bar"), null);
  assert.deepEqual(await backend.list(""), ["foo/"]);
  assert.deepEqual(await backend.list("foo/"), ["zip"]);

  // Delete foo/zip: list("") is empty.
  await backend.delete("foo/zip");
  assert.deepEqual(await backend.list(""), []);

  // Put foo/nested1/nested2/value1 and value2, delete value2: list("") = [foo/].
  await backend.put({ key: "foo/nested1/nested2/value1", value: bytes("v1") });
  await backend.put({ key: "foo/nested1/nested2/value2", value: bytes("v2") });
  assert.deepEqual(await backend.list("foo/nested1/nested2/"), ["value1", "value2"]);
  await backend.delete("foo/nested1/nested2/value2");
  assert.deepEqual(await backend.list(""), ["foo/"]);
  assert.deepEqual(await backend.list("foo/nested1/nested2/"), ["value1"]);

  // Delete value1: list("") is empty, and so is the table (no placeholder is left).
  await backend.delete("foo/nested1/nested2/value1");
  assert.deepEqual(await backend.list(""), []);
  assert.deepEqual(await scanAll(rawClient(dynamo.endpoint), backend.table), []);
});

test("prefix listing: foo, foo/bar, foo/bar/baz list as [foo, foo/], [bar, bar/], [baz]", async () => {
  await using backend = await openBackend(dynamo.endpoint);
  await backend.put({ key: "foo", value: bytes("test") });
  await backend.put({ key: "foo/bar", value: bytes("test") });
  await backend.put({ key: "foo/bar/baz", value: bytes("test") });

  assert.deepEqual(await backend.list(""), ["foo", "foo/"]);
  assert.deepEqual(await backend.list("foo/"), ["bar", "bar/"]);
  assert.deepEqual(await backend.list("foo/bar/"), ["baz"]);
});
