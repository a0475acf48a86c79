/**
 * The bare DynamoDB client of dynastore, for use without the storage layer: the
 * JSON 1.0 protocol over `fetch`, SigV4 by aws4fetch, typed errors and the AWS SDK's
 * standard retry policy.
 *
 * @example
 * ```ts
 * import { DynamoDBClient } from "@dynastore/dynastore/client";
 *
 * const client = new DynamoDBClient({
 *   region: "us-east-1",
 *   credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
 * });
 * const { TableNames } = await client.send("ListTables", {});
 * ```
 *
 * @module
 */
export {
  type ClientStats,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DynamoDBClient,
  type DynamoDBClientOptions,
  type RequestOptions,
} from "./client.ts";
export { DynamoDBError, type DynamoDBErrorInit } from "./errors.ts";
export { DEFAULT_MAX_RETRIES, RetryQuota } from "./retry.ts";
export type * from "./types.ts";
export { DynastoreError } from "../errors.ts";
export {
  type AwsCredentials,
  CredentialsError,
  type CredentialsProvider,
  type GetCredentialsOptions,
} from "../credentials/types.ts";
export { StaticCredentialsProvider } from "../credentials/static.ts";
export { type Environment, environmentCredentials } from "../credentials/environment.ts";
