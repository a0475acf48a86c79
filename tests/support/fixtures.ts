// Shared test set-up: one embedded endpoint per test file, a fresh table per test.
import { DynamoDBBackend, type DynamoDBBackendOptions, DynamoDBClient } from "../../mod.ts";
import type { AttributeMap } from "../../mod.ts";

/** Credentials for local endpoints; dynalite accepts any. */
export const LOCAL_CREDENTIALS = {
  accessKeyId: "AKIDLOCALTEST",
  secretAccessKey: "local-secret-never-printed",
};

/**
 * The DynamoDB implementation the suite runs against: "dynalite" (embedded, default) or
 * the peer named by DYNASTORE_TEST_PEER when DYNASTORE_TEST_ENDPOINT points at one.
 */
export const TEST_PEER: string = globalThis.process?.env.DYNASTORE_TEST_ENDPOINT
  ? globalThis.process.env.DYNASTORE_TEST_PEER ?? "external"
  : "dynalite";

/**
 * Why a test that needs DynamoDB's exact 400 KB item limit cannot pass on this peer, or
 * `false` where it can: moto refuses items over 405000 bytes, its own approximation.
 */
export const EXACT_ITEM_LIMIT_UNSUPPORTED: string | false = TEST_PEER === "moto" &&
  "moto caps items at 405000 bytes (its approximation); DynamoDB and dynalite allow 409600";

let tableCounter = 0;

/** A table name no other test of this process uses. */
export function freshTableName(label = "t"): string {
  tableCounter++;
  return `${label}-${Date.now().toString(36)}-${tableCounter}`;
}

/** Opens a backend on a fresh table of `endpoint`. */
export function openBackend(
  endpoint: string,
  options: Partial<DynamoDBBackendOptions> = {},
): Promise<DynamoDBBackend> {
  return DynamoDBBackend.open({
    table: freshTableName(),
    endpoint,
    region: "us-east-1",
    credentials: LOCAL_CREDENTIALS,
    ...options,
  });
}

/** A client for raw reads and writes on `endpoint` (tables are per region, as on AWS). */
export function rawClient(endpoint: string, region = "us-east-1"): DynamoDBClient {
  return new DynamoDBClient({ region, endpoint, credentials: LOCAL_CREDENTIALS });
}

/** Every item of a table, in no particular order (a full Scan). */
export async function scanAll(client: DynamoDBClient, table: string): Promise<AttributeMap[]> {
  const items: AttributeMap[] = [];
  let start: AttributeMap | undefined;
  do {
    const page = await client.send("Scan", {
      TableName: table,
      ConsistentRead: true,
      ...(start ? { ExclusiveStartKey: start } : {}),
    }) as { Items?: AttributeMap[]; LastEvaluatedKey?: AttributeMap };
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** UTF-8 bytes of a string. */
export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
