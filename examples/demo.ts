// The README's main job: a Vault-like key tree written to, listed from, read back from
// and partly deleted from a DynamoDB table in Vault's format.
//
//   deno task demo                     # on an embedded local DynamoDB (dynalite)
//   AWS_DYNAMODB_ENDPOINT=http://127.0.0.1:8000 deno task demo   # on your own endpoint
//
// Settings come from the environment exactly as Vault reads them (AWS_DYNAMODB_TABLE,
// AWS_REGION, AWS_ACCESS_KEY_ID, ...): see README.md.
import { DynamoDBBackend } from "../mod.ts";
import { startEmbeddedDynamoDB } from "../tests/support/embedded_dynamodb.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const env = Deno.env.toObject();

function elapsed(start: number): string {
  return `${(performance.now() - start).toFixed(0)} ms`;
}

/** Runs `work` over `items` with at most `limit` at a time, printing progress. */
async function runAll<T>(
  label: string,
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let done = 0;
  const step = Math.max(1, Math.floor(items.length / 4));
  const worker = async () => {
    while (next < items.length) {
      await work(items[next++]);
      if (++done % step === 0 || done === items.length) {
        console.log(`  ${label}: ${done}/${items.length}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A realistic Vault tree: policies, tokens, leases, a KV mount, auth mounts, core. */
function vaultLikeTree(): Map<string, Uint8Array> {
  const tree = new Map<string, Uint8Array>();
  const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
  const put = (key: string, text: string) => tree.set(key, encoder.encode(text));
  put("core/keyring", JSON.stringify({ term: 1, keys: ["<sealed>"] }));
  put("core/master", "<sealed master key>");
  put("core/mounts", JSON.stringify({ entries: ["secret/", "sys/", "identity/"] }));
  put("core/seal-config", JSON.stringify({ type: "shamir", secret_shares: 5 }));
  for (const name of ["default", "admin", "ops", "ci", "readonly", "audit", "backup", "root-ish"]) {
    put(`sys/policy/${name}`, `path "secret/${name}/*" { capabilities = ["read"] }`);
  }
  for (let i = 0; i < 120; i++) {
    put(`sys/token/id/h${hex(i * 2654435761 % 0xffffffff, 8)}`, JSON.stringify({ ttl: 3600 + i }));
  }
  for (let i = 0; i < 60; i++) {
    put(`sys/expire/id/auth/token/create/h${hex(i * 40503, 8)}`, JSON.stringify({ lease: i }));
  }
  for (const team of ["payments", "search", "platform", "data"]) {
    for (let i = 0; i < 20; i++) {
      put(`logical/kv-2f1e/${team}/service-${i}/config`, JSON.stringify({ team, replica: i }));
    }
    put(`logical/kv-2f1e/${team}/_meta`, JSON.stringify({ owner: team })); // "_" keys stay listable
  }
  for (let i = 0; i < 30; i++) put(`auth/approle-77c1/role/app-${i}`, JSON.stringify({ i }));
  put("sys/counters/requests/2026/11", "42");
  put("audit/file/empty", ""); // stored as NULL, as Vault's Go backend does
  return tree;
}

async function main() {
  let embedded: Awaited<ReturnType<typeof startEmbeddedDynamoDB>> | undefined;
  const demoEnv: Record<string, string> = { ...env };
  if (!env.AWS_DYNAMODB_ENDPOINT) {
    embedded = await startEmbeddedDynamoDB();
    demoEnv.AWS_DYNAMODB_ENDPOINT = embedded.endpoint;
    // dynalite accepts any signature; real endpoints get the user's own credentials.
    demoEnv.AWS_ACCESS_KEY_ID ||= "demo-access-key";
    demoEnv.AWS_SECRET_ACCESS_KEY ||= "demo-secret-key";
    console.log(`Embedded DynamoDB (dynalite) on ${embedded.endpoint}`);
  }

  try {
    const started = performance.now();
    const backend = await DynamoDBBackend.fromConfig(
      { table: "vault-demo", max_parallel: "32", read_capacity: "10", write_capacity: "10" },
      { env: demoEnv },
    );
    console.log(
      `Table "${backend.table}" ${backend.tableAction} at ${backend.client.endpoint.origin} in ${
        elapsed(started)
      } (max_parallel ${backend.permitPool.size})`,
    );

    const tree = vaultLikeTree();
    const keys = [...tree.keys()];
    let mark = backend.client.stats.requests;
    let phase = performance.now();
    console.log(`\nWriting ${keys.length} keys`);
    await runAll("written", keys, 64, (key) => backend.put({ key, value: tree.get(key)! }));
    const putRequests = backend.client.stats.requests - mark;
    console.log(
      `  ${keys.length} puts in ${elapsed(phase)}: ${putRequests} requests (${
        (putRequests / keys.length).toFixed(2)
      } round trips per put)`,
    );

    console.log("\nListing folders");
    mark = backend.client.stats.requests;
    phase = performance.now();
    const show = async (prefix: string) => {
      const names = await backend.list(prefix);
      const preview = names.length > 6 ? [...names.slice(0, 6), "..."] : names;
      console.log(`  list(${JSON.stringify(prefix)}) -> ${names.length}: ${preview.join("  ")}`);
    };
    for (const prefix of ["", "core/", "sys/", "sys/token/id/", "logical/kv-2f1e/payments/"]) {
      await show(prefix);
    }
    console.log(
      `  5 listings in ${elapsed(phase)}, ${backend.client.stats.requests - mark} requests`,
    );

    console.log("\nReading every key back");
    phase = performance.now();
    let mismatches = 0;
    await runAll("read", keys, 64, async (key) => {
      const entry = await backend.get(key);
      if (entry === null || decoder.decode(entry.value) !== decoder.decode(tree.get(key)!)) {
        mismatches++;
      }
    });
    console.log(`  ${keys.length} gets in ${elapsed(phase)}, ${mismatches} mismatches`);
    if (mismatches > 0) throw new Error(`${mismatches} keys did not read back`);

    console.log('\nDeleting the subtree "sys/token/"');
    phase = performance.now();
    mark = backend.client.stats.requests;
    const doomed = keys.filter((key) => key.startsWith("sys/token/"));
    await runAll("deleted", doomed, 64, (key) => backend.delete(key));
    console.log(
      `  ${doomed.length} deletes in ${elapsed(phase)}, ${
        backend.client.stats.requests - mark
      } requests (folder placeholders cleaned up as they emptied)`,
    );
    await show("sys/");
    const gone = await backend.get(doomed[0]);
    if (gone !== null) throw new Error(`${doomed[0]} still there after delete`);

    const stats = backend.client.stats;
    console.log(
      `\nDone in ${
        elapsed(started)
      }: ${keys.length} keys written and read back, ${doomed.length} deleted, ${
        keys.length - doomed.length
      } remain; ${stats.requests} requests, ${stats.retries} retries`,
    );
    await backend.close();
  } finally {
    await embedded?.close();
  }
}

await main();
