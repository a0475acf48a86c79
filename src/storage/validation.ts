import { InvalidKeyError, ItemTooLargeError } from "./errors.ts";
import { ancestorFolders, placeholderItemKey, ROOT_PATH, valueItemKey } from "./key_mapping.ts";

/** DynamoDB's item limit: 400 KB, attribute names and key values included. */
export const MAX_ITEM_BYTES = 400 * 1024;
/** DynamoDB's limit on a partition key value (our `Path`). */
export const MAX_PARTITION_KEY_BYTES = 2048;
/** DynamoDB's limit on a sort key value (our `Key`). */
export const MAX_SORT_KEY_BYTES = 1024;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** UTF-8 length of a string (of well-formed UTF-16). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Checks a storage key against every rule the table imposes, so that a bad key fails
 * here, typed and explained, instead of half-way through a batch.
 *
 * @throws {TypeError} If `key` is not a string.
 * @throws {InvalidKeyError} If the key breaks a rule.
 */
export function validateKey(key: unknown): asserts key is string {
  if (typeof key !== "string") {
    throw new TypeError(`Storage key must be a string, got ${typeName(key)}`);
  }
  if (key === "") throw new InvalidKeyError(key, "it is empty", "use a non-empty key");
  if (key.startsWith("/")) {
    throw new InvalidKeyError(key, "it starts with /", "keys are relative; remove the leading /");
  }
  if (key.endsWith("/")) {
    throw new InvalidKeyError(
      key,
      "it ends with /",
      "a trailing / names a folder, which only list() accepts; remove it",
    );
  }
  if (key.includes("//")) {
    throw new InvalidKeyError(key, "it has an empty segment (//)", "remove the doubled /");
  }
  if (LONE_SURROGATE.test(key)) {
    throw new InvalidKeyError(
      key,
      "it contains a lone UTF-16 surrogate, which has no UTF-8 form",
      "pass well-formed Unicode text",
    );
  }
  if (key.startsWith(`${ROOT_PATH}/`)) {
    throw new InvalidKeyError(
      key,
      'its first folder is " ", the name the table uses for the root',
      'rename the top-level folder " "',
    );
  }
  const item = valueItemKey(key);
  if (utf8Length(item.path) > MAX_PARTITION_KEY_BYTES) {
    throw new InvalidKeyError(
      key,
      `its folder part is ${
        utf8Length(item.path)
      } UTF-8 bytes, over DynamoDB's partition key limit of ${MAX_PARTITION_KEY_BYTES}`,
      "use a shallower or shorter folder path",
    );
  }
  for (const sortKey of [item.key, ...ancestorFolders(key).map((f) => placeholderItemKey(f).key)]) {
    if (utf8Length(sortKey) > MAX_SORT_KEY_BYTES) {
      throw new InvalidKeyError(
        key,
        `its segment ${JSON.stringify(sortKey.slice(0, 40))}... is ${
          utf8Length(sortKey)
        } UTF-8 bytes stored, over DynamoDB's sort key limit of ${MAX_SORT_KEY_BYTES}`,
        "shorten that segment (folder segments store one extra byte for their /)",
      );
    }
  }
}

/**
 * Checks a listing prefix: "" for the root, otherwise a folder path ending in "/" (a
 * missing final "/" is accepted, as the reference does).
 *
 * @throws {TypeError} If `prefix` is not a string.
 * @throws {InvalidKeyError} If the folder part breaks a key rule.
 */
export function validatePrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== "string") {
    throw new TypeError(`List prefix must be a string, got ${typeName(prefix)}`);
  }
  if (prefix === "") return;
  const folder = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  // " " is the Path of the root's items: listing it would return the root's entries.
  if (folder === ROOT_PATH) {
    throw new InvalidKeyError(
      prefix,
      'its folder is " ", the name the table uses for the root',
      'list "" for the root',
    );
  }
  validateKey(folder);
  // The folder is the Query's partition key: it can hold no key past the limit.
  if (utf8Length(folder) > MAX_PARTITION_KEY_BYTES) {
    throw new InvalidKeyError(
      prefix,
      `its folder is ${
        utf8Length(folder)
      } UTF-8 bytes, over DynamoDB's partition key limit of ${MAX_PARTITION_KEY_BYTES}, so it can hold no key`,
      "list a shorter folder path",
    );
  }
}

/**
 * Checks a value and the size of the item that will hold it.
 *
 * @throws {TypeError} If `value` is not a `Uint8Array`.
 * @throws {ItemTooLargeError} If the item would exceed 400 KB.
 */
export function validateValue(key: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(
      `Value of key ${JSON.stringify(key)} must be a Uint8Array, got ${
        typeName(value)
      }; encode text with TextEncoder`,
    );
  }
  const size = valueItemSize(key, value.byteLength);
  if (size > MAX_ITEM_BYTES) throw new ItemTooLargeError(key, size, MAX_ITEM_BYTES);
}

/**
 * The size DynamoDB counts for a value item: attribute names plus values, a NULL
 * counting one byte.
 */
export function valueItemSize(key: string, valueBytes: number): number {
  const item = valueItemKey(key);
  return "Path".length + utf8Length(item.path) +
    "Key".length + utf8Length(item.key) +
    "Value".length + (valueBytes === 0 ? 1 : valueBytes);
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return typeof value;
}
