import { decodeBase64, encodeBase64 } from "../_base64.ts";
import { DynamoDBClient } from "../client/client.ts";
import type { AttributeMap, AttributeValue, BillingMode, QueryInput } from "../client/types.ts";
import { parseConfig, type SeedConfig } from "../config.ts";
import type { Environment } from "../credentials/environment.ts";
import type { AwsCredentials, CredentialsProvider } from "../credentials/types.ts";
import { ConfigError, DynastoreError } from "../errors.ts";
import { PermitPool } from "../permit_pool.ts";
import { writeBatches } from "./batch_write.ts";
import { MalformedItemError } from "./errors.ts";
import {
  ancestorFolders,
  folderPath,
  type ItemKey,
  placeholderItemKey,
  valueItemKey,
} from "./key_mapping.ts";
import { DEFAULT_TABLE_READY_TIMEOUT_MS, ensureTable, type TableAction } from "./table.ts";
import { validateKey, validatePrefix, validateValue } from "./validation.ts";

/** The table name when none is configured (the seed's default). */
export const DEFAULT_TABLE = "vault-dynamodb-backend";
/** The region when none is configured (the seed's default). */
export const DEFAULT_REGION = "us-east-1";
/** Concurrent requests when `max_parallel` is not set (the seed's default). */
export const DEFAULT_MAX_PARALLEL = 128;
/** Read and write capacity of a new provisioned table (the seed's default). */
export const DEFAULT_CAPACITY = 5;

const TABLE_NAME_PATTERN = /^[A-Za-z0-9_.-]{3,255}$/;

/** Settings of {@linkcode DynamoDBBackend.open}; the seed parameters in camelCase. */
export interface DynamoDBBackendOptions {
  /** Table name (`table`); default `vault-dynamodb-backend`. Created on first use. */
  table?: string;
  /** AWS region (`region`); default `us-east-1`. */
  region?: string;
  /** Custom endpoint (`endpoint`), e.g. `http://127.0.0.1:8000`. */
  endpoint?: string | URL;
  /** Credentials (`access_key`, `secret_key`, `session_token`) or a provider. Required. */
  credentials: AwsCredentials | CredentialsProvider;
  /** Most concurrent storage requests (`max_parallel`); default 128. */
  maxParallel?: number;
  /** Read capacity of a new table (`read_capacity`); default 5. */
  readCapacity?: number;
  /** Write capacity of a new table (`write_capacity`); default 5. */
  writeCapacity?: number;
  /** Billing mode of a new table (`billing_mode`); default `PROVISIONED`. */
  billingMode?: BillingMode;
  /** Update billing mode and capacity of an existing table (`dynamodb_allow_updates`). */
  allowUpdates?: boolean;
  /** Retries after the first attempt (`dynamodb_max_retries`); default 3. */
  maxRetries?: number;
  /** Whether this backend takes part in leader election (`ha_enabled`). */
  haEnabled?: boolean;
  /** Address advertised for client redirection (`redirect_addr`). */
  redirectAddr?: string;
  /** Address advertised for request forwarding (`cluster_addr`). */
  clusterAddr?: string;
  /** Turn request forwarding off while this node leads (`disable_clustering`). */
  disableClustering?: boolean;
  /** Time allowed for one request attempt; default 10 000 ms. */
  requestTimeoutMs?: number;
  /** Time allowed for a new or updated table to become `ACTIVE`; default 5 minutes. */
  tableReadyTimeoutMs?: number;
  /** The `fetch` to use; default the global one. */
  fetch?: typeof fetch;
  /** Abandons opening (the table check and any wait for it). */
  signal?: AbortSignal;
}

/** Options of one storage operation. */
export interface OperationOptions {
  /** Abandons the operation; a write may or may not have been applied when it fires. */
  signal?: AbortSignal;
}

/** One stored key and its value. */
export interface StorageEntry {
  /** The key, e.g. `sys/token/id/abc`. */
  key: string;
  /** The value; an empty one is stored as NULL, as the reference does. */
  value: Uint8Array;
}

/** Options of {@linkcode DynamoDBBackend.fromConfig}. */
export interface FromConfigOptions {
  /** Environment variables that override the config (pass `Deno.env.toObject()`, `process.env`, a Worker's `env`). */
  env?: Environment;
  /** The `fetch` to use; default the global one. */
  fetch?: typeof fetch;
  /** Abandons opening. */
  signal?: AbortSignal;
}

