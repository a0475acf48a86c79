// Shared test set-up: one embedded endpoint per test file, a fresh table per test.
import { DynamoDBBackend, type DynamoDBBackendOptions, DynamoDBClient } from "../../mod.ts";
import type { AttributeMap } from "../../mod.ts";

/** Credentials for local endpoints; dynalite accepts any. */
export const LOCAL_CREDENTIALS = {
  accessKeyId: "AKIDLOCALTEST",
  secretAccessKey: "local-secret-never-printed",
};

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

/** A client for raw reads and writes on `endpoint`. */
export function rawClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ region: "us-east-1", endpoint, credentials: LOCAL_CREDENTIALS });
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
