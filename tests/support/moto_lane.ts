// The conformance lane: the whole suite again, against moto (a second, independent
// DynamoDB implementation, in Python) instead of the embedded dynalite. Differences
// between the two are where our assumptions about DynamoDB get checked.
//
//   deno task test:moto
//
// Installs moto into .cache/moto-venv on first use (PyPI), starts `moto_server` on a free
// loopback port, runs `deno test` with DYNASTORE_TEST_ENDPOINT pointing at it, stops it.
// Deno-only (it spawns processes); it is a test tool, not part of the library.

const MOTO_REQUIREMENT = "moto[server]==5.2.5";
const root = new URL("../../", import.meta.url).pathname;
const venv = `${root}.cache/moto-venv`;
const motoServer = `${venv}/bin/moto_server`;

async function run(command: string, args: string[], options: Deno.CommandOptions = {}) {
  const { code } = await new Deno.Command(command, { args, ...options }).output();
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${code}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function waitUntilServing(endpoint: string, server: Deno.ChildProcess): Promise<void> {
  let exited = false;
  server.status.then(() => exited = true);
  for (let waited = 0; waited < 30_000; waited += 200) {
    if (exited) throw new Error("moto_server exited before serving");
    try {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/x-amz-json-1.0",
          "x-amz-target": "DynamoDB_20120810.ListTables",
          authorization:
            "AWS4-HMAC-SHA256 Credential=probe/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
        },
        body: "{}",
      });
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within 30 s`);
}

if (!await exists(motoServer)) {
  console.log(`Installing ${MOTO_REQUIREMENT} into .cache/moto-venv`);
  await run("python3", ["-m", "venv", venv], { stdout: "inherit", stderr: "inherit" });
  await run(`${venv}/bin/pip`, ["install", "--quiet", MOTO_REQUIREMENT], {
    stdout: "inherit",
    stderr: "inherit",
  });
}

const port = freePort();
const endpoint = `http://127.0.0.1:${port}`;
const server = new Deno.Command(motoServer, {
  args: ["-H", "127.0.0.1", "-p", String(port)],
  stdout: "null",
  stderr: "null",
}).spawn();
let code = 1;
try {
  await waitUntilServing(endpoint, server);
  console.log(`moto_server on ${endpoint}: running the suite against it`);
  const tests = new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-all", "tests/"],
    cwd: root,
    env: { DYNASTORE_TEST_ENDPOINT: endpoint, DYNASTORE_TEST_PEER: "moto" },
    stdout: "inherit",
    stderr: "inherit",
  });
  code = (await tests.output()).code;
} finally {
  server.kill("SIGTERM");
  await server.status;
}
Deno.exit(code);
