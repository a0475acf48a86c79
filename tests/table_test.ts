// Table set-up at open(): creation in the Vault format, billing modes, updates only when
// allowed, schema checks, failures of DescribeTable, waiting for ACTIVE, and table names.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  type AttributeDefinition,
  ConfigError,
  DynamoDBBackend,
  type DynamoDBBackendOptions,
  DynamoDBError,
  type KeySchemaElement,
  type TableDescription,
  TableError,
} from "../mod.ts";
import { useEmbeddedDynamoDB } from "./support/embedded_dynamodb.ts";
import { freshTableName, LOCAL_CREDENTIALS, rawClient } from "./support/fixtures.ts";
import { requestSpy, type SeenRequest } from "./support/request_spy.ts";

const dynamo = useEmbeddedDynamoDB();

const VAULT_KEY_SCHEMA: KeySchemaElement[] = [
  { AttributeName: "Path", KeyType: "HASH" },
  { AttributeName: "Key", KeyType: "RANGE" },
];
const VAULT_ATTRIBUTES: AttributeDefinition[] = [
  { AttributeName: "Key", AttributeType: "S" },
  { AttributeName: "Path", AttributeType: "S" },
];

type Answer = (
  seen: SeenRequest,
  index: number,
) => Response | undefined | Promise<Response | undefined>;

/**
 * The request spy of the storage tests, with a reply hook that may answer in place of the
 * embedded endpoint; when `answer` returns undefined, the request goes through.
 */
function recordingFetch(answer: Answer = () => undefined) {
  const spy = requestSpy(async (request, forward) =>
    (await answer(request, spy.requests.length - 1)) ?? forward(request.body)
  );
  return {
    fetch: spy.fetch,
    get seen() {
      return spy.requests;
    },
    operations: spy.operations,
  };
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "FAKE" },
  });
}

function open(options: Partial<DynamoDBBackendOptions> & { table: string }) {
  return DynamoDBBackend.open({
    endpoint: dynamo.endpoint,
    region: "us-east-1",
    credentials: LOCAL_CREDENTIALS,
    ...options,
  });
}

async function describeRaw(table: string): Promise<TableDescription> {
  const { Table } = await rawClient(dynamo.endpoint).describeTable({ TableName: table });
  assert.ok(Table, `no description of ${table}`);
  return Table;
}

async function assertNoTable(table: string): Promise<void> {
  await assert.rejects(
    rawClient(dynamo.endpoint).describeTable({ TableName: table }),
    (error: unknown) =>
      error instanceof DynamoDBError && error.name === "ResourceNotFoundException",
  );
}

function billingModeOf(table: TableDescription): string {
  return table.BillingModeSummary?.BillingMode ?? "PROVISIONED";
}

function capacityOf(table: TableDescription) {
  return [
    table.ProvisionedThroughput?.ReadCapacityUnits,
    table.ProvisionedThroughput?.WriteCapacityUnits,
  ];
}

