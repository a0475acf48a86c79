import { type Environment, environmentCredentials } from "./credentials/environment.ts";
import { StaticCredentialsProvider } from "./credentials/static.ts";
import { CredentialsError, type CredentialsProvider } from "./credentials/types.ts";
import { ConfigError } from "./errors.ts";
import type { DynamoDBBackendOptions } from "./storage/backend.ts";

/** One parameter value as a `storage "dynamodb"` stanza gives it: HCL strings, numbers or booleans. */
export type ConfigValue = string | number | boolean | null | undefined;

/** The parameters of a `storage "dynamodb"` stanza, by their seed names. */
export type SeedConfig = Readonly<Record<string, ConfigValue>>;

/** Options of {@linkcode parseConfig}. */
export interface ParseConfigOptions {
  /** Environment variables; they win over the config. Default: none. */
  env?: Environment;
}

/**
 * Every parameter `fromConfig` accepts: the seed page's, plus `billing_mode`,
 * `dynamodb_allow_updates` and `dynamodb_max_retries` of newer Vault versions.
 */
export const CONFIG_PARAMETERS: readonly string[] = [
  "access_key",
  "billing_mode",
  "cluster_addr",
  "disable_clustering",
  "dynamodb_allow_updates",
  "dynamodb_max_retries",
  "endpoint",
  "ha_enabled",
  "max_parallel",
  "read_capacity",
  "redirect_addr",
  "region",
  "secret_key",
  "session_token",
  "table",
  "write_capacity",
];

// strconv.ParseBool's spellings: what Vault's Go code accepts.
const TRUE_WORDS = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE_WORDS = new Set(["0", "f", "F", "FALSE", "false", "False"]);
/**
 * Turns seed parameters and environment variables into options for
 * `DynamoDBBackend.open`, with the reference's precedence: an environment variable wins
 * over the config value, which wins over the default. The region is the first of
 * `AWS_DYNAMODB_REGION`, `AWS_REGION`, `AWS_DEFAULT_REGION`, `region`, `us-east-1`.
 * Credentials are the exception, as in the reference's provider chain: `access_key` /
 * `secret_key` first, then `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`. It performs no
 * I/O and reads no environment but the one passed.
 *
 * @param config The `storage "dynamodb"` parameters.
 * @param options The environment.
 * @returns Options for `DynamoDBBackend.open`.
 * @throws {ConfigError} On an unknown parameter (listing the valid ones), a bad value,
 *   one key without the other, or `ha_enabled` without `redirect_addr`.
 * @throws {CredentialsError} When neither the config nor the environment has credentials.
 *
 * @example
 * ```ts
 * import { parseConfig } from "@dynastore/dynastore";
 *
 * const options = parseConfig(
 *   { table: "vault-data", max_parallel: "64", access_key: "AKID", secret_key: "secret" },
 *   { env: { AWS_DYNAMODB_TABLE: "from-env" } },
 * );
 * options.table; // "from-env"
 * options.maxParallel; // 64
 * ```
 */
export function parseConfig(
  config: SeedConfig,
  options: ParseConfigOptions = {},
): DynamoDBBackendOptions {
  if (config === null || typeof config !== "object") {
    throw new TypeError(`Config must be an object of parameters, got ${config}`);
  }
  const env = options.env ?? {};
  for (const name of Object.keys(config)) {
    if (!CONFIG_PARAMETERS.includes(name)) {
      throw new ConfigError(
        name,
        undefined,
        `unknown parameter; valid ones are ${CONFIG_PARAMETERS.join(", ")}`,
      );
    }
  }
  const setting = (parameter: string, ...envNames: string[]) =>
    lookup(config, env, parameter, envNames);

  const haEnabled = parseBoolean(setting("ha_enabled", "DYNAMODB_HA_ENABLED")) ?? false;
  const redirectAddr = parseString(setting("redirect_addr", "VAULT_REDIRECT_ADDR"));
  if (haEnabled && redirectAddr === undefined) {
    throw new ConfigError(
      "redirect_addr",
      undefined,
      "is required when ha_enabled is true (set redirect_addr or VAULT_REDIRECT_ADDR to this node's API address)",
    );
  }
  const billingSetting = setting("billing_mode", "AWS_DYNAMODB_BILLING_MODE");
  const billingMode = parseString(billingSetting);
  if (
    billingMode !== undefined && billingMode !== "PROVISIONED" && billingMode !== "PAY_PER_REQUEST"
  ) {
    throw new ConfigError(
      billingSetting!.name,
      billingMode,
      'must be "PROVISIONED" or "PAY_PER_REQUEST"',
    );
  }
  // The reference reads -1 (its default) as "the SDK's default number of retries".
  const maxRetries = parseInteger(setting("dynamodb_max_retries", "AWS_DYNAMODB_MAX_RETRIES"), -1);
  // max_parallel below 1 means the default, as in the reference.
  const maxParallel = parseInteger(setting("max_parallel"), -Infinity);
  const result: DynamoDBBackendOptions = {
    table: parseString(setting("table", "AWS_DYNAMODB_TABLE")),
    region: parseString(
      setting("region", "AWS_DYNAMODB_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"),
    ),
    endpoint: parseString(setting("endpoint", "AWS_DYNAMODB_ENDPOINT")),
    credentials: credentialsFrom(config, env),
    maxParallel: maxParallel !== undefined && maxParallel >= 1 ? maxParallel : undefined,
    // 0 means the default capacity, as in the reference.
    readCapacity: parseInteger(setting("read_capacity", "AWS_DYNAMODB_READ_CAPACITY"), 0) ||
      undefined,
    writeCapacity: parseInteger(setting("write_capacity", "AWS_DYNAMODB_WRITE_CAPACITY"), 0) ||
      undefined,
    billingMode: billingMode as DynamoDBBackendOptions["billingMode"],
    allowUpdates: parseBoolean(setting("dynamodb_allow_updates", "AWS_DYNAMODB_ALLOW_UPDATES")),
    maxRetries: maxRetries !== undefined && maxRetries >= 0 ? maxRetries : undefined,
    haEnabled,
    redirectAddr,
    clusterAddr: parseString(setting("cluster_addr", "VAULT_CLUSTER_ADDR")),
    disableClustering: parseBoolean(setting("disable_clustering")),
  };
  for (const key of Object.keys(result) as (keyof DynamoDBBackendOptions)[]) {
    if (result[key] === undefined) delete result[key];
  }
  return result;
}

