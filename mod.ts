/**
 * dynastore: Vault's DynamoDB storage backend for Deno, Node, Bun and Cloudflare
 * Workers. Hierarchical keys with folder listing in a table that Vault's Go backend
 * can read and write too, a small DynamoDB client on `fetch`, and a permit pool that
 * bounds concurrent requests. It uses web APIs only.
 *
 * @example Open from Vault-style parameters, store and list
 * ```ts
 * import { DynamoDBBackend } from "@dynastore/dynastore";
 *
 * await using backend = await DynamoDBBackend.fromConfig(
 *   { table: "vault-data", region: "eu-west-1", max_parallel: "64" },
 *   { env: Deno.env.toObject() },
 * );
 * await backend.put({ key: "app/config", value: new TextEncoder().encode("{}") });
 * console.log(await backend.list("app/")); // ["config"]
 * const entry = await backend.get("app/config");
 * ```
 *
 * @module
 */
export {
  DEFAULT_CAPACITY,
  DEFAULT_MAX_PARALLEL,
  DEFAULT_REGION,
  DEFAULT_TABLE,
  DynamoDBBackend,
  type DynamoDBBackendOptions,
  type FromConfigOptions,
  type OperationOptions,
  type StorageEntry,
} from "./src/storage/backend.ts";
export {
  InvalidKeyError,
  ItemTooLargeError,
  MalformedItemError,
  TableError,
  UnprocessedItemsError,
} from "./src/storage/errors.ts";
export {
  MAX_ITEM_BYTES,
  MAX_PARTITION_KEY_BYTES,
  MAX_SORT_KEY_BYTES,
} from "./src/storage/validation.ts";
export type { TableAction } from "./src/storage/table.ts";
export {
  CONFIG_PARAMETERS,
  type ConfigValue,
  parseConfig,
  type ParseConfigOptions,
  type SeedConfig,
} from "./src/config.ts";
export { type Permit, PermitPool } from "./src/permit_pool.ts";
export { ConfigError, DynastoreError } from "./src/errors.ts";
export * from "./src/client/mod.ts";
