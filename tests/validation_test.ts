// Every rule put, get, delete and list check before sending anything: the error class,
// a message that says what is wrong, and an unchanged table with no request sent. Then
// the boundary cases that must succeed, checked against the real endpoint.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { type DynamoDBBackend, InvalidKeyError, ItemTooLargeError } from "../mod.ts";
import { useEmbeddedDynamoDB } from "./support/embedded_dynamodb.ts";
import {
  bytes,
  EXACT_ITEM_LIMIT_UNSUPPORTED,
  openBackend,
  rawClient,
  scanAll,
} from "./support/fixtures.ts";
import { requestSpy } from "./support/request_spy.ts";

const dynamo = useEmbeddedDynamoDB();

// deno-lint-ignore no-explicit-any
type ErrorClass = new (...args: any[]) => Error;

/** UTF-8 length, computed independently of the implementation. */
const utf8 = (text: string): number => Buffer.byteLength(text, "utf8");

// Keys at and around the DynamoDB limits (partition key 2048 bytes, sort key 1024).
const FOLDER_2049 = `${"f".repeat(1000)}/${"g".repeat(1000)}/${"h".repeat(47)}`;
const FOLDER_2048 = `${"f".repeat(1000)}/${"g".repeat(1000)}/${"h".repeat(46)}`;
// 1022 + 1 + 1022 + 1 + 4 = 2050 UTF-8 bytes but only 1026 UTF-16 units (dynalite
// counts the latter, DynamoDB the former).
const WIDE_FOLDER_2050 = `${"\u00e9".repeat(511)}/${"\u00e9".repeat(511)}/\u00e9\u00e9`;
const WIDE_FOLDER_2048 = `${"\u00e9".repeat(511)}/${"\u00e9".repeat(511)}/ab`;
const SEGMENT_1025 = "k".repeat(1025);
const SEGMENT_1024 = "k".repeat(1024);
const WIDE_SEGMENT_1026 = "\u4e2d".repeat(342);
const WIDE_SEGMENT_1024 = `${"\u4e2d".repeat(341)}a`;

/** Value bytes that make the item of `key` (Path, Key, Value) exactly `size` bytes. */
function valueBytesFor(key: string, size: number): number {
  const slash = key.lastIndexOf("/");
  const path = slash < 0 ? " " : key.slice(0, slash);
  const name = key.slice(slash + 1);
  return size - ("Path".length + utf8(path) + "Key".length + utf8(name) + "Value".length);
}

test("the limit keys have the sizes their names say", () => {
  assert.equal(utf8(FOLDER_2049), 2049);
  assert.equal(utf8(FOLDER_2048), 2048);
  assert.equal(utf8(WIDE_FOLDER_2050), 2050);
  assert.equal(WIDE_FOLDER_2050.length, 1026);
  assert.equal(utf8(WIDE_FOLDER_2048), 2048);
  assert.equal(utf8(WIDE_SEGMENT_1026), 1026);
  assert.equal(WIDE_SEGMENT_1026.length, 342);
  assert.equal(utf8(WIDE_SEGMENT_1024), 1024);
  assert.equal(valueBytesFor("dir/blob", 409_600), 409_581);
});

/** A backend on a fresh table holding one seed key, and a spy reset after set-up. */
async function seededBackend() {
  const spy = requestSpy();
  const backend = await openBackend(dynamo.endpoint, { fetch: spy.fetch });
  await backend.put({ key: "seed/k", value: bytes("seed") });
  spy.reset();
  return { backend, spy };
}

/**
 * Runs `operation` and checks that it rejects with exactly `errorClass` and a message
 * matching `message`, that no request was sent and that the table did not change.
 */
