import { test } from "node:test";
import assert from "node:assert/strict";
import { useEmbeddedDynamoDB } from "./support/embedded_dynamodb.ts";
import { bytes, openBackend } from "./support/fixtures.ts";

const dynamo = useEmbeddedDynamoDB();

test("put, get, list and delete round-trip", async () => {
  await using backend = await openBackend(dynamo.endpoint);
  await backend.put({ key: "a/b/c", value: bytes("v") });
  assert.deepEqual(await backend.list(""), ["a/"]);
  assert.deepEqual(await backend.list("a/"), ["b/"]);
  assert.deepEqual((await backend.get("a/b/c"))?.value, bytes("v"));
  await backend.delete("a/b/c");
  assert.deepEqual(await backend.list(""), []);
});