/** A raw value with the name it was found under, so errors can name the right source. */
interface Setting {
  name: string;
  value: ConfigValue;
}

function lookup(config: SeedConfig, env: Environment, parameter: string, envNames: string[]) {
  for (const name of envNames) {
    const value = env[name];
    if (value !== undefined && value !== "") return { name, value } as Setting;
  }
  const value = config[parameter];
  if (value === undefined || value === null || value === "") return undefined;
  return { name: parameter, value } as Setting;
}

function parseString(setting: Setting | undefined): string | undefined {
  if (setting === undefined) return undefined;
  if (typeof setting.value !== "string") {
    throw new ConfigError(setting.name, setting.value, "must be a string");
  }
  return setting.value;
}

function parseBoolean(setting: Setting | undefined): boolean | undefined {
  if (setting === undefined) return undefined;
  const { value } = setting;
  if (typeof value === "boolean") return value;
  const text = String(value).trim();
  if (TRUE_WORDS.has(text)) return true;
  if (FALSE_WORDS.has(text)) return false;
  throw new ConfigError(setting.name, value, 'must be a boolean ("true" or "false")');
}

function parseInteger(setting: Setting | undefined, min: number): number | undefined {
  if (setting === undefined) return undefined;
  const { value } = setting;
  const text = String(value).trim();
  const number = typeof value === "number" ? value : /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(number)) {
    throw new ConfigError(setting.name, value, "must be an integer");
  }
  if (number < min) {
    throw new ConfigError(setting.name, value, `must be an integer >= ${min}`);
  }
  return number;
}

function credentialsFrom(config: SeedConfig, env: Environment): CredentialsProvider {
  const accessKey = config.access_key;
  const secretKey = config.secret_key;
  const sessionToken = config.session_token;
  for (
    const [name, value] of [["access_key", accessKey], ["secret_key", secretKey], [
      "session_token",
      sessionToken,
    ]] as const
  ) {
    if (value !== undefined && value !== null && typeof value !== "string") {
      throw new ConfigError(name, undefined, "must be a string");
    }
  }
  const hasAccessKey = typeof accessKey === "string" && accessKey !== "";
  const hasSecretKey = typeof secretKey === "string" && secretKey !== "";
  if (hasAccessKey !== hasSecretKey) {
    throw new ConfigError(
      hasAccessKey ? "secret_key" : "access_key",
      undefined,
      `is missing while ${hasAccessKey ? "access_key" : "secret_key"} is set; set both or neither`,
    );
  }
  if (hasAccessKey && hasSecretKey) {
    return new StaticCredentialsProvider({
      accessKeyId: accessKey,
      secretAccessKey: secretKey,
      sessionToken: typeof sessionToken === "string" && sessionToken !== ""
        ? sessionToken
        : undefined,
    }, "config");
  }
  const fromEnv = environmentCredentials(env);
  if (fromEnv !== undefined) return fromEnv;
  throw new CredentialsError(
    "No AWS credentials: tried config (access_key and secret_key not set) and environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY not set); set one of them",
  );
}