async function assertRefused(
  operation: (backend: DynamoDBBackend) => Promise<unknown>,
  errorClass: ErrorClass,
  message: RegExp,
): Promise<Error> {
  const { backend, spy } = await seededBackend();
  try {
    const before = await scanAll(rawClient(dynamo.endpoint), backend.table);
    assert.equal(before.length, 2); // seed/k and its placeholder
    let caught: Error | undefined;
    await assert.rejects(
      (async () => await operation(backend))(),
      (error: unknown) => {
        assert.ok(error instanceof Error, `not an Error: ${error}`);
        assert.equal(
          error.constructor,
          errorClass,
          `expected ${errorClass.name}, got ${error.name}: ${error.message}`,
        );
        assert.match(error.message, message);
        caught = error;
        return true;
      },
    );
    assert.deepEqual(spy.operations(), [], "no request may be sent");
    const after = await scanAll(rawClient(dynamo.endpoint), backend.table);
    assert.equal(after.length, before.length);
    assert.deepEqual(after, before);
    return caught!;
  } finally {
    await backend.close();
  }
}

const KEY_RULES: { rule: string; key: string; message: RegExp }[] = [
  { rule: "an empty key", key: "", message: /it is empty/ },
  { rule: 'a leading "/"', key: "/a/b", message: /starts with \// },
  { rule: 'a trailing "/"', key: "a/b/", message: /ends with \// },
  { rule: 'an empty segment "a//b"', key: "a//b", message: /empty segment \(\/\/\)/ },
  {
    rule: "a lone high surrogate",
    key: "\uD800",
    message: /lone UTF-16 surrogate/,
  },
  {
    rule: "a lone low surrogate",
    key: "a\uDC00b",
    message: /lone UTF-16 surrogate/,
  },
  {
    rule: 'the first folder " "',
    key: " /x",
    message: /first folder is " ", the name the table uses for the root/,
  },
  {
    rule: "a folder part of 2049 bytes",
    key: `${FOLDER_2049}/k`,
    message: /folder part is 2049 UTF-8 bytes, over DynamoDB's partition key limit of 2048/,
  },
  {
    rule: "a folder part of 2050 UTF-8 bytes (1026 UTF-16 units)",
    key: `${WIDE_FOLDER_2050}/k`,
    message: /folder part is 2050 UTF-8 bytes, over DynamoDB's partition key limit of 2048/,
  },
  {
    rule: "a last segment of 1025 bytes",
    key: `seg/${SEGMENT_1025}`,
    message: /is 1025 UTF-8 bytes stored, over DynamoDB's sort key limit of 1024/,
  },
  {
    rule: "a top-level key of 1025 bytes",
    key: SEGMENT_1025,
    message: /is 1025 UTF-8 bytes stored, over DynamoDB's sort key limit of 1024/,
  },
  {
    rule: "a last segment of 1026 UTF-8 bytes (342 UTF-16 units)",
    key: `seg/${WIDE_SEGMENT_1026}`,
    message: /is 1026 UTF-8 bytes stored, over DynamoDB's sort key limit of 1024/,
  },
  {
    rule: "a folder segment of 1024 bytes (its placeholder key would be 1025)",
    key: `${SEGMENT_1024}/v`,
    message:
      /is 1025 UTF-8 bytes stored, over DynamoDB's sort key limit of 1024.*extra byte for their \//,
  },
];

describe("key rules: put, get and delete refuse the key with InvalidKeyError and send nothing", () => {
  for (const { rule, key, message } of KEY_RULES) {
    test(`put refuses ${rule}`, async () => {
      const error = await assertRefused(
        (backend) => backend.put({ key, value: bytes("v") }),
        InvalidKeyError,
        message,
      );
      assert.equal((error as InvalidKeyError).key, key);
      assert.match(error.message, /^Invalid key "/);
    });
    test(`get refuses ${rule}`, async () => {
      await assertRefused((backend) => backend.get(key), InvalidKeyError, message);
    });
    test(`delete refuses ${rule}`, async () => {
      await assertRefused((backend) => backend.delete(key), InvalidKeyError, message);
    });
  }
});

describe("list prefixes: an invalid folder is refused with InvalidKeyError and sends nothing", () => {
  const cases: { rule: string; prefix: string; message: RegExp }[] = [
    { rule: 'a leading "/"', prefix: "/a/", message: /starts with \// },
    { rule: 'a doubled trailing "/"', prefix: "a//", message: /ends with \// },
    { rule: 'an empty segment "a//b/"', prefix: "a//b/", message: /empty segment/ },
    { rule: "a lone surrogate", prefix: "a\uD800/", message: /lone UTF-16 surrogate/ },
    { rule: 'the first folder " "', prefix: " /x/", message: /first folder is " "/ },
    // " " is the Path of the root: listing it must not return the root's entries as if
    // they were inside a folder " " that no key may have.
    { rule: 'the folder " /"', prefix: " /", message: /folder is " "/ },
    { rule: 'the folder " " without a slash', prefix: " ", message: /folder is " "/ },
    {
      rule: "a folder of 2049 UTF-8 bytes (over the partition key limit)",
      prefix: `${"f".repeat(1000)}/${"g".repeat(1000)}/${"h".repeat(47)}/`,
      message: /folder is 2049 UTF-8 bytes, over DynamoDB's partition key limit of 2048/,
    },
    {
      rule: "a folder segment of 1024 bytes",
      prefix: `${SEGMENT_1024}/x/`,
      message: /is 1025 UTF-8 bytes stored/,
    },
  ];
  for (const { rule, prefix, message } of cases) {
    test(`list refuses ${rule}`, async () => {
      await assertRefused((backend) => backend.list(prefix), InvalidKeyError, message);
    });
  }
});

describe("values and entries: put refuses them before sending anything", () => {
  test("put refuses an item of 409601 bytes with ItemTooLargeError", async () => {
    const value = new Uint8Array(valueBytesFor("dir/blob", 409_601));
    const error = await assertRefused(
      (backend) => backend.put({ key: "dir/blob", value }),
      ItemTooLargeError,
      /too large: its item would be 409601 bytes, DynamoDB allows 409600/,
    ) as ItemTooLargeError;
    assert.equal(error.key, "dir/blob");
    assert.equal(error.size, 409_601);
    assert.equal(error.limit, 409_600);
  });

  test("put counts a multi-byte key in UTF-8 bytes towards the item size", async () => {
    // 4 + 1 (" ") + 3 + 3 * 100 + 5 = 313 bytes of names and key; dynalite would count
    // only 100 for the key (UTF-16 units), DynamoDB counts 300.
    const key = "\u4e2d".repeat(100);
    const value = new Uint8Array(409_600 - 313 + 1);
    const error = await assertRefused(
      (backend) => backend.put({ key, value }),
      ItemTooLargeError,
      /item would be 409601 bytes/,
    ) as ItemTooLargeError;
    assert.equal(error.size, 409_601);
  });

  const notBytes: { what: string; value: unknown; message: RegExp }[] = [
    { what: "a string", value: "text", message: /must be a Uint8Array, got string/ },
    {
      what: "an ArrayBuffer",
      value: new ArrayBuffer(4),
      message: /must be a Uint8Array, got ArrayBuffer/,
    },
    { what: "a number[]", value: [1, 2, 3], message: /must be a Uint8Array, got Array/ },
    { what: "null", value: null, message: /must be a Uint8Array, got null/ },
  ];
  for (const { what, value, message } of notBytes) {
    test(`put refuses ${what} as a value with TypeError`, async () => {
      await assertRefused(
        (backend) => backend.put({ key: "a/b", value: value as Uint8Array }),
        TypeError,
        message,
      );
    });
  }

  test("put refuses a key that is not a string with TypeError", async () => {
    await assertRefused(
      (backend) => backend.put({ key: 42 as unknown as string, value: bytes("v") }),
      TypeError,
      /Storage key must be a string, got number/,
    );
  });

  test("get refuses a key that is not a string with TypeError", async () => {
    await assertRefused(
      (backend) => backend.get(null as unknown as string),
      TypeError,
      /Storage key must be a string, got null/,
    );
  });

  test("delete refuses a key that is not a string with TypeError", async () => {
    await assertRefused(
      (backend) => backend.delete(undefined as unknown as string),
      TypeError,
      /Storage key must be a string, got undefined/,
    );
  });

  test("list refuses a prefix that is not a string with TypeError", async () => {
    await assertRefused(
      (backend) => backend.list(7 as unknown as string),
      TypeError,
      /List prefix must be a string, got number/,
    );
  });

  test("put(null) is refused with TypeError", async () => {
    await assertRefused(
      (backend) => backend.put(null as unknown as { key: string; value: Uint8Array }),
      TypeError,
      /put\(\) takes an entry \{ key, value \}, got null/,
    );
  });
});

describe("boundaries that must succeed against the real endpoint", () => {
  const cases: { what: string; key: string; value: Uint8Array; parent: string; name: string }[] = [
    {
      what: "a folder part of exactly 2048 bytes",
      key: `${FOLDER_2048}/k`,
      value: bytes("v"),
      parent: `${FOLDER_2048}/`,
      name: "k",
    },
    {
      what: "a folder part of exactly 2048 UTF-8 bytes of two-byte characters",
      key: `${WIDE_FOLDER_2048}/k`,
      value: bytes("v"),
      parent: `${WIDE_FOLDER_2048}/`,
      name: "k",
    },
    {
      what: "a last segment of exactly 1024 bytes",
      key: `seg/${SEGMENT_1024}`,
      value: bytes("v"),
      parent: "seg/",
      name: SEGMENT_1024,
    },
    {
      what: "a top-level key of exactly 1024 bytes",
      key: SEGMENT_1024,
      value: bytes("v"),
      parent: "",
      name: SEGMENT_1024,
    },
    {
      what: "a last segment of exactly 1024 UTF-8 bytes of three-byte characters",
      key: `seg/${WIDE_SEGMENT_1024}`,
      value: bytes("v"),
      parent: "seg/",
      name: WIDE_SEGMENT_1024,
    },
    {
      what: "a folder segment of exactly 1023 bytes (placeholder key of 1024)",
      key: `${"s".repeat(1023)}/v`,
      value: bytes("v"),
      parent: `${"s".repeat(1023)}/`,
      name: "v",
    },
    {
      what: "an item of exactly 409600 bytes",
      key: "dir/blob",
      value: Uint8Array.from({ length: valueBytesFor("dir/blob", 409_600) }, (_, i) => i & 0xff),
      parent: "dir/",
      name: "blob",
    },
  ];
  for (const { what, key, value, parent, name } of cases) {
    const skip = value.byteLength > 400_000 && EXACT_ITEM_LIMIT_UNSUPPORTED;
    test(`put, get, list and delete accept ${what}`, { skip }, async () => {
      await using backend = await openBackend(dynamo.endpoint);
      await backend.put({ key, value });
      const entry = await backend.get(key);
      assert.ok(entry !== null, "stored");
      assert.equal(entry.key, key);
      assert.ok(Buffer.from(entry.value).equals(Buffer.from(value)), "value reads back");
      assert.deepEqual(await backend.list(parent), [name]);
      // Every ancestor folder lists the next one.
      const segments = key.split("/");
      for (let depth = 1; depth < segments.length - 1; depth++) {
        const prefix = `${segments.slice(0, depth).join("/")}/`;
        assert.deepEqual(await backend.list(prefix), [`${segments[depth]}/`]);
      }
      await backend.delete(key);
      assert.equal(await backend.get(key), null);
      assert.deepEqual(await scanAll(rawClient(dynamo.endpoint), backend.table), []);
    });
  }
});
