import { delay } from "../_delay.ts";
import type { DynamoDBClient } from "../client/client.ts";
import { DynamoDBError } from "../client/errors.ts";
import type { BillingMode, CreateTableInput, TableDescription } from "../client/types.ts";
import { TableError } from "./errors.ts";

/** How long `open` waits for a new or updated table to become `ACTIVE` unless told. */
export const DEFAULT_TABLE_READY_TIMEOUT_MS = 5 * 60_000;
const FIRST_POLL_MS = 50;
const MAX_POLL_MS = 2_000;

/** What the table should look like. */
export interface TableSettings {
  /** The table name. */
  table: string;
  /** `PROVISIONED` or `PAY_PER_REQUEST`. */
  billingMode: BillingMode;
  /** Read capacity units (provisioned tables). */
  readCapacity: number;
  /** Write capacity units (provisioned tables). */
  writeCapacity: number;
  /** Update billing mode and capacity of an existing table when they differ. */
  allowUpdates: boolean;
  /** Give up waiting for `ACTIVE` after this long. */
  readyTimeoutMs: number;
}

/** What {@linkcode ensureTable} did. */
export type TableAction = "created" | "updated" | "unchanged";

// The Vault format: hash key Path (S), range key Key (S) (REFERENCE section 1).
const KEY_SCHEMA: CreateTableInput["KeySchema"] = [
  { AttributeName: "Path", KeyType: "HASH" },
  { AttributeName: "Key", KeyType: "RANGE" },
];
const ATTRIBUTE_DEFINITIONS: CreateTableInput["AttributeDefinitions"] = [
  { AttributeName: "Path", AttributeType: "S" },
  { AttributeName: "Key", AttributeType: "S" },
];

/**
 * Makes sure the table exists in the Vault format and is `ACTIVE`, as the reference
 * does at start-up: `DescribeTable`; only `ResourceNotFoundException` leads to
 * `CreateTable`; any other failure (access denied, say) is the caller's. An existing
 * table is checked, and changed only when `allowUpdates` is set.
 */
export async function ensureTable(
  client: DynamoDBClient,
  settings: TableSettings,
  signal?: AbortSignal,
): Promise<TableAction> {
  const deadline = performance.now() + settings.readyTimeoutMs;
  let table = await describe(client, settings.table, signal);
  if (table === undefined) {
    try {
      await client.createTable({
        TableName: settings.table,
        KeySchema: KEY_SCHEMA,
        AttributeDefinitions: ATTRIBUTE_DEFINITIONS,
        BillingMode: settings.billingMode,
        ...(settings.billingMode === "PROVISIONED"
          ? { ProvisionedThroughput: throughput(settings) }
          : {}),
      }, { signal });
    } catch (error) {
      // Another node created it between our DescribeTable and CreateTable: fine.
      if (!(error instanceof DynamoDBError && error.name === "ResourceInUseException")) throw error;
    }
    table = await waitUntilActive(client, settings.table, deadline, signal);
    checkKeySchema(settings.table, table);
    return "created";
  }
  checkKeySchema(settings.table, table);
  if (table.TableStatus !== "ACTIVE") {
    table = await waitUntilActive(client, settings.table, deadline, signal);
  }
  if (!settings.allowUpdates) return "unchanged";
  const currentMode = table.BillingModeSummary?.BillingMode ?? "PROVISIONED";
  const modeDiffers = currentMode !== settings.billingMode;
  const capacityDiffers = settings.billingMode === "PROVISIONED" &&
    (table.ProvisionedThroughput?.ReadCapacityUnits !== settings.readCapacity ||
      table.ProvisionedThroughput?.WriteCapacityUnits !== settings.writeCapacity);
  if (!modeDiffers && !capacityDiffers) return "unchanged";
  await client.updateTable({
    TableName: settings.table,
    ...(modeDiffers ? { BillingMode: settings.billingMode } : {}),
    ...(settings.billingMode === "PROVISIONED"
      ? { ProvisionedThroughput: throughput(settings) }
      : {}),
  }, { signal });
  await waitUntilActive(client, settings.table, deadline, signal);
  return "updated";
}

function throughput(settings: TableSettings) {
  return { ReadCapacityUnits: settings.readCapacity, WriteCapacityUnits: settings.writeCapacity };
}

async function describe(
  client: DynamoDBClient,
  table: string,
  signal?: AbortSignal,
): Promise<TableDescription | undefined> {
  try {
    const { Table } = await client.describeTable({ TableName: table }, { signal });
    if (Table === undefined) {
      throw new TableError(`DescribeTable of "${table}" returned no table description`);
    }
    return Table;
  } catch (error) {
    if (error instanceof DynamoDBError && error.name === "ResourceNotFoundException") {
      return undefined;
    }
    throw error;
  }
}

async function waitUntilActive(
  client: DynamoDBClient,
  table: string,
  deadline: number,
  signal?: AbortSignal,
): Promise<TableDescription> {
  for (let pause = FIRST_POLL_MS;; pause = Math.min(pause * 2, MAX_POLL_MS)) {
    const description = await describe(client, table, signal);
    if (description?.TableStatus === "ACTIVE") return description;
    if (description?.TableStatus === "DELETING") {
      throw new TableError(
        `Table "${table}" is being deleted; wait until it is gone, then open again to recreate it`,
      );
    }
    const left = deadline - performance.now();
    if (left <= 0) {
      throw new TableError(
        `Table "${table}" is not ACTIVE in time (status ${
          description?.TableStatus ?? "missing"
        }); raise tableReadyTimeoutMs or check the table in the AWS console`,
      );
    }
    await delay(Math.min(pause, left), signal);
  }
}

function checkKeySchema(table: string, description: TableDescription): void {
  const types = new Map(
    (description.AttributeDefinitions ?? []).map((d) => [d.AttributeName, d.AttributeType]),
  );
  const schema = (description.KeySchema ?? []).map((element) =>
    `${element.AttributeName} (${types.get(element.AttributeName) ?? "?"}, ${element.KeyType})`
  );
  const expected = ["Path (S, HASH)", "Key (S, RANGE)"];
  if (schema.length !== 2 || schema.some((element, i) => element !== expected[i])) {
    throw new TableError(
      `Table "${table}" has key schema ${schema.join(", ") || "(none)"}; Vault's format needs ${
        expected.join(", ")
      }. Use another table name`,
    );
  }
}
