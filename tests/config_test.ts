// parseConfig and DynamoDBBackend.fromConfig: every seed parameter and environment
// variable, their precedence, the defaults open() applies, credentials, value errors and
// that secrets never reach an error.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import {
  type AwsCredentials,
  CONFIG_PARAMETERS,
  ConfigError,
  CredentialsError,
  type CredentialsProvider,
  DEFAULT_CAPACITY,
  DEFAULT_MAX_PARALLEL,
  DEFAULT_MAX_RETRIES,
  DEFAULT_REGION,
  DEFAULT_TABLE,
  DynamoDBBackend,
  type DynamoDBBackendOptions,
  type Environment,
  parseConfig,
  type SeedConfig,
} from "../mod.ts";
import { useEmbeddedDynamoDB } from "./support/embedded_dynamodb.ts";
import { freshTableName, rawClient } from "./support/fixtures.ts";

const dynamo = useEmbeddedDynamoDB();

const CONFIG_KEYS = { access_key: "AKIDFROMCONFIG", secret_key: "config-secret-Zq81" } as const;
const ENV_KEYS = {
  AWS_ACCESS_KEY_ID: "AKIDFROMENV",
  AWS_SECRET_ACCESS_KEY: "env-secret-Wp27",
} as const;

/** The parsed options without the credentials provider, for exact comparisons. */
function withoutCredentials(options: DynamoDBBackendOptions): Record<string, unknown> {
  const { credentials: _credentials, ...rest } = options;
  return rest;
}

/** What the parsed credentials provider resolves to. */
function credentialsOf(options: DynamoDBBackendOptions): Promise<AwsCredentials> {
  const provider = options.credentials as CredentialsProvider;
  assert.equal(typeof provider.getCredentials, "function", "credentials should be a provider");
  return provider.getCredentials();
}

/** Every way an error may be shown: none of them may contain a secret. */
function assertShowsNoSecret(error: unknown, secrets: string[]): void {
  const renderings = {
    "String(error)": String(error),
    "error.message": (error as Error).message,
    "JSON.stringify(error)": JSON.stringify(error),
    "inspect(error)": inspect(error),
  };
  for (const [how, text] of Object.entries(renderings)) {
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), `${how} shows the secret value: ${text}`);
    }
  }
}