/**
 * Vault's DynamoDB storage backend: hierarchical keys with folder listing, in a table
 * that Vault's Go backend reads and writes too. Every request holds a permit of a pool
 * of `maxParallel`.
 *
 * @example Store, list and remove a key
 * ```ts
 * import { DynamoDBBackend } from "@dynastore/dynastore";
 *
 * await using backend = await DynamoDBBackend.open({
 *   table: "vault-data",
 *   endpoint: "http://127.0.0.1:8000",
 *   credentials: { accessKeyId: "local", secretAccessKey: "local" },
 * });
 * await backend.put({ key: "sys/policy/admin", value: new TextEncoder().encode("{}") });
 * await backend.list("sys/"); // ["policy/"]
 * await backend.delete("sys/policy/admin");
 * ```
 */
export class DynamoDBBackend implements AsyncDisposable {
  /** The client, for raw requests (they do not take permits). */
  readonly client: DynamoDBClient;
  /** The pool that bounds concurrent storage requests. */
  readonly permitPool: PermitPool;
  /** The table name. */
  readonly table: string;
  /** What opening did to the table. */
  readonly tableAction: TableAction;
  /** Whether this backend takes part in leader election. */
  readonly haEnabled: boolean;
  /** Address advertised for client redirection. */
  readonly redirectAddr: string | undefined;
  /** Address advertised for request forwarding. */
  readonly clusterAddr: string | undefined;
  /** Whether request forwarding is off while this node leads. */
  readonly disableClustering: boolean;

  #closed = false;
  readonly #inFlight = new Set<Promise<unknown>>();

  private constructor(
    client: DynamoDBClient,
    permitPool: PermitPool,
    table: string,
    tableAction: TableAction,
    options: DynamoDBBackendOptions,
  ) {
    this.client = client;
    this.permitPool = permitPool;
    this.table = table;
    this.tableAction = tableAction;
    this.haEnabled = options.haEnabled ?? false;
    this.redirectAddr = options.redirectAddr;
    this.clusterAddr = options.clusterAddr;
    this.disableClustering = options.disableClustering ?? false;
  }

  /**
   * Opens the backend: checks the options, then makes sure the table exists (creating
   * it, and waiting until it is `ACTIVE`, when it does not).
   *
   * @param options Table, region, credentials and limits.
   * @throws {ConfigError} On an option that cannot work (named in the message).
   * @throws {TableError} If the table exists with another key schema.
   * @throws {DynamoDBError} If the service refuses (e.g. access denied).
   */
  static async open(options: DynamoDBBackendOptions): Promise<DynamoDBBackend> {
    if (options === null || typeof options !== "object") {
      throw new TypeError(`DynamoDBBackend.open() takes an options object, got ${options}`);
    }
    const table = options.table ?? DEFAULT_TABLE;
    if (typeof table !== "string" || !TABLE_NAME_PATTERN.test(table)) {
      throw new ConfigError(
        "table",
        table,
        "DynamoDB table names are 3 to 255 characters of A-Z, a-z, 0-9, _, - and .",
      );
    }
    const maxParallel = positiveInteger("maxParallel", options.maxParallel, DEFAULT_MAX_PARALLEL);
    const readCapacity = positiveInteger("readCapacity", options.readCapacity, DEFAULT_CAPACITY);
    const writeCapacity = positiveInteger(
      "writeCapacity",
      options.writeCapacity,
      DEFAULT_CAPACITY,
    );
    const billingMode = options.billingMode ?? "PROVISIONED";
    if (billingMode !== "PROVISIONED" && billingMode !== "PAY_PER_REQUEST") {
      throw new ConfigError(
        "billingMode",
        billingMode,
        'must be "PROVISIONED" or "PAY_PER_REQUEST"',
      );
    }
    for (const flag of ["allowUpdates", "haEnabled", "disableClustering"] as const) {
      if (options[flag] !== undefined && typeof options[flag] !== "boolean") {
        throw new ConfigError(flag, options[flag], "must be a boolean");
      }
    }
    let client: DynamoDBClient;
    try {
      client = new DynamoDBClient({
        region: options.region ?? DEFAULT_REGION,
        endpoint: options.endpoint,
        credentials: options.credentials,
        maxRetries: options.maxRetries,
        requestTimeoutMs: options.requestTimeoutMs,
        fetch: options.fetch,
      });
    } catch (error) {
      if (error instanceof TypeError || error instanceof RangeError) {
        const parameter = /\b(region|endpoint|credentials|maxRetries|requestTimeoutMs)\b/
          .exec(error.message)?.[1] ?? "options";
        throw new ConfigError(parameter, undefined, error.message);
      }
      throw error;
    }
    const tableAction = await ensureTable(client, {
      table,
      billingMode,
      readCapacity,
      writeCapacity,
      allowUpdates: options.allowUpdates ?? false,
      readyTimeoutMs: options.tableReadyTimeoutMs ?? DEFAULT_TABLE_READY_TIMEOUT_MS,
    }, options.signal);
    return new DynamoDBBackend(client, new PermitPool(maxParallel), table, tableAction, options);
  }