/** Creates a table directly, as another tool (or another schema) would. */
async function createRawTable(
  table: string,
  keySchema: KeySchemaElement[],
  attributes: AttributeDefinition[],
): Promise<void> {
  await rawClient(dynamo.endpoint).createTable({
    TableName: table,
    KeySchema: keySchema,
    AttributeDefinitions: attributes,
    ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
  });
  // dynalite is started with createTableMs 0: wait for its timer to make it ACTIVE.
  for (let i = 0; i < 100 && (await describeRaw(table)).TableStatus !== "ACTIVE"; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("creating a missing table", () => {
  test("opening creates the table with key Path (S, HASH) / Key (S, RANGE), 5/5 provisioned", async () => {
    const table = freshTableName("new");
    await assertNoTable(table);
    const recorder = recordingFetch();
    await using backend = await open({ table, fetch: recorder.fetch });
    assert.equal(backend.tableAction, "created");
    assert.equal(recorder.operations().filter((op) => op === "CreateTable").length, 1);
    assert.equal(recorder.operations()[0], "DescribeTable");
    const description = await describeRaw(table);
    assert.equal(description.TableStatus, "ACTIVE");
    assert.deepEqual(description.KeySchema, VAULT_KEY_SCHEMA);
    assert.deepEqual(
      [...(description.AttributeDefinitions ?? [])].sort((a, b) =>
        a.AttributeName.localeCompare(b.AttributeName)
      ),
      VAULT_ATTRIBUTES,
    );
    assert.equal(billingModeOf(description), "PROVISIONED");
    assert.deepEqual(capacityOf(description), [5, 5]);
  });

  test("a new table gets the configured read and write capacity", async () => {
    const table = freshTableName("cap");
    await using backend = await open({ table, readCapacity: 11, writeCapacity: 13 });
    assert.equal(backend.tableAction, "created");
    assert.deepEqual(capacityOf(await describeRaw(table)), [11, 13]);
  });

  test("PAY_PER_REQUEST creates an on-demand table without provisioned throughput", async () => {
    const table = freshTableName("ondemand");
    const recorder = recordingFetch();
    await using backend = await open({
      table,
      billingMode: "PAY_PER_REQUEST",
      readCapacity: 9,
      fetch: recorder.fetch,
    });
    assert.equal(backend.tableAction, "created");
    const create = recorder.seen.find((s) => s.operation === "CreateTable");
    assert.ok(create);
    assert.equal(create.body.BillingMode, "PAY_PER_REQUEST");
    assert.equal(create.body.ProvisionedThroughput, undefined);
    const description = await describeRaw(table);
    assert.equal(description.BillingModeSummary?.BillingMode, "PAY_PER_REQUEST");
    assert.deepEqual(description.KeySchema, VAULT_KEY_SCHEMA);
  });

  test("a table created by another node between DescribeTable and CreateTable is accepted", async () => {
    const table = freshTableName("race");
    const recorder = recordingFetch(async (seen) => {
      if (seen.operation === "CreateTable") {
        // The other node wins the race: our CreateTable then meets ResourceInUseException.
        await createRawTable(table, VAULT_KEY_SCHEMA, VAULT_ATTRIBUTES);
      }
      return undefined;
    });
    await using backend = await open({ table, fetch: recorder.fetch });
    assert.equal(backend.tableAction, "created");
    assert.ok(recorder.operations().includes("CreateTable"));
    assert.deepEqual((await describeRaw(table)).KeySchema, VAULT_KEY_SCHEMA);
  });

  test("a table created by another node with another schema during the race is refused", async () => {
    const table = freshTableName("racebad");
    const recorder = recordingFetch(async (seen) => {
      if (seen.operation === "CreateTable") {
        await createRawTable(table, [{ AttributeName: "id", KeyType: "HASH" }], [
          { AttributeName: "id", AttributeType: "S" },
        ]);
      }
      return undefined;
    });
    await assert.rejects(open({ table, fetch: recorder.fetch }), TableError);
  });
});

describe("an existing table", () => {
  test("opening again reports unchanged and sends nothing but DescribeTable", async () => {
    const table = freshTableName("again");
    await (await open({ table })).close();
    const before = await describeRaw(table);
    const recorder = recordingFetch();
    await using backend = await open({ table, fetch: recorder.fetch });
    assert.equal(backend.tableAction, "unchanged");
    assert.deepEqual(recorder.operations(), ["DescribeTable"]);
    assert.deepEqual(await describeRaw(table), before);
  });

  test("without allowUpdates, different capacities leave the table unchanged", async () => {
    const table = freshTableName("noupd");
    await (await open({ table })).close();
    const recorder = recordingFetch();
    await using backend = await open({
      table,
      readCapacity: 20,
      writeCapacity: 30,
      fetch: recorder.fetch,
    });
    assert.equal(backend.tableAction, "unchanged");
    assert.ok(!recorder.operations().includes("UpdateTable"), `${recorder.operations()}`);
    assert.deepEqual(capacityOf(await describeRaw(table)), [5, 5]);
  });

  test("without allowUpdates, a different billing mode leaves the table unchanged", async () => {
    const table = freshTableName("nomode");
    await (await open({ table })).close();
    await using backend = await open({ table, billingMode: "PAY_PER_REQUEST" });
    assert.equal(backend.tableAction, "unchanged");
    assert.equal(billingModeOf(await describeRaw(table)), "PROVISIONED");
  });

  test("with allowUpdates, different capacities are updated", async () => {
    const table = freshTableName("upd");
    await (await open({ table })).close();
    const recorder = recordingFetch();
    await using backend = await open({
      table,
      readCapacity: 20,
      writeCapacity: 30,
      allowUpdates: true,
      fetch: recorder.fetch,
    });
    assert.equal(backend.tableAction, "updated");
    assert.equal(recorder.operations().filter((op) => op === "UpdateTable").length, 1);
    const description = await describeRaw(table);
    assert.equal(description.TableStatus, "ACTIVE");
    assert.deepEqual(capacityOf(description), [20, 30]);
  });

  test("with allowUpdates, matching settings send no UpdateTable", async () => {
    const table = freshTableName("same");
    await (await open({ table, readCapacity: 4, writeCapacity: 6 })).close();
    const recorder = recordingFetch();
    await using backend = await open({
      table,
      readCapacity: 4,
      writeCapacity: 6,
      allowUpdates: true,
      fetch: recorder.fetch,
    });
    assert.equal(backend.tableAction, "unchanged");
    assert.deepEqual(recorder.operations(), ["DescribeTable"]);
  });

  test("with allowUpdates, PROVISIONED switches to PAY_PER_REQUEST", async () => {
    const table = freshTableName("toondemand");
    await (await open({ table })).close();
    const recorder = recordingFetch();
    await using backend = await open({
      table,
      billingMode: "PAY_PER_REQUEST",
      allowUpdates: true,
      fetch: recorder.fetch,
    });
    assert.equal(backend.tableAction, "updated");
    const update = recorder.seen.find((s) => s.operation === "UpdateTable");
    assert.ok(update);
    assert.equal(update.body.BillingMode, "PAY_PER_REQUEST");
    assert.equal(update.body.ProvisionedThroughput, undefined);
    const description = await describeRaw(table);
    assert.equal(description.BillingModeSummary?.BillingMode, "PAY_PER_REQUEST");
    assert.equal(description.TableStatus, "ACTIVE");
  });

  test("with allowUpdates, PAY_PER_REQUEST switches to PROVISIONED with the capacities", async () => {
    const table = freshTableName("toprov");
    await (await open({ table, billingMode: "PAY_PER_REQUEST" })).close();
    await using backend = await open({
      table,
      readCapacity: 7,
      writeCapacity: 8,
      allowUpdates: true,
    });
    assert.equal(backend.tableAction, "updated");
    const description = await describeRaw(table);
    assert.equal(billingModeOf(description), "PROVISIONED");
    assert.deepEqual(capacityOf(description), [7, 8]);
  });

  test("with allowUpdates, an on-demand table stays as it is when on-demand is wanted", async () => {
    const table = freshTableName("staydemand");
    await (await open({ table, billingMode: "PAY_PER_REQUEST" })).close();
    const recorder = recordingFetch();
    // Capacities mean nothing for on-demand tables, so they do not count as a difference.
    await using backend = await open({
      table,
      billingMode: "PAY_PER_REQUEST",
      readCapacity: 50,
      allowUpdates: true,
      fetch: recorder.fetch,
    });
    assert.equal(backend.tableAction, "unchanged");
    assert.deepEqual(recorder.operations(), ["DescribeTable"]);
  });
});

describe("an existing table in another format", () => {
  const wrongSchemas = [
    {
      name: "hash key id",
      keySchema: [{ AttributeName: "id", KeyType: "HASH" as const }],
      attributes: [{ AttributeName: "id", AttributeType: "S" as const }],
      shown: "id (S, HASH)",
    },
    {
      name: "Path without a range key",
      keySchema: [{ AttributeName: "Path", KeyType: "HASH" as const }],
      attributes: [{ AttributeName: "Path", AttributeType: "S" as const }],
      shown: "Path (S, HASH)",
    },
    {
      name: "Key of type N",
      keySchema: [
        { AttributeName: "Path", KeyType: "HASH" as const },
        { AttributeName: "Key", KeyType: "RANGE" as const },
      ],
      attributes: [
        { AttributeName: "Path", AttributeType: "S" as const },
        { AttributeName: "Key", AttributeType: "N" as const },
      ],
      shown: "Key (N, RANGE)",
    },
  ];
  for (const schema of wrongSchemas) {
    test(`a table with ${schema.name} is a TableError naming both schemas, and is not touched`, async () => {
      const table = freshTableName("schema");
      await createRawTable(table, schema.keySchema, schema.attributes);
      const before = await describeRaw(table);
      const recorder = recordingFetch();
      await assert.rejects(
        open({ table, allowUpdates: true, readCapacity: 9, fetch: recorder.fetch }),
        (error: unknown) => {
          assert.ok(error instanceof TableError, `got ${error}`);
          assert.ok(error.message.includes("Path (S, HASH), Key (S, RANGE)"), error.message);
          assert.ok(error.message.includes(schema.shown), error.message);
          assert.ok(error.message.includes(table), error.message);
          return true;
        },
      );
      assert.deepEqual(recorder.operations(), ["DescribeTable"]);
      assert.deepEqual(await describeRaw(table), before);
    });
  }
});

describe("DescribeTable failures", () => {
  test("AccessDeniedException fails open with that DynamoDBError and sends no CreateTable", async () => {
    const table = freshTableName("denied");
    const recorder = recordingFetch((seen) =>
      seen.operation === "DescribeTable"
        ? jsonResponse(400, {
          __type: "com.amazon.coral.service#AccessDeniedException",
          message: "User is not authorized to perform: dynamodb:DescribeTable",
        })
        : undefined
    );
    await assert.rejects(open({ table, fetch: recorder.fetch }), (error: unknown) => {
      assert.ok(error instanceof DynamoDBError, `got ${error}`);
      assert.equal(error.name, "AccessDeniedException");
      assert.equal(error.operation, "DescribeTable");
      assert.equal(error.status, 400);
      return true;
    });
    assert.ok(recorder.operations().length >= 1);
    assert.ok(
      recorder.operations().every((op) => op === "DescribeTable"),
      `${recorder.operations()}`,
    );
    await assertNoTable(table);
  });

  test("a server error on DescribeTable fails open after retries and sends no CreateTable", async () => {
    const table = freshTableName("flaky");
    const recorder = recordingFetch((seen) =>
      seen.operation === "DescribeTable"
        ? jsonResponse(500, { __type: "InternalServerError", message: "boom" })
        : undefined
    );
    await assert.rejects(
      open({ table, fetch: recorder.fetch, maxRetries: 1 }),
      (error: unknown) => error instanceof DynamoDBError && error.name === "InternalServerError",
    );
    assert.deepEqual(recorder.operations(), ["DescribeTable", "DescribeTable"]);
    await assertNoTable(table);
  });

  test("a DescribeTable reply without a table is a TableError, not a CreateTable", async () => {
    const table = freshTableName("empty");
    const recorder = recordingFetch((seen) =>
      seen.operation === "DescribeTable" ? jsonResponse(200, {}) : undefined
    );
    await assert.rejects(open({ table, fetch: recorder.fetch }), TableError);
    assert.deepEqual(recorder.operations(), ["DescribeTable"]);
  });
});

describe("waiting for ACTIVE", () => {
  function creatingDescription(table: string) {
    return {
      Table: {
        TableName: table,
        TableStatus: "CREATING",
        KeySchema: VAULT_KEY_SCHEMA,
        AttributeDefinitions: VAULT_ATTRIBUTES,
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
      },
    };
  }

  test("a table still CREATING is waited for, then used", async () => {
    const table = freshTableName("creating");
    await (await open({ table })).close();
    const recorder = recordingFetch((seen, index) =>
      index === 0 && seen.operation === "DescribeTable"
        ? jsonResponse(200, creatingDescription(table))
        : undefined
    );
    await using backend = await open({ table, fetch: recorder.fetch });
    assert.equal(backend.tableAction, "unchanged");
    const operations = recorder.operations();
    assert.ok(operations.length >= 2, `${operations}`);
    assert.ok(operations.every((op) => op === "DescribeTable"), `${operations}`);
    // And the backend works on it.
    await backend.put({ key: "k", value: new Uint8Array([1]) });
    assert.deepEqual((await backend.get("k"))?.value, new Uint8Array([1]));
  });

  test("a table that never becomes ACTIVE is a TableError after tableReadyTimeoutMs", async () => {
    const table = freshTableName("stuck");
    const recorder = recordingFetch((seen) =>
      seen.operation === "DescribeTable" ? jsonResponse(200, creatingDescription(table)) : undefined
    );
    const started = performance.now();
    await assert.rejects(
      open({ table, fetch: recorder.fetch, tableReadyTimeoutMs: 300 }),
      (error: unknown) => {
        assert.ok(error instanceof TableError, `got ${error}`);
        assert.match(error.message, /CREATING/);
        return true;
      },
    );
    assert.ok(performance.now() - started < 10_000, "gave up far too late");
    assert.ok(!recorder.operations().includes("CreateTable"));
  });

  test("open's signal aborts the wait for ACTIVE promptly, with its reason", async () => {
    const table = freshTableName("abort");
    const controller = new AbortController();
    const reason = new Error("shutting down");
    let abortedAt = 0;
    let describesAfterAbort = 0;
    // Always CREATING. After the 7th DescribeTable the poll pause has grown to 1.6 s;
    // abort a moment into it.
    const recorder = recordingFetch((seen, index) => {
      if (seen.operation !== "DescribeTable") return undefined;
      if (controller.signal.aborted) describesAfterAbort++;
      if (index === 6) {
        setTimeout(() => {
          abortedAt = performance.now();
          controller.abort(reason);
        }, 20);
      }
      return jsonResponse(200, creatingDescription(table));
    });
    await assert.rejects(
      open({ table, fetch: recorder.fetch, signal: controller.signal }),
      (error: unknown) => error === reason,
    );
    assert.ok(abortedAt > 0, "the abort never fired");
    const late = performance.now() - abortedAt;
    assert.ok(late < 1_000, `open settled ${late} ms after the abort`);
    assert.equal(describesAfterAbort, 0);
    assert.equal(recorder.operations().length, 7);
  });

  test("an already aborted signal sends nothing", async () => {
    const recorder = recordingFetch();
    const reason = new Error("never mind");
    await assert.rejects(
      open({
        table: freshTableName("pre"),
        fetch: recorder.fetch,
        signal: AbortSignal.abort(reason),
      }),
      (error: unknown) => error === reason,
    );
    assert.equal(recorder.seen.length, 0);
  });
});

describe("table names", () => {
  const badNames = ["ab", "has space", "", "x".repeat(256), "slash/name", "ünïcode"];
  for (const name of badNames) {
    test(`table name ${JSON.stringify(name.length > 20 ? `${name.slice(0, 8)}...` : name)} is a ConfigError before any request`, async () => {
      const recorder = recordingFetch();
      await assert.rejects(open({ table: name, fetch: recorder.fetch }), (error: unknown) => {
        assert.ok(error instanceof ConfigError, `got ${error}`);
        assert.equal(error.parameter, "table");
        assert.equal(error.value, name);
        return true;
      });
      assert.equal(recorder.seen.length, 0);
    });
  }

  test("names of 3 and 255 characters of A-Z a-z 0-9 _ - . are accepted", async () => {
    const unique = freshTableName("n").replace(/-/g, "_");
    for (const name of ["a.b", `${unique}.-_`.padEnd(255, "Z")]) {
      // "a.b" may exist from an earlier run of this file on the same endpoint: either way
      // the name is accepted.
      await using backend = await open({ table: name });
      assert.equal(backend.table, name);
      assert.deepEqual((await describeRaw(name)).KeySchema, VAULT_KEY_SCHEMA);
    }
  });
});
