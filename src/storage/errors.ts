import { DynastoreError } from "../errors.ts";

const SHOWN_KEY_LENGTH = 120;

function shown(key: string): string {
  const text = key.length > SHOWN_KEY_LENGTH ? `${key.slice(0, SHOWN_KEY_LENGTH)}...` : key;
  return JSON.stringify(text);
}

/**
 * A storage key that cannot be stored, refused before anything is sent. The message
 * says which rule it breaks and how to fix it.
 *
 * @example
 * ```ts
 * import { InvalidKeyError } from "@dynastore/dynastore";
 *
 * const error = new InvalidKeyError("a//b", "it has an empty segment", "remove the doubled /");
 * error.key; // "a//b"
 * ```
 */
export class InvalidKeyError extends DynastoreError {
  /** The refused key. */
  readonly key: string;

  /**
   * Creates an error.
   *
   * @param key The refused key.
   * @param problem What is wrong with it.
   * @param fix What to do instead.
   */
  constructor(key: string, problem: string, fix: string) {
    super(`Invalid key ${shown(key)}: ${problem}; ${fix}`);
    this.name = "InvalidKeyError";
    this.key = key;
  }
}

/**
 * A value whose item would exceed DynamoDB's 400 KB item limit (attribute names
 * included), refused before anything is sent.
 *
 * @example
 * ```ts
 * import { ItemTooLargeError } from "@dynastore/dynastore";
 *
 * const error = new ItemTooLargeError("big", 409_601, 409_600);
 * error.size - error.limit; // 1
 * ```
 */
export class ItemTooLargeError extends DynastoreError {
  /** The key whose item is too large. */
  readonly key: string;
  /** The item's size in bytes as DynamoDB counts it. */
  readonly size: number;
  /** The most bytes an item may have. */
  readonly limit: number;

  /**
   * Creates an error.
   *
   * @param key The key.
   * @param size The item's size in bytes.
   * @param limit The limit in bytes.
   */
  constructor(key: string, size: number, limit: number) {
    super(
      `Value of key ${
        shown(key)
      } is too large: its item would be ${size} bytes, DynamoDB allows ${limit} (key and attribute names count); store it in smaller parts`,
    );
    this.name = "ItemTooLargeError";
    this.key = key;
    this.size = size;
    this.limit = limit;
  }
}

/**
 * Writes of a batch that are not known to be written when the batch writer gave up
 * (deadline, abort, or a failed request). Each may or may not have been applied;
 * writing them again is safe.
 *
 * @example
 * ```ts
 * import { UnprocessedItemsError } from "@dynastore/dynastore";
 *
 * const error = new UnprocessedItemsError([{ path: "a", key: "b/" }], "deadline passed");
 * error.items.length; // 1
 * ```
 */
export class UnprocessedItemsError extends DynastoreError {
  /** The items (as `Path`/`Key` attribute values) not known to be written. */
  readonly items: readonly { path: string; key: string }[];

  /**
   * Creates an error.
   *
   * @param items The items not known to be written.
   * @param why Why the writer stopped.
   * @param options The underlying `cause`.
   */
  constructor(items: { path: string; key: string }[], why: string, options?: ErrorOptions) {
    super(
      `${items.length} item(s) not known to be written (${why}); retry the operation: ${
        items.slice(0, 5).map((item) => `${JSON.stringify(item.path)}/${JSON.stringify(item.key)}`)
          .join(", ")
      }${items.length > 5 ? ", ..." : ""}`,
      options,
    );
    this.name = "UnprocessedItemsError";
    this.items = items;
  }
}

/**
 * An item in the table that does not have the shape the Vault format requires (e.g. a
 * `Value` that is neither binary nor NULL), or a reply that lacks what the protocol
 * promises. The table may have been written by something else.
 *
 * @example
 * ```ts
 * import { MalformedItemError } from "@dynastore/dynastore";
 *
 * new MalformedItemError("Value of \"a\" is a string, expected binary or NULL");
 * ```
 */
export class MalformedItemError extends DynastoreError {
  /**
   * Creates an error.
   *
   * @param message What is malformed.
   */
  constructor(message: string) {
    super(message);
    this.name = "MalformedItemError";
  }
}

/**
 * The table exists but cannot hold Vault data (wrong key schema), or it did not become
 * usable in time.
 *
 * @example
 * ```ts
 * import { TableError } from "@dynastore/dynastore";
 *
 * new TableError('Table "t" has key schema id (HASH); expected Path (S, HASH), Key (S, RANGE)');
 * ```
 */
export class TableError extends DynastoreError {
  /**
   * Creates an error.
   *
   * @param message What is wrong with the table and what to do.
   * @param options The underlying `cause`.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TableError";
  }
}