/** Runs `fn`, which must throw; returns what it threw. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  assert.fail("expected an error, but nothing was thrown");
}

describe("parseConfig: each parameter, from the config and from its environment variable", () => {
  interface Case {
    name: string;
    config: SeedConfig;
    env?: Environment;
    /** The whole parsed result, credentials left out. */
    expected: Record<string, unknown>;
  }
  const cases: Case[] = [
    {
      name: "no parameters give only haEnabled false (open() supplies the other defaults)",
      config: {},
      expected: { haEnabled: false },
    },
    // table / AWS_DYNAMODB_TABLE
    { name: "table from config", config: { table: "cfg-table" }, expected: t("cfg-table") },
    {
      name: "AWS_DYNAMODB_TABLE wins over table",
      config: { table: "cfg-table" },
      env: { AWS_DYNAMODB_TABLE: "env-table" },
      expected: t("env-table"),
    },
    {
      name: "an empty AWS_DYNAMODB_TABLE counts as unset",
      config: { table: "cfg-table" },
      env: { AWS_DYNAMODB_TABLE: "" },
      expected: t("cfg-table"),
    },
    // endpoint / AWS_DYNAMODB_ENDPOINT
    {
      name: "endpoint from config",
      config: { endpoint: "http://cfg.example:8000" },
      expected: { haEnabled: false, endpoint: "http://cfg.example:8000" },
    },
    {
      name: "AWS_DYNAMODB_ENDPOINT wins over endpoint",
      config: { endpoint: "http://cfg.example:8000" },
      env: { AWS_DYNAMODB_ENDPOINT: "http://env.example:9000" },
      expected: { haEnabled: false, endpoint: "http://env.example:9000" },
    },
    // region and its three environment variables
    { name: "region from config", config: { region: "ap-south-1" }, expected: r("ap-south-1") },
    {
      name: "AWS_DEFAULT_REGION wins over region",
      config: { region: "ap-south-1" },
      env: { AWS_DEFAULT_REGION: "eu-west-3" },
      expected: r("eu-west-3"),
    },
    {
      name: "AWS_REGION wins over AWS_DEFAULT_REGION",
      config: { region: "ap-south-1" },
      env: { AWS_DEFAULT_REGION: "eu-west-3", AWS_REGION: "eu-west-2" },
      expected: r("eu-west-2"),
    },
    {
      name: "AWS_DYNAMODB_REGION wins over AWS_REGION and AWS_DEFAULT_REGION",
      config: { region: "ap-south-1" },
      env: {
        AWS_DEFAULT_REGION: "eu-west-3",
        AWS_REGION: "eu-west-2",
        AWS_DYNAMODB_REGION: "eu-west-1",
      },
      expected: r("eu-west-1"),
    },
    {
      name: "AWS_DEFAULT_REGION alone is used without a region parameter",
      config: {},
      env: { AWS_DEFAULT_REGION: "sa-east-1" },
      expected: r("sa-east-1"),
    },
    // read_capacity / AWS_DYNAMODB_READ_CAPACITY
    {
      name: "read_capacity as an HCL string",
      config: { read_capacity: "10" },
      expected: { haEnabled: false, readCapacity: 10 },
    },
    {
      name: "read_capacity as a number",
      config: { read_capacity: 12 },
      expected: { haEnabled: false, readCapacity: 12 },
    },
    {
      name: 'read_capacity "0" means the default (left to open)',
      config: { read_capacity: "0" },
      expected: { haEnabled: false },
    },
    {
      name: "AWS_DYNAMODB_READ_CAPACITY wins over read_capacity",
      config: { read_capacity: "10" },
      env: { AWS_DYNAMODB_READ_CAPACITY: "20" },
      expected: { haEnabled: false, readCapacity: 20 },
    },
    // write_capacity / AWS_DYNAMODB_WRITE_CAPACITY
    {
      name: "write_capacity as an HCL string",
      config: { write_capacity: "15" },
      expected: { haEnabled: false, writeCapacity: 15 },
    },
    {
      name: 'write_capacity "0" means the default (left to open)',
      config: { write_capacity: "0" },
      expected: { haEnabled: false },
    },
    {
      name: "AWS_DYNAMODB_WRITE_CAPACITY wins over write_capacity",
      config: { write_capacity: "15" },
      env: { AWS_DYNAMODB_WRITE_CAPACITY: "25" },
      expected: { haEnabled: false, writeCapacity: 25 },
    },
    // billing_mode / AWS_DYNAMODB_BILLING_MODE
    {
      name: "billing_mode PAY_PER_REQUEST from config",
      config: { billing_mode: "PAY_PER_REQUEST" },
      expected: { haEnabled: false, billingMode: "PAY_PER_REQUEST" },
    },
    {
      name: "AWS_DYNAMODB_BILLING_MODE wins over billing_mode",
      config: { billing_mode: "PAY_PER_REQUEST" },
      env: { AWS_DYNAMODB_BILLING_MODE: "PROVISIONED" },
      expected: { haEnabled: false, billingMode: "PROVISIONED" },
    },
    // dynamodb_allow_updates / AWS_DYNAMODB_ALLOW_UPDATES
    {
      name: 'dynamodb_allow_updates "true"',
      config: { dynamodb_allow_updates: "true" },
      expected: { haEnabled: false, allowUpdates: true },
    },
    {
      name: 'dynamodb_allow_updates "1"',
      config: { dynamodb_allow_updates: "1" },
      expected: { haEnabled: false, allowUpdates: true },
    },
    {
      name: 'dynamodb_allow_updates "false"',
      config: { dynamodb_allow_updates: "false" },
      expected: { haEnabled: false, allowUpdates: false },
    },
    {
      name: "dynamodb_allow_updates as an HCL boolean",
      config: { dynamodb_allow_updates: true },
      expected: { haEnabled: false, allowUpdates: true },
    },
    {
      name: "AWS_DYNAMODB_ALLOW_UPDATES wins over dynamodb_allow_updates",
      config: { dynamodb_allow_updates: "true" },
      env: { AWS_DYNAMODB_ALLOW_UPDATES: "false" },
      expected: { haEnabled: false, allowUpdates: false },
    },
    // dynamodb_max_retries / AWS_DYNAMODB_MAX_RETRIES
    {
      name: 'dynamodb_max_retries "5"',
      config: { dynamodb_max_retries: "5" },
      expected: { haEnabled: false, maxRetries: 5 },
    },
    {
      name: 'dynamodb_max_retries "0" disables retries',
      config: { dynamodb_max_retries: "0" },
      expected: { haEnabled: false, maxRetries: 0 },
    },
    {
      name: 'dynamodb_max_retries "-1" means the default (left to open)',
      config: { dynamodb_max_retries: "-1" },
      expected: { haEnabled: false },
    },
    {
      name: "AWS_DYNAMODB_MAX_RETRIES wins over dynamodb_max_retries",
      config: { dynamodb_max_retries: "5" },
      env: { AWS_DYNAMODB_MAX_RETRIES: "7" },
      expected: { haEnabled: false, maxRetries: 7 },
    },
    // max_parallel (no environment variable)
    {
      name: 'max_parallel "128" as an HCL string',
      config: { max_parallel: "128" },
      expected: { haEnabled: false, maxParallel: 128 },
    },
    {
      name: "max_parallel as a number",
      config: { max_parallel: 7 },
      expected: { haEnabled: false, maxParallel: 7 },
    },
    {
      name: 'max_parallel "0" means the default (left to open)',
      config: { max_parallel: "0" },
      expected: { haEnabled: false },
    },
    {
      name: 'max_parallel "-3" means the default (left to open)',
      config: { max_parallel: "-3" },
      expected: { haEnabled: false },
    },
    {
      name: "max_parallel has no environment variable",
      config: { max_parallel: "64" },
      env: { AWS_DYNAMODB_MAX_PARALLEL: "3", MAX_PARALLEL: "3", VAULT_MAX_PARALLEL: "3" },
      expected: { haEnabled: false, maxParallel: 64 },
    },
    // ha_enabled / DYNAMODB_HA_ENABLED, redirect_addr / VAULT_REDIRECT_ADDR
    {
      name: 'ha_enabled "true" with redirect_addr',
      config: { ha_enabled: "true", redirect_addr: "https://a.example:8200" },
      expected: { haEnabled: true, redirectAddr: "https://a.example:8200" },
    },
    {
      name: "ha_enabled as an HCL boolean, with VAULT_REDIRECT_ADDR",
      config: { ha_enabled: true },
      env: { VAULT_REDIRECT_ADDR: "https://env.example:8200" },
      expected: { haEnabled: true, redirectAddr: "https://env.example:8200" },
    },
    {
      name: "DYNAMODB_HA_ENABLED turns HA on without the parameter",
      config: { redirect_addr: "https://a.example:8200" },
      env: { DYNAMODB_HA_ENABLED: "1" },
      expected: { haEnabled: true, redirectAddr: "https://a.example:8200" },
    },
    {
      name: "DYNAMODB_HA_ENABLED false wins over ha_enabled true (no redirect_addr needed)",
      config: { ha_enabled: "true" },
      env: { DYNAMODB_HA_ENABLED: "false" },
      expected: { haEnabled: false },
    },
    {
      name: "VAULT_REDIRECT_ADDR wins over redirect_addr",
      config: { redirect_addr: "https://cfg.example:8200" },
      env: { VAULT_REDIRECT_ADDR: "https://env.example:8200" },
      expected: { haEnabled: false, redirectAddr: "https://env.example:8200" },
    },
    // cluster_addr / VAULT_CLUSTER_ADDR
    {
      name: "cluster_addr from config",
      config: { cluster_addr: "https://cfg.example:8201" },
      expected: { haEnabled: false, clusterAddr: "https://cfg.example:8201" },
    },
    {
      name: "VAULT_CLUSTER_ADDR wins over cluster_addr",
      config: { cluster_addr: "https://cfg.example:8201" },
      env: { VAULT_CLUSTER_ADDR: "https://env.example:8201" },
      expected: { haEnabled: false, clusterAddr: "https://env.example:8201" },
    },
    // disable_clustering
    {
      name: 'disable_clustering "true"',
      config: { disable_clustering: "true" },
      expected: { haEnabled: false, disableClustering: true },
    },
    {
      name: 'disable_clustering "false"',
      config: { disable_clustering: "false" },
      expected: { haEnabled: false, disableClustering: false },
    },
    {
      name: "every non-credential parameter at once",
      config: {
        table: "all-table",
        endpoint: "http://all.example",
        region: "us-west-2",
        read_capacity: "3",
        write_capacity: "4",
        billing_mode: "PROVISIONED",
        dynamodb_allow_updates: "true",
        dynamodb_max_retries: "2",
        max_parallel: "9",
        ha_enabled: "true",
        redirect_addr: "https://r.example",
        cluster_addr: "https://c.example",
        disable_clustering: "true",
      },
      expected: {
        table: "all-table",
        endpoint: "http://all.example",
        region: "us-west-2",
        readCapacity: 3,
        writeCapacity: 4,
        billingMode: "PROVISIONED",
        allowUpdates: true,
        maxRetries: 2,
        maxParallel: 9,
        haEnabled: true,
        redirectAddr: "https://r.example",
        clusterAddr: "https://c.example",
        disableClustering: true,
      },
    },
  ];
  function t(table: string) {
    return { haEnabled: false, table };
  }
  function r(region: string) {
    return { haEnabled: false, region };
  }

  for (const c of cases) {
    test(c.name, () => {
      const options = parseConfig({ ...CONFIG_KEYS, ...c.config }, { env: c.env });
      assert.deepEqual(withoutCredentials(options), c.expected);
    });
  }

  test("every CONFIG_PARAMETERS entry is accepted", () => {
    assert.deepEqual([...CONFIG_PARAMETERS].sort(), [
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
    ]);
    // Each name parses on its own with a value it accepts.
    const sample: Record<string, string> = {
      billing_mode: "PROVISIONED",
      cluster_addr: "https://c.example",
      disable_clustering: "false",
      dynamodb_allow_updates: "false",
      dynamodb_max_retries: "1",
      endpoint: "http://e.example",
      ha_enabled: "false",
      max_parallel: "2",
      read_capacity: "2",
      redirect_addr: "https://r.example",
      region: "us-east-2",
      session_token: "tok",
      table: "tbl",
      write_capacity: "2",
    };
    for (const name of CONFIG_PARAMETERS) {
      if (name === "access_key" || name === "secret_key") continue;
      assert.ok(name in sample, `no sample value for ${name}`);
      parseConfig({ ...CONFIG_KEYS, [name]: sample[name] });
    }
  });

  test("the process environment is never read, only the env passed", () => {
    const saved = ["AWS_DYNAMODB_TABLE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"].map(
      (name) => [name, Deno.env.get(name)] as const,
    );
    Deno.env.set("AWS_DYNAMODB_TABLE", "from-process-env");
    Deno.env.set("AWS_ACCESS_KEY_ID", "AKIDPROCESS");
    Deno.env.set("AWS_SECRET_ACCESS_KEY", "process-secret");
    try {
      const options = parseConfig({ ...CONFIG_KEYS, table: "from-config" });
      assert.equal(options.table, "from-config");
      assert.throws(() => parseConfig({}), CredentialsError);
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) Deno.env.delete(name);
        else Deno.env.set(name, value);
      }
    }
  });
});