  /**
   * Opens the backend from seed-style parameters (`table`, `ha_enabled`, ...; values
   * may be strings, as HCL gives them), with the environment variables, defaults and
   * precedence of Vault's Go backend: see {@linkcode parseConfig}.
   *
   * @param config The `storage "dynamodb"` parameters.
   * @param options The environment and transport.
   * @throws {ConfigError} On an unknown parameter or a bad value.
   * @throws {CredentialsError} When no credentials are configured anywhere.
   */
  static async fromConfig(
    config: SeedConfig,
    options: FromConfigOptions = {},
  ): Promise<DynamoDBBackend> {
    return await DynamoDBBackend.open({
      ...parseConfig(config, { env: options.env }),
      fetch: options.fetch,
      signal: options.signal,
    });
  }

  /**
   * Stores a value under a key, creating the folder placeholders that make the key
   * listable. It resolves only once the value and every placeholder are written.
   *
   * @throws {InvalidKeyError} If the key breaks a rule (nothing is written).
   * @throws {ItemTooLargeError} If the item would exceed 400 KB (nothing is written).
   * @throws {TypeError} If the value is not a `Uint8Array`.
   */
  put(entry: StorageEntry, options: OperationOptions = {}): Promise<void> {
    return this.#track(async () => {
      if (entry === null || typeof entry !== "object") {
        throw new TypeError(`put() takes an entry { key, value }, got ${entry}`);
      }
      const { key, value } = entry;
      validateKey(key);
      validateValue(key, value);
      const { signal } = options;
      const item: AttributeMap = {
        ...keyAttributes(valueItemKey(key)),
        Value: value.byteLength === 0 ? { NULL: true } : { B: encodeBase64(value) },
      };
      // The value is made durable before its placeholders are written, so a placeholder
      // never stands for a value that is not yet visible to a delete's "folder is
      // empty" check. Within one batch DynamoDB applies items in any order. Closing the
      // reference's put/delete placeholder race (a conditional placeholder delete)
      // relies on this order.
      await this.#send("PutItem", { TableName: this.table, Item: item }, signal);
      const folders = ancestorFolders(key);
      if (folders.length === 0) return;
      await writeBatches(
        (requests, batchSignal) =>
          this.#send("BatchWriteItem", { RequestItems: { [this.table]: requests } }, batchSignal),
        this.table,
        folders.map((folder) => ({
          PutRequest: { Item: keyAttributes(placeholderItemKey(folder)) },
        })),
        { signal },
      );
    });
  }

  /**
   * Reads a key.
   *
   * @returns The entry, or `null` when the key does not exist.
   * @throws {InvalidKeyError} If the key breaks a rule.
   * @throws {MalformedItemError} If the stored item is not in the Vault format.
   */
  get(key: string, options: OperationOptions = {}): Promise<StorageEntry | null> {
    return this.#track(async () => {
      validateKey(key);
      const { Item } = await this.#send("GetItem", {
        TableName: this.table,
        Key: keyAttributes(valueItemKey(key)),
        ConsistentRead: true,
      }, options.signal) as { Item?: AttributeMap };
      if (Item === undefined) return null;
      return { key, value: decodeValue(key, Item.Value) };
    });
  }

  /**
   * Deletes a key (a missing key is not an error), then removes the placeholders of
   * folders it leaves empty, deepest first, stopping at the first folder that still
   * has something in it.
   *
   * @throws {InvalidKeyError} If the key breaks a rule.
   */
  delete(key: string, options: OperationOptions = {}): Promise<void> {
    return this.#track(async () => {
      validateKey(key);
      const { signal } = options;
      await this.#send("DeleteItem", {
        TableName: this.table,
        Key: keyAttributes(valueItemKey(key)),
      }, signal);
      // The item is gone before its folder is inspected, so whatever the folder still
      // holds is another child, including a folder of the same name ("x/" beside "x").
      // The reference excludes the deleted name from that check and so also excludes
      // "x/", dropping a live folder from List (Vault PR 18600).
      for (const folder of ancestorFolders(key)) {
        if (await this.#hasChildren(folder, signal)) return;
        await this.#send("DeleteItem", {
          TableName: this.table,
          Key: keyAttributes(placeholderItemKey(folder)),
        }, signal);
      }
    });
  }

  /**
   * Lists the names directly under a folder: keys as they are, sub-folders with a
   * trailing "/", in sort-key (UTF-8 byte) order. Lock records are left out; user keys
   * starting with "_" are not (the reference hides them: Vault issue 20096). Only keys
   * cross the wire, never values, one page per request and permit.
   *
   * @param prefix "" for the top level, or a folder such as "sys/policy/".
   * @throws {InvalidKeyError} If the folder part breaks a key rule.
   */
  list(prefix: string, options: OperationOptions = {}): Promise<string[]> {
    return this.#track(async () => {
      validatePrefix(prefix);
      const names: string[] = [];
      let start: AttributeMap | undefined;
      do {
        const page = await this.#queryFolder(folderPath(prefix), start, undefined, options.signal);
        for (const item of page.items) names.push(item);
        start = page.next;
      } while (start !== undefined);
      return names;
    });
  }

  /**
   * Stops accepting operations and waits for those in flight to settle. Calling it
   * again is harmless.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled(this.#inFlight);
  }

  /** Same as {@linkcode DynamoDBBackend.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #hasChildren(folder: string, signal?: AbortSignal): Promise<boolean> {
    let start: AttributeMap | undefined;
    do {
      // Limit counts items before the lock filter drops them, so a page may come back
      // empty with more to read.
      const page = await this.#queryFolder(folder, start, 1, signal);
      if (page.items.length > 0) return true;
      start = page.next;
    } while (start !== undefined);
    return false;
  }

  async #queryFolder(
    path: string,
    start: AttributeMap | undefined,
    limit: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ items: string[]; next: AttributeMap | undefined }> {
    const input: QueryInput = {
      TableName: this.table,
      KeyConditionExpression: "#path = :path",
      // Lock records carry an Identity; nothing else in a Vault table does.
      FilterExpression: "attribute_not_exists(#identity)",
      ProjectionExpression: "#key",
      // Path, Key and Value are reserved words in DynamoDB expressions.
      ExpressionAttributeNames: { "#path": "Path", "#key": "Key", "#identity": "Identity" },
      ExpressionAttributeValues: { ":path": { S: path } },
      ConsistentRead: true,
      ...(limit === undefined ? {} : { Limit: limit }),
      ...(start === undefined ? {} : { ExclusiveStartKey: start }),
    };
    const page = await this.#send("Query", input, signal) as {
      Items?: AttributeMap[];
      LastEvaluatedKey?: AttributeMap;
    };
    if (page.Items !== undefined && !Array.isArray(page.Items)) {
      throw new MalformedItemError(`Query of folder ${JSON.stringify(path)}: Items is not a list`);
    }
    const items = (page.Items ?? []).map((item) => {
      const key = (item?.Key as { S?: unknown } | undefined)?.S;
      if (typeof key !== "string") {
        throw new MalformedItemError(
          `An item in folder ${JSON.stringify(path)} has no string Key attribute`,
        );
      }
      return key;
    });
    return { items, next: page.LastEvaluatedKey };
  }

  /** Sends one request holding one permit of the pool. */
  async #send(
    operation: string,
    input: unknown,
    signal: AbortSignal | undefined,
  ): Promise<Record<string, unknown>> {
    const permit = await this.permitPool.acquire(signal);
    try {
      return await this.client.send(operation, input, { signal });
    } finally {
      permit.release();
    }
  }

  /** Runs an operation unless closed, and remembers it until it settles, for close(). */
  #track<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#closed) {
      return Promise.reject(
        new DynastoreError(`Backend for table "${this.table}" is closed; open a new one`),
      );
    }
    const running = operation();
    const settled = running.then(() => {}, () => {});
    this.#inFlight.add(settled);
    settled.then(() => this.#inFlight.delete(settled));
    return running;
  }
}

function keyAttributes(item: ItemKey): AttributeMap {
  return { Path: { S: item.path }, Key: { S: item.key } };
}

function decodeValue(key: string, value: AttributeValue | undefined): Uint8Array {
  if (value === undefined || "NULL" in value) return new Uint8Array(0);
  if ("B" in value && typeof value.B === "string") return decodeBase64(value.B);
  throw new MalformedItemError(
    `Value of key ${JSON.stringify(key)} is of type ${
      Object.keys(value)[0]
    }; the Vault format stores binary (B) or NULL`,
  );
}

function positiveInteger(parameter: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new ConfigError(parameter, value, "must be an integer >= 1");
  }
  return value;
}