describe("parseConfig: credentials", () => {
  test("config keys win over environment keys", async () => {
    const options = parseConfig(
      { ...CONFIG_KEYS },
      { env: { ...ENV_KEYS, AWS_SESSION_TOKEN: "env-token" } },
    );
    const credentials = await credentialsOf(options);
    assert.equal(credentials.accessKeyId, "AKIDFROMCONFIG");
    assert.equal(credentials.secretAccessKey, "config-secret-Zq81");
    // The environment's session token belongs to the environment's keys: not mixed in.
    assert.equal(credentials.sessionToken, undefined);
  });

  test("session_token goes with the config keys", async () => {
    const options = parseConfig({ ...CONFIG_KEYS, session_token: "cfg-token" }, {
      env: { ...ENV_KEYS, AWS_SESSION_TOKEN: "env-token" },
    });
    const credentials = await credentialsOf(options);
    assert.equal(credentials.accessKeyId, "AKIDFROMCONFIG");
    assert.equal(credentials.sessionToken, "cfg-token");
  });

  test("environment keys and AWS_SESSION_TOKEN are used when the config has no keys", async () => {
    const options = parseConfig({}, { env: { ...ENV_KEYS, AWS_SESSION_TOKEN: "env-token" } });
    const credentials = await credentialsOf(options);
    assert.equal(credentials.accessKeyId, "AKIDFROMENV");
    assert.equal(credentials.secretAccessKey, "env-secret-Wp27");
    assert.equal(credentials.sessionToken, "env-token");
  });

  test("empty access_key and secret_key count as unset, so the environment is used", async () => {
    const options = parseConfig({ access_key: "", secret_key: "" }, { env: ENV_KEYS });
    assert.equal((await credentialsOf(options)).accessKeyId, "AKIDFROMENV");
  });

  test("access_key without secret_key is a ConfigError naming secret_key, even with env keys", () => {
    const error = thrownBy(() => parseConfig({ access_key: "AKIDFROMCONFIG" }, { env: ENV_KEYS }));
    assert.ok(error instanceof ConfigError, `got ${error}`);
    assert.equal(error.parameter, "secret_key");
    assert.equal(error.value, undefined);
  });

  test("secret_key without access_key is a ConfigError naming access_key", () => {
    const error = thrownBy(() => parseConfig({ secret_key: "lonely-secret-Hh3" }));
    assert.ok(error instanceof ConfigError, `got ${error}`);
    assert.equal(error.parameter, "access_key");
    assertShowsNoSecret(error, ["lonely-secret-Hh3"]);
  });

  test("AWS_ACCESS_KEY_ID without AWS_SECRET_ACCESS_KEY is a CredentialsError naming the missing one", () => {
    const error = thrownBy(() => parseConfig({}, { env: { AWS_ACCESS_KEY_ID: "AKIDFROMENV" } }));
    assert.ok(error instanceof CredentialsError, `got ${error}`);
    assert.match(error.message, /AWS_SECRET_ACCESS_KEY/);
  });

  test("AWS_SECRET_ACCESS_KEY without AWS_ACCESS_KEY_ID is a CredentialsError naming the missing one", () => {
    const error = thrownBy(() =>
      parseConfig({}, {
        env: { AWS_SECRET_ACCESS_KEY: "env-secret-Wp27", AWS_SESSION_TOKEN: "env-tok-Kk9" },
      })
    );
    assert.ok(error instanceof CredentialsError, `got ${error}`);
    assert.match(error.message, /AWS_ACCESS_KEY_ID/);
    assertShowsNoSecret(error, ["env-secret-Wp27", "env-tok-Kk9"]);
  });

  test("no credentials anywhere is a CredentialsError naming both sources", () => {
    const error = thrownBy(() => parseConfig({ table: "x-table" }, { env: {} }));
    assert.ok(error instanceof CredentialsError, `got ${error}`);
    assert.ok(!(error instanceof ConfigError));
    assert.match(error.message, /access_key/);
    assert.match(error.message, /AWS_ACCESS_KEY_ID/);
  });

  test("session_token alone is not credentials", () => {
    const error = thrownBy(() => parseConfig({ session_token: "only-token-Pp4" }));
    assert.ok(error instanceof CredentialsError, `got ${error}`);
    assertShowsNoSecret(error, ["only-token-Pp4"]);
  });

  test("the parsed options do not show the secret when serialised or inspected", () => {
    const options = parseConfig({ ...CONFIG_KEYS, session_token: "cfg-token-Yy5" });
    for (const text of [JSON.stringify(options), inspect(options, { depth: 10 })]) {
      assert.ok(!text.includes("config-secret-Zq81"), text);
      assert.ok(!text.includes("cfg-token-Yy5"), text);
    }
  });
});

describe("parseConfig: bad values", () => {
  interface BadCase {
    name: string;
    config: SeedConfig;
    env?: Environment;
    parameter: string;
    value: unknown;
  }
  const cases: BadCase[] = [
    {
      name: 'max_parallel "lots"',
      config: { max_parallel: "lots" },
      parameter: "max_parallel",
      value: "lots",
    },
    {
      name: 'max_parallel "1e3" (not an integer literal)',
      config: { max_parallel: "1e3" },
      parameter: "max_parallel",
      value: "1e3",
    },
    {
      name: 'ha_enabled "maybe"',
      config: { ha_enabled: "maybe" },
      parameter: "ha_enabled",
      value: "maybe",
    },
    {
      name: 'DYNAMODB_HA_ENABLED "maybe" is named as the env var',
      config: { ha_enabled: "true", redirect_addr: "https://r.example" },
      env: { DYNAMODB_HA_ENABLED: "maybe" },
      parameter: "DYNAMODB_HA_ENABLED",
      value: "maybe",
    },
    {
      name: 'read_capacity "-1"',
      config: { read_capacity: "-1" },
      parameter: "read_capacity",
      value: "-1",
    },
    {
      name: 'AWS_DYNAMODB_READ_CAPACITY "-1" is named as the env var',
      config: { read_capacity: "10" },
      env: { AWS_DYNAMODB_READ_CAPACITY: "-1" },
      parameter: "AWS_DYNAMODB_READ_CAPACITY",
      value: "-1",
    },
    {
      name: 'write_capacity "2.5"',
      config: { write_capacity: "2.5" },
      parameter: "write_capacity",
      value: "2.5",
    },
    {
      name: "write_capacity 2.5 as a number",
      config: { write_capacity: 2.5 },
      parameter: "write_capacity",
      value: 2.5,
    },
    {
      name: 'AWS_DYNAMODB_WRITE_CAPACITY "2.5" is named as the env var',
      config: {},
      env: { AWS_DYNAMODB_WRITE_CAPACITY: "2.5" },
      parameter: "AWS_DYNAMODB_WRITE_CAPACITY",
      value: "2.5",
    },
    {
      name: 'billing_mode "FREE"',
      config: { billing_mode: "FREE" },
      parameter: "billing_mode",
      value: "FREE",
    },
    {
      name: 'billing_mode in lower case ("pay_per_request")',
      config: { billing_mode: "pay_per_request" },
      parameter: "billing_mode",
      value: "pay_per_request",
    },
    {
      name: 'AWS_DYNAMODB_BILLING_MODE "FREE" is named as the env var',
      config: { billing_mode: "PROVISIONED" },
      env: { AWS_DYNAMODB_BILLING_MODE: "FREE" },
      parameter: "AWS_DYNAMODB_BILLING_MODE",
      value: "FREE",
    },
    {
      name: 'dynamodb_max_retries "x"',
      config: { dynamodb_max_retries: "x" },
      parameter: "dynamodb_max_retries",
      value: "x",
    },
    {
      name: 'dynamodb_max_retries "-2" (below the -1 that means default)',
      config: { dynamodb_max_retries: "-2" },
      parameter: "dynamodb_max_retries",
      value: "-2",
    },
    {
      name: 'AWS_DYNAMODB_MAX_RETRIES "x" is named as the env var',
      config: {},
      env: { AWS_DYNAMODB_MAX_RETRIES: "x" },
      parameter: "AWS_DYNAMODB_MAX_RETRIES",
      value: "x",
    },
    {
      name: 'dynamodb_allow_updates "yes"',
      config: { dynamodb_allow_updates: "yes" },
      parameter: "dynamodb_allow_updates",
      value: "yes",
    },
    {
      name: 'AWS_DYNAMODB_ALLOW_UPDATES "yes" is named as the env var',
      config: {},
      env: { AWS_DYNAMODB_ALLOW_UPDATES: "yes" },
      parameter: "AWS_DYNAMODB_ALLOW_UPDATES",
      value: "yes",
    },
    {
      name: 'disable_clustering "sometimes"',
      config: { disable_clustering: "sometimes" },
      parameter: "disable_clustering",
      value: "sometimes",
    },
    { name: "table given as a number", config: { table: 42 }, parameter: "table", value: 42 },
    {
      name: "region given as a boolean",
      config: { region: true },
      parameter: "region",
      value: true,
    },
    {
      name: "ha_enabled true without redirect_addr",
      config: { ha_enabled: "true" },
      parameter: "redirect_addr",
      value: undefined,
    },
    {
      name: "DYNAMODB_HA_ENABLED true without redirect_addr",
      config: {},
      env: { DYNAMODB_HA_ENABLED: "true" },
      parameter: "redirect_addr",
      value: undefined,
    },
  ];

  for (const c of cases) {
    test(`${c.name} is a ConfigError naming ${c.parameter}`, () => {
      const error = thrownBy(() => parseConfig({ ...CONFIG_KEYS, ...c.config }, { env: c.env }));
      assert.ok(error instanceof ConfigError, `got ${error}`);
      assert.equal(error.parameter, c.parameter);
      assert.deepEqual(error.value, c.value);
      assert.ok(error.message.includes(c.parameter), error.message);
      if (c.value !== undefined) {
        assert.ok(error.message.includes(JSON.stringify(c.value)), error.message);
      }
      assertShowsNoSecret(error, [CONFIG_KEYS.secret_key]);
    });
  }

  test("ha_enabled true is fine with VAULT_REDIRECT_ADDR instead of redirect_addr", () => {
    const options = parseConfig({ ...CONFIG_KEYS, ha_enabled: "true" }, {
      env: { VAULT_REDIRECT_ADDR: "https://env.example:8200" },
    });
    assert.equal(options.haEnabled, true);
    assert.equal(options.redirectAddr, "https://env.example:8200");
  });

  test("the redirect_addr error says how to fix it", () => {
    const error = thrownBy(() => parseConfig({ ...CONFIG_KEYS, ha_enabled: true }));
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /VAULT_REDIRECT_ADDR/);
  });

  test("an unknown parameter is a ConfigError listing every valid parameter", () => {
    const error = thrownBy(() => parseConfig({ ...CONFIG_KEYS, tabel: "typo" }));
    assert.ok(error instanceof ConfigError, `got ${error}`);
    assert.equal(error.parameter, "tabel");
    for (const name of CONFIG_PARAMETERS) {
      assert.ok(error.message.includes(name), `message does not list ${name}: ${error.message}`);
    }
  });

  test("an unknown parameter's value is not shown (it may be a misspelt secret)", () => {
    const error = thrownBy(() => parseConfig({ ...CONFIG_KEYS, secret_kye: "typo-secret-Rr6" }));
    assert.ok(error instanceof ConfigError, `got ${error}`);
    assert.equal(error.parameter, "secret_kye");
    assertShowsNoSecret(error, ["typo-secret-Rr6"]);
  });

  test("a config that is not an object is a TypeError", () => {
    assert.throws(() => parseConfig(null as unknown as SeedConfig), TypeError);
    assert.throws(() => parseConfig("table=x" as unknown as SeedConfig), TypeError);
  });
});

describe("parseConfig: secrets never appear in errors", () => {
  const cases: { name: string; config: SeedConfig; env?: Environment; secrets: string[] }[] = [
    {
      name: "secret_key given as a number",
      config: { access_key: "AKIDX", secret_key: 98765432123 },
      secrets: ["98765432123"],
    },
    {
      name: "session_token given as a number",
      config: { ...CONFIG_KEYS, session_token: 55512349876 },
      secrets: ["55512349876", CONFIG_KEYS.secret_key],
    },
    {
      name: "access_key given as a number beside a string secret_key",
      config: { access_key: 1234, secret_key: "beside-secret-Tt8" },
      secrets: ["beside-secret-Tt8"],
    },
    {
      name: "access_key without secret_key but with session_token",
      config: { access_key: "AKIDX", session_token: "orphan-token-Uu1" },
      secrets: ["orphan-token-Uu1"],
    },
    {
      name: "a bad max_parallel while secret_key and session_token are set",
      config: { ...CONFIG_KEYS, session_token: "ok-token-Ii2", max_parallel: "lots" },
      secrets: [CONFIG_KEYS.secret_key, "ok-token-Ii2"],
    },
    {
      name: "AWS_SECRET_ACCESS_KEY without AWS_ACCESS_KEY_ID",
      config: {},
      env: { AWS_SECRET_ACCESS_KEY: "env-only-secret-Oo3", AWS_SESSION_TOKEN: "env-tok-Oo4" },
      secrets: ["env-only-secret-Oo3", "env-tok-Oo4"],
    },
  ];
  for (const c of cases) {
    test(`${c.name}: the error shows no secret`, () => {
      const error = thrownBy(() => parseConfig(c.config, { env: c.env }));
      assert.ok(error instanceof ConfigError || error instanceof CredentialsError, `got ${error}`);
      if (error instanceof ConfigError) {
        assert.ok(CONFIG_PARAMETERS.includes(error.parameter), error.parameter);
      }
      assertShowsNoSecret(error, c.secrets);
    });
  }

  test("secret_key given as a number is a ConfigError naming secret_key with no value", () => {
    const error = thrownBy(() => parseConfig({ access_key: "AKIDX", secret_key: 98765432123 }));
    assert.ok(error instanceof ConfigError, `got ${error}`);
    assert.equal(error.parameter, "secret_key");
    assert.equal(error.value, undefined);
  });
});

describe("DynamoDBBackend.fromConfig against the embedded endpoint", () => {
  test("no parameters: default table, region, pool, retries and 5/5 capacity", async () => {
    await using backend = await DynamoDBBackend.fromConfig({}, {
      env: { AWS_DYNAMODB_ENDPOINT: dynamo.endpoint, ...ENV_KEYS },
    });
    assert.equal(backend.table, DEFAULT_TABLE);
    assert.equal(backend.table, "vault-dynamodb-backend");
    assert.equal(backend.client.region, DEFAULT_REGION);
    assert.equal(backend.client.region, "us-east-1");
    assert.equal(backend.permitPool.size, DEFAULT_MAX_PARALLEL);
    assert.equal(backend.permitPool.size, 128);
    assert.equal(backend.client.maxRetries, DEFAULT_MAX_RETRIES);
    assert.equal(backend.haEnabled, false);
    assert.equal(backend.redirectAddr, undefined);
    assert.equal(backend.clusterAddr, undefined);
    assert.equal(backend.disableClustering, false);
    assert.equal(backend.client.endpoint.origin, dynamo.endpoint);
    assert.equal(backend.tableAction, "created");
    const { Table } = await rawClient(dynamo.endpoint).describeTable({ TableName: DEFAULT_TABLE });
    assert.equal(Table?.BillingModeSummary?.BillingMode ?? "PROVISIONED", "PROVISIONED");
    assert.equal(Table?.ProvisionedThroughput?.ReadCapacityUnits, DEFAULT_CAPACITY);
    assert.equal(Table?.ProvisionedThroughput?.WriteCapacityUnits, 5);
  });

  test("every parameter from the config reaches the opened backend", async () => {
    const table = freshTableName("cfg");
    await using backend = await DynamoDBBackend.fromConfig({
      ...CONFIG_KEYS,
      endpoint: dynamo.endpoint,
      table,
      region: "eu-central-1",
      max_parallel: "7",
      dynamodb_max_retries: "2",
      read_capacity: "3",
      write_capacity: "4",
      billing_mode: "PROVISIONED",
      dynamodb_allow_updates: "false",
      ha_enabled: "true",
      redirect_addr: "https://node-a.example:8200",
      cluster_addr: "https://node-a.example:8201",
      disable_clustering: "true",
    }, { env: {} });
    assert.equal(backend.table, table);
    assert.equal(backend.client.region, "eu-central-1");
    assert.equal(backend.permitPool.size, 7);
    assert.equal(backend.client.maxRetries, 2);
    assert.equal(backend.haEnabled, true);
    assert.equal(backend.redirectAddr, "https://node-a.example:8200");
    assert.equal(backend.clusterAddr, "https://node-a.example:8201");
    assert.equal(backend.disableClustering, true);
    assert.equal(backend.tableAction, "created");
    const { Table } = await rawClient(dynamo.endpoint, "eu-central-1").describeTable({
      TableName: table,
    });
    assert.equal(Table?.ProvisionedThroughput?.ReadCapacityUnits, 3);
    assert.equal(Table?.ProvisionedThroughput?.WriteCapacityUnits, 4);
  });

  test('"0" capacities, max_parallel "0" or "-3" and max_retries "-1" open with the defaults', async () => {
    for (const maxParallel of ["0", "-3"]) {
      const table = freshTableName("zero");
      await using backend = await DynamoDBBackend.fromConfig({
        ...CONFIG_KEYS,
        endpoint: dynamo.endpoint,
        table,
        read_capacity: "0",
        write_capacity: "0",
        max_parallel: maxParallel,
        dynamodb_max_retries: "-1",
      });
      assert.equal(backend.permitPool.size, 128);
      assert.equal(backend.client.maxRetries, 3);
      const { Table } = await rawClient(dynamo.endpoint).describeTable({ TableName: table });
      assert.deepEqual(
        [
          Table?.ProvisionedThroughput?.ReadCapacityUnits,
          Table?.ProvisionedThroughput
            ?.WriteCapacityUnits,
        ],
        [5, 5],
      );
    }
  });

  test("environment variables win over the config end to end", async () => {
    const envTable = freshTableName("env");
    const configTable = freshTableName("cfgloser");
    await using backend = await DynamoDBBackend.fromConfig({
      ...CONFIG_KEYS,
      // Nothing listens here: opening only works if AWS_DYNAMODB_ENDPOINT wins.
      endpoint: "http://127.0.0.1:9",
      table: configTable,
      region: "ap-south-1",
      read_capacity: "3",
      write_capacity: "4",
      dynamodb_max_retries: "1",
    }, {
      env: {
        AWS_DYNAMODB_ENDPOINT: dynamo.endpoint,
        AWS_DYNAMODB_TABLE: envTable,
        AWS_DEFAULT_REGION: "eu-west-1",
        AWS_DYNAMODB_READ_CAPACITY: "6",
        AWS_DYNAMODB_WRITE_CAPACITY: "8",
        AWS_DYNAMODB_MAX_RETRIES: "0",
        DYNAMODB_HA_ENABLED: "true",
        VAULT_REDIRECT_ADDR: "https://env-node.example:8200",
        VAULT_CLUSTER_ADDR: "https://env-node.example:8201",
      },
    });
    assert.equal(backend.client.endpoint.origin, dynamo.endpoint);
    assert.equal(backend.table, envTable);
    assert.equal(backend.client.region, "eu-west-1");
    assert.equal(backend.client.maxRetries, 0);
    assert.equal(backend.haEnabled, true);
    assert.equal(backend.redirectAddr, "https://env-node.example:8200");
    assert.equal(backend.clusterAddr, "https://env-node.example:8201");
    const raw = rawClient(dynamo.endpoint, "eu-west-1");
    const { Table } = await raw.describeTable({ TableName: envTable });
    assert.equal(Table?.ProvisionedThroughput?.ReadCapacityUnits, 6);
    assert.equal(Table?.ProvisionedThroughput?.WriteCapacityUnits, 8);
    await assert.rejects(
      raw.describeTable({ TableName: configTable }),
      (error: Error) => error.name === "ResourceNotFoundException",
    );
  });

  test("AWS_DYNAMODB_BILLING_MODE and AWS_DYNAMODB_ALLOW_UPDATES switch an existing table", async () => {
    const table = freshTableName("bill");
    const env = { AWS_DYNAMODB_ENDPOINT: dynamo.endpoint, ...ENV_KEYS };
    await (await DynamoDBBackend.fromConfig({ table }, { env })).close();
    await using backend = await DynamoDBBackend.fromConfig({ table }, {
      env: {
        ...env,
        AWS_DYNAMODB_BILLING_MODE: "PAY_PER_REQUEST",
        AWS_DYNAMODB_ALLOW_UPDATES: "true",
      },
    });
    assert.equal(backend.tableAction, "updated");
    const { Table } = await rawClient(dynamo.endpoint).describeTable({ TableName: table });
    assert.equal(Table?.BillingModeSummary?.BillingMode, "PAY_PER_REQUEST");
  });

  test("the opened backend signs with the config's access key, not the environment's", async () => {
    const seen: string[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      const authorization = new Headers(init?.headers).get("authorization") ?? "";
      seen.push(/Credential=([^/]+)\//.exec(authorization)?.[1] ?? "(none)");
      return fetch(input, init);
    };
    await using _backend = await DynamoDBBackend.fromConfig(
      { ...CONFIG_KEYS, table: freshTableName("sig"), endpoint: dynamo.endpoint },
      { env: ENV_KEYS, fetch: recordingFetch },
    );
    assert.ok(seen.length > 0);
    assert.deepEqual(new Set(seen), new Set(["AKIDFROMCONFIG"]));
  });

  test("a bad parameter rejects before any request is sent", async () => {
    let calls = 0;
    const countingFetch: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    for (
      const config of [
        { max_parallel: "lots" },
        { table: "ab" },
        { endpoint: "not a url" },
        { region: "not a region!" },
      ]
    ) {
      await assert.rejects(
        async () =>
          await DynamoDBBackend.fromConfig(
            { ...CONFIG_KEYS, endpoint: dynamo.endpoint, ...config },
            {
              fetch: countingFetch,
            },
          ),
        ConfigError,
      );
    }
    assert.equal(calls, 0);
  });

  test("a malformed endpoint and region are ConfigErrors naming them", async () => {
    await assert.rejects(
      async () => await DynamoDBBackend.fromConfig({ ...CONFIG_KEYS, endpoint: "not a url" }),
      (error: unknown) => error instanceof ConfigError && error.parameter === "endpoint",
    );
    await assert.rejects(
      async () =>
        await DynamoDBBackend.fromConfig({
          ...CONFIG_KEYS,
          endpoint: dynamo.endpoint,
          region: "not a region!",
        }),
      (error: unknown) => error instanceof ConfigError && error.parameter === "region",
    );
  });

  test("no credentials rejects with a CredentialsError", async () => {
    await assert.rejects(
      async () => await DynamoDBBackend.fromConfig({ endpoint: dynamo.endpoint }, { env: {} }),
      CredentialsError,
    );
  });

  test(
    "fromConfig reports a bad parameter as a rejected promise, not a synchronous throw",
    async () => {
      let promise: Promise<unknown> | undefined;
      assert.doesNotThrow(() => {
        promise = DynamoDBBackend.fromConfig({ ...CONFIG_KEYS, max_parallel: "lots" });
      });
      await assert.rejects(promise!, ConfigError);
    },
  );
});
