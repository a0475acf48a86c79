// Retry classification, abort and timeout behaviour, secret redaction and the wire form
// of DynamoDBClient. Faults are injected by a `fetch` that wraps the real one: each call
// either answers a scripted fault or passes through to the embedded dynalite endpoint.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  type AwsCredentials,
  CredentialsError,
  DynamoDBClient,
  type DynamoDBClientOptions,
  DynamoDBError,
  RetryQuota,
} from "../mod.ts";
import { useEmbeddedDynamoDB } from "./support/embedded_dynamodb.ts";
import { freshTableName, LOCAL_CREDENTIALS, rawClient } from "./support/fixtures.ts";

const dynamo = useEmbeddedDynamoDB();
/** A table with a single hash key `k`, for requests that must reach the real endpoint. */
let table: string;

before(async () => {
  table = freshTableName("client");
  const client = rawClient(dynamo.endpoint);
  await client.createTable({
    TableName: table,
    AttributeDefinitions: [{ AttributeName: "k", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "k", KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
  });
  for (;;) {
    const { Table } = await client.describeTable({ TableName: table });
    if (Table?.TableStatus === "ACTIVE") break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
});

// ---------------------------------------------------------------------------------------
// The fault-injecting fetch

/** One scripted answer: a response to give, or an error to throw, instead of the real one. */
type Step = "pass" | ((init: RequestInit) => Response | Promise<Response>);

interface Recorded {
  /** The operation, from the `x-amz-target` header. */
  target: string;
  url: string;
  method: string | undefined;
  headers: Headers;
  body: string;
  /** Whether this call went to the real endpoint. */
  passed: boolean;
  /** The real endpoint's `x-amzn-RequestId`, for calls that went there. */
  realRequestId?: string | null;
  /** The real endpoint's status, for calls that went there. */
  realStatus?: number;
}

/**
 * A `fetch` answering call n with `script[n]`, and every call past the script with
 * `rest`. It records every call it sees.
 */
function scriptedFetch(script: Step[], rest: Step = "pass") {
  const calls: Recorded[] = [];
  const fetchImpl: typeof fetch = async (input, init = {}) => {
    const headers = new Headers(init.headers);
    const record: Recorded = {
      target: headers.get("x-amz-target") ?? "",
      url: String(input instanceof Request ? input.url : input),
      method: init.method,
      headers,
      body: String(init.body ?? ""),
      passed: false,
    };
    calls.push(record);
    const step = calls.length <= script.length ? script[calls.length - 1] : rest;
    if (step === "pass") {
      record.passed = true;
      const response = await fetch(input, init);
      record.realStatus = response.status;
      record.realRequestId = response.headers.get("x-amzn-requestid");
      return response;
    }
    return await step(init);
  };
  return {
    fetch: fetchImpl,
    calls,
    get passed() {
      return calls.filter((call) => call.passed).length;
    },
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/x-amz-json-1.0", ...headers },
  });

const fault = (name: string, message = `${name} injected`) =>
  json(400, { __type: `com.amazonaws.dynamodb.v20120810#${name}`, message });

const networkError = () => () => {
  throw new TypeError("error sending request: connection reset by peer");
};

/** A fetch that never answers but rejects when its `init.signal` fires, like real fetch. */
const hang = () => (init: RequestInit) =>
  new Promise<Response>((_, reject) => {
    const signal = init.signal!;
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });

function client(
  fetchImpl: typeof fetch,
  options: Partial<DynamoDBClientOptions> = {},
): DynamoDBClient {
  return new DynamoDBClient({
    region: "us-east-1",
    endpoint: dynamo.endpoint,
    credentials: LOCAL_CREDENTIALS,
    fetch: fetchImpl,
    random: () => 0,
    ...options,
  });
}

/** Runs `promise`, which must reject, and returns what it rejected with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected the call to reject, it resolved");
}

async function dynamoError(promise: Promise<unknown>): Promise<DynamoDBError> {
  const error = await rejection(promise);
  assert.ok(error instanceof DynamoDBError, `expected a DynamoDBError, got ${error}`);
  return error;
}

/** A successful DescribeTable reply from the real endpoint describes the table of `before`. */
function assertRealDescribeTable(output: Record<string, unknown>): void {
  assert.equal((output.Table as { TableName?: string } | undefined)?.TableName, table);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------

describe("retry classification", () => {
  test("ProvisionedThroughputExceededException (HTTP 400) is retried as throttling, then succeeds", async () => {
    const f = scriptedFetch([fault("ProvisionedThroughputExceededException")]);
    const c = client(f.fetch);
    const output = await c.send("DescribeTable", { TableName: table });
    assertRealDescribeTable(output);
    assert.equal(f.calls.length, 2);
    assert.equal(f.passed, 1);
    assert.equal(f.calls[1].realStatus, 200);
    assert.deepEqual(c.stats, { requests: 2, retries: 1, throttled: 1, failures: 0 });
  });

  test("ProvisionedThroughputExceededException when retries run out: throttling, retryable, status 400", async () => {
    const f = scriptedFetch([], fault("ProvisionedThroughputExceededException"));
    const c = client(f.fetch, { maxRetries: 2 });
    const error = await dynamoError(c.send("DescribeTable", { TableName: table }));
    assert.equal(error.name, "ProvisionedThroughputExceededException");
    assert.equal(error.status, 400);
    assert.equal(error.retryable, true);
    assert.equal(error.throttling, true);
    assert.equal(error.timeout, false);
    assert.equal(error.attempts, 3);
    assert.equal(error.operation, "DescribeTable");
    assert.equal(f.calls.length, 3);
    assert.equal(f.passed, 0);
    assert.deepEqual(c.stats, { requests: 3, retries: 2, throttled: 3, failures: 1 });
  });

  test("ThrottlingException (HTTP 400 JSON) is throttling and retried", async () => {
    const f = scriptedFetch([], fault("ThrottlingException", "Rate exceeded"));
    const c = client(f.fetch, { maxRetries: 1 });
    const error = await dynamoError(c.send("DescribeTable", { TableName: table }));
    assert.equal(error.name, "ThrottlingException");
    assert.equal(error.status, 400);
    assert.equal(error.throttling, true);
    assert.equal(error.retryable, true);
    assert.equal(error.attempts, 2);
    assert.equal(f.calls.length, 2);
    assert.match(error.message, /Rate exceeded/);
  });

  test("HTTP 429 without a body is throttling, named TooManyRequestsException, and retried", async () => {
    const f = scriptedFetch([() => new Response(null, { status: 429 })]);
    const c = client(f.fetch);
    assertRealDescribeTable(await c.send("DescribeTable", { TableName: table }));
    assert.equal(f.calls.length, 2);
    assert.equal(f.passed, 1);
    assert.deepEqual(c.stats, { requests: 2, retries: 1, throttled: 1, failures: 0 });

    const always = scriptedFetch([], () => new Response(null, { status: 429 }));
    const error = await dynamoError(
      client(always.fetch, { maxRetries: 1 }).send("DescribeTable", { TableName: table }),
    );
    assert.equal(error.name, "TooManyRequestsException");
    assert.equal(error.status, 429);
    assert.equal(error.throttling, true);
    assert.equal(error.retryable, true);
    assert.equal(error.attempts, 2);
    assert.equal(always.calls.length, 2);
    assert.match(error.message, /\(empty body\)/);
  });

  test("HTTP 500 InternalServerError is transient (not throttling), retried, then succeeds", async () => {
    const f = scriptedFetch([
      json(500, {
        __type: "com.amazonaws.dynamodb.v20120810#InternalServerError",
        message: "boom",
      }),
    ]);
    const c = client(f.fetch);
    assertRealDescribeTable(await c.send("DescribeTable", { TableName: table }));
    assert.equal(f.calls.length, 2);
    assert.equal(f.passed, 1);
    assert.deepEqual(c.stats, { requests: 2, retries: 1, throttled: 0, failures: 0 });

    const always = scriptedFetch([], json(500, { __type: "InternalServerError", message: "boom" }));
    const error = await dynamoError(
      client(always.fetch, { maxRetries: 1 }).send("DescribeTable", { TableName: table }),
    );
    assert.equal(error.name, "InternalServerError");
    assert.equal(error.status, 500);
    assert.equal(error.retryable, true);
    assert.equal(error.throttling, false);
    assert.equal(error.attempts, 2);
  });

  test("HTTP 503 with an HTML body is ServiceUnavailable and retryable; retried then succeeds", async () => {
    const html = () =>
      new Response("<html><body><h1>503 Service Unavailable</h1></body></html>", {
        status: 503,
        headers: { "content-type": "text/html" },
      });
    const f = scriptedFetch([html, html]);
    const c = client(f.fetch);
    assertRealDescribeTable(await c.send("DescribeTable", { TableName: table }));
    assert.equal(f.calls.length, 3);
    assert.equal(f.passed, 1);
    assert.deepEqual(c.stats, { requests: 3, retries: 2, throttled: 0, failures: 0 });
  });

  test("HTTP 503 with an HTML body, always: gives up after maxRetries+1 attempts and calls", async () => {
    const html = () => new Response("<html>Service Unavailable</html>", { status: 503 });
    for (const maxRetries of [0, 1, 4]) {
      const f = scriptedFetch([], html);
      const c = client(f.fetch, { maxRetries });
      const error = await dynamoError(c.send("DescribeTable", { TableName: table }));
      assert.equal(error.name, "ServiceUnavailable");
      assert.equal(error.status, 503);
      assert.equal(error.retryable, true);
      assert.equal(error.throttling, false);
      assert.equal(error.attempts, maxRetries + 1);
      assert.equal(f.calls.length, maxRetries + 1);
      assert.match(error.message, /non-JSON body/);
      assert.ok(!error.message.includes("<html>"), "the HTML page is not pasted into the message");
      assert.deepEqual(c.stats, {
        requests: maxRetries + 1,
        retries: maxRetries,
        throttled: 0,
        failures: 1,
      });
    }
  });

  test("any 502/503/504 is transient whatever its body names; any 429 is throttling", async () => {
    const cases: [number, () => Response, string, boolean][] = [
      [502, () => new Response("<html>Bad Gateway</html>", { status: 502 }), "BadGateway", false],
      [504, () => new Response("", { status: 504 }), "GatewayTimeout", false],
      [
        503,
        json(503, { __type: "x#SomethingUnheardOf", message: "m" }),
        "SomethingUnheardOf",
        false,
      ],
      [
        429,
        json(429, { __type: "x#SomethingUnheardOf", message: "m" }),
        "SomethingUnheardOf",
        true,
      ],
    ];
    for (const [status, answer, name, throttling] of cases) {
      const f = scriptedFetch([], answer);
      const error = await dynamoError(
        client(f.fetch, { maxRetries: 1 }).send("DescribeTable", { TableName: table }),
      );
      assert.equal(error.name, name, `HTTP ${status}`);
      assert.equal(error.status, status);
      assert.equal(error.retryable, true, `HTTP ${status} is retryable`);
      assert.equal(error.throttling, throttling, `HTTP ${status} throttling`);
      assert.equal(f.calls.length, 2, `HTTP ${status} is retried`);
    }
  });

  test("a 4xx that is neither throttling nor listed is not retried", async () => {
    const f = scriptedFetch([], () => new Response("<html>Forbidden</html>", { status: 403 }));
    const error = await dynamoError(client(f.fetch).send("DescribeTable", { TableName: table }));
    assert.equal(error.name, "HttpError403");
    assert.equal(error.status, 403);
    assert.equal(error.retryable, false);
    assert.equal(error.throttling, false);
    assert.equal(f.calls.length, 1);
  });

  test("a network error (fetch rejects with TypeError) is NetworkError, retried, then succeeds", async () => {
    const f = scriptedFetch([networkError()]);
    const c = client(f.fetch);
    assertRealDescribeTable(await c.send("DescribeTable", { TableName: table }));
    assert.equal(f.calls.length, 2);
    assert.equal(f.passed, 1);
    assert.deepEqual(c.stats, { requests: 2, retries: 1, throttled: 0, failures: 0 });
  });

  test("a network error on every attempt: NetworkError, status 0, retryable, fetch's error as cause", async () => {
    const f = scriptedFetch([], networkError());
    const c = client(f.fetch, { maxRetries: 2 });
    const error = await dynamoError(c.send("DescribeTable", { TableName: table }));
    assert.equal(error.name, "NetworkError");
    assert.equal(error.status, 0);
    assert.equal(error.retryable, true);
    assert.equal(error.throttling, false);
    assert.equal(error.timeout, false);
    assert.equal(error.attempts, 3);
    assert.equal(f.calls.length, 3);
    assert.ok(error.cause instanceof TypeError);
    assert.match(error.message, /connection reset by peer/);
  });

  test("ConditionalCheckFailedException from the real endpoint is not retried and carries its request id", async () => {
    const c0 = rawClient(dynamo.endpoint);
    await c0.putItem({ TableName: table, Item: { k: { S: "exists" } } });
    const f = scriptedFetch([]);
    const c = client(f.fetch);
    const error = await dynamoError(c.putItem({
      TableName: table,
      Item: { k: { S: "exists" }, v: { S: "new" } },
      ConditionExpression: "attribute_not_exists(#k)",
      ExpressionAttributeNames: { "#k": "k" },
    }));
    assert.equal(error.name, "ConditionalCheckFailedException");
    assert.equal(error.status, 400);
    assert.equal(error.retryable, false);
    assert.equal(error.throttling, false);
    assert.equal(error.attempts, 1);
    assert.equal(error.operation, "PutItem");
    assert.equal(f.calls.length, 1);
    assert.equal(f.passed, 1);
    assert.equal(f.calls[0].realStatus, 400);
    // dynalite does send x-amzn-RequestId; the error must carry the same one.
    const sent = f.calls[0].realRequestId;
    assert.equal(typeof sent, "string");
    assert.ok(sent!.length > 0);
    assert.equal(error.requestId, sent);
    assert.ok(error.message.includes(sent!), "the message quotes the request id");
    assert.deepEqual(c.stats, { requests: 1, retries: 0, throttled: 0, failures: 1 });
    // Nothing was written by the refused put.
    const { Item } = await c0.getItem({ TableName: table, Key: { k: { S: "exists" } } });
    assert.deepEqual(Item, { k: { S: "exists" } });
  });

  test("ValidationException from the real endpoint is not retried", async () => {
    const f = scriptedFetch([]);
    const c = client(f.fetch);
    // A key that does not match the table's key schema.
    const error = await dynamoError(
      c.getItem({ TableName: table, Key: { other: { S: "1" } } }),
    );
    assert.equal(error.name, "ValidationException");
    assert.equal(error.status, 400);
    assert.equal(error.retryable, false);
    assert.equal(error.throttling, false);
    assert.equal(error.attempts, 1);
    assert.equal(f.calls.length, 1);
    assert.equal(f.passed, 1);
    assert.equal(f.calls[0].realStatus, 400);
  });

  test("ResourceNotFoundException from the real endpoint is not retried", async () => {
    const f = scriptedFetch([]);
    const error = await dynamoError(
      client(f.fetch).getItem({ TableName: "no-such-table", Key: { k: { S: "x" } } }),
    );
    assert.equal(error.name, "ResourceNotFoundException");
    assert.equal(error.retryable, false);
    assert.equal(f.calls.length, 1);
  });

  test("the error text is read from `message` and from `Message`", async () => {
    const lower = scriptedFetch(
      [],
      json(400, { __type: "x#AccessDeniedException", message: "lower m" }),
    );
    const e1 = await dynamoError(client(lower.fetch).send("DescribeTable", { TableName: table }));
    assert.equal(e1.name, "AccessDeniedException");
    assert.match(e1.message, /lower m/);
    assert.equal(e1.retryable, false);
    assert.equal(lower.calls.length, 1);

    const upper = scriptedFetch(
      [],
      json(400, { __type: "x#AccessDeniedException", Message: "upper M" }),
    );
    const e2 = await dynamoError(client(upper.fetch).send("DescribeTable", { TableName: table }));
    assert.equal(e2.name, "AccessDeniedException");
    assert.match(e2.message, /upper M/);
    assert.equal(upper.calls.length, 1);
  });

  test("a 200 reply whose body is not JSON is MalformedResponse and not retried", async () => {
    const f = scriptedFetch([], () => new Response("not json", { status: 200 }));
    const c = client(f.fetch);
    const error = await dynamoError(c.send("DescribeTable", { TableName: table }));
    assert.equal(error.name, "MalformedResponse");
    assert.equal(error.status, 200);
    assert.equal(error.retryable, false);
    assert.equal(error.attempts, 1);
    assert.equal(f.calls.length, 1);
  });

  test("maxRetries: 0 makes exactly one call even for a retryable failure", async () => {
    const f = scriptedFetch([], json(500, { __type: "InternalServerError", message: "x" }));
    const error = await dynamoError(
      client(f.fetch, { maxRetries: 0 }).send("DescribeTable", { TableName: table }),
    );
    assert.equal(error.name, "InternalServerError");
    assert.equal(error.retryable, true);
    assert.equal(error.attempts, 1);
    assert.equal(f.calls.length, 1);
  });
});

describe("retry quota", () => {
  test("a shared quota of 5 tokens allows one retry, then failures are returned at once", async () => {
    const quota = new RetryQuota(5);
    const failing = () => json(500, { __type: "InternalServerError", message: "down" });
    const a = scriptedFetch([], failing());
    const e1 = await dynamoError(
      client(a.fetch, { retryQuota: quota }).send("DescribeTable", { TableName: table }),
    );
    assert.equal(e1.name, "InternalServerError");
    assert.equal(e1.attempts, 2);
    assert.equal(a.calls.length, 2, "one retry, then the quota is empty");
    assert.equal(quota.available, 0);

    // A second client on the same quota does not retry at all.
    const b = scriptedFetch([], failing());
    const e2 = await dynamoError(
      client(b.fetch, { retryQuota: quota }).send("DescribeTable", { TableName: table }),
    );
    assert.equal(e2.attempts, 1);
    assert.equal(b.calls.length, 1);

    // A first-attempt success refunds one token, not more than the capacity.
    const ok = scriptedFetch([]);
    assertRealDescribeTable(
      await client(ok.fetch, { retryQuota: quota }).send("DescribeTable", { TableName: table }),
    );
    assert.equal(quota.available, 1);
  });

  test("a success after retries refunds what its retries cost", async () => {
    const quota = new RetryQuota(20);
    const f = scriptedFetch([
      json(500, { __type: "InternalServerError" }),
      json(500, { __type: "InternalServerError" }),
    ]);
    assertRealDescribeTable(
      await client(f.fetch, { retryQuota: quota }).send("DescribeTable", { TableName: table }),
    );
    assert.equal(f.calls.length, 3);
    assert.equal(quota.available, 20);
  });
});

describe("abort and timeout", () => {
  test("abort during a long backoff rejects promptly with the signal's reason and stops calling", async () => {
    // Throttling backoff caps are 500 ms x 2^retry. The first four backoffs use jitter 0
    // (no wait); from the fifth on the jitter is 1, so the wait after call 5 is 8 s.
    let draws = 0;
    const random = () => (++draws <= 4 ? 0 : 1);
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    let abortedAt = 0;
    const f = scriptedFetch([], () => {
      if (f.calls.length === 5) {
        setTimeout(() => {
          abortedAt = performance.now();
          controller.abort(reason);
        }, 50);
      }
      return fault("ProvisionedThroughputExceededException")();
    });
    const c = client(f.fetch, { random, maxRetries: 10 });
    const error = await rejection(
      c.send("DescribeTable", { TableName: table }, { signal: controller.signal }),
    );
    const settledAfter = performance.now() - abortedAt;
    assert.equal(error, reason);
    assert.ok(abortedAt > 0, "rejected only after the abort");
    assert.ok(settledAfter < 1500, `settled ${settledAfter} ms after abort; backoff was 8000 ms`);
    assert.equal(f.calls.length, 5);
    await sleep(100);
    assert.equal(f.calls.length, 5, "no call after the abort");
    assert.equal(c.stats.requests, 5);
  });

  test("abort while a request is in flight rejects with the signal's reason, not a NetworkError", async () => {
    const controller = new AbortController();
    const reason = new Error("stop now");
    const f = scriptedFetch([], hang());
    const c = client(f.fetch, { maxRetries: 3 });
    const pending = rejection(
      c.send("DescribeTable", { TableName: table }, { signal: controller.signal }),
    );
    await sleep(20);
    controller.abort(reason);
    assert.equal(await pending, reason);
    await sleep(50);
    assert.equal(f.calls.length, 1);
    assert.equal(c.stats.retries, 0, "an aborted attempt is not counted as retried");
  });

  test("an already-aborted signal rejects with its reason and makes no call", async () => {
    const f = scriptedFetch([]);
    const reason = new Error("too late");
    const error = await rejection(
      client(f.fetch).send("DescribeTable", { TableName: table }, {
        signal: AbortSignal.abort(reason),
      }),
    );
    assert.equal(error, reason);
    assert.equal(f.calls.length, 0);
  });

  test("a request with no answer times out per attempt: RequestTimeout, timeout true, retried once", async () => {
    const f = scriptedFetch([], hang());
    const c = client(f.fetch, { requestTimeoutMs: 100, maxRetries: 1 });
    const error = await dynamoError(c.send("DescribeTable", { TableName: table }));
    assert.equal(error.name, "RequestTimeout");
    assert.equal(error.timeout, true);
    assert.equal(error.retryable, true);
    assert.equal(error.throttling, false);
    assert.equal(error.status, 0);
    assert.equal(error.attempts, 2);
    assert.equal(f.calls.length, 2);
    assert.match(error.message, /100 ms/);
  });

  test("a response whose body stalls times out too: the timeout covers the body", async () => {
    const f = scriptedFetch([], (init) => {
      const signal = init.signal!;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"TableNames":['));
          signal.addEventListener("abort", () => controller.error(signal.reason), { once: true });
        },
      });
      return new Response(body, { status: 200 });
    });
    const error = await dynamoError(
      client(f.fetch, { requestTimeoutMs: 100, maxRetries: 0 }).send("DescribeTable", {
        TableName: table,
      }),
    );
    assert.equal(error.name, "RequestTimeout");
    assert.equal(error.timeout, true);
    assert.equal(f.calls.length, 1);
  });

  test("a credentials provider that fails is not retried and nothing is sent", async () => {
    const f = scriptedFetch([]);
    const failure = new CredentialsError("no credentials anywhere");
    const c = client(f.fetch, {
      credentials: { name: "failing", getCredentials: () => Promise.reject(failure) },
    });
    assert.equal(await rejection(c.send("DescribeTable", { TableName: table })), failure);
    assert.equal(f.calls.length, 0);
  });

  test("a timeout retry costs 10 quota tokens", async () => {
    const quota = new RetryQuota(15);
    const f = scriptedFetch([], hang());
    const error = await dynamoError(
      client(f.fetch, { requestTimeoutMs: 50, maxRetries: 5, retryQuota: quota }).send(
        "ListTables",
        {},
      ),
    );
    assert.equal(error.name, "RequestTimeout");
    assert.equal(f.calls.length, 2, "15 tokens pay for one timeout retry, not two");
    assert.equal(quota.available, 5);
  });
});

describe("secrets stay out of errors", () => {
  test("a local secret too short to be a real key does not mangle service messages", async () => {
    const message = "The AttributeValue for a key attribute cannot contain an empty string value.";
    const f = scriptedFetch([fault("ValidationException", message)]);
    const c = client(f.fetch, { credentials: { accessKeyId: "a", secretAccessKey: "b" } });
    const error = await dynamoError(c.send("DescribeTable", { TableName: table }));
    assert.ok(error.message.includes(message), error.message);
  });

  test("an InvalidSignatureException echoing the secret, session token and signature is redacted", async () => {
    const credentials = {
      accessKeyId: "AKIDREDACTTEST",
      secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzSECRETzKEY",
      sessionToken: "FwoGZXIvYXdzEBYaDSESSION+TOKEN/abc==",
    };
    let signature = "";
    const f = scriptedFetch([], (init) => {
      const authorization = new Headers(init.headers).get("authorization") ?? "";
      signature = /Signature=([0-9a-f]+)/.exec(authorization)?.[1] ?? "";
      const message = "The request signature we calculated does not match the signature you " +
        `provided. Canonical request: x-amz-security-token:${credentials.sessionToken}\n` +
        `String to sign ... secret ${credentials.secretAccessKey} ` +
        `Authorization: ${authorization}`;
      return json(400, { __type: "com.amazon.coral.service#InvalidSignatureException", message })();
    });
    const c = client(f.fetch, { credentials });
    const error = await dynamoError(c.send("DescribeTable", { TableName: table }));
    assert.equal(error.name, "InvalidSignatureException");
    assert.equal(error.retryable, false);
    assert.equal(f.calls.length, 1);
    assert.ok(signature.length >= 64, "the fetch saw a signature to echo");
    assert.match(error.message, /\[redacted\]/);

    const texts: [string, string][] = [
      ["message", error.message],
      ["String(err)", String(error)],
      ["JSON.stringify(err)", JSON.stringify(error)],
      ["stack", error.stack ?? ""],
    ];
    for (let cause = (error as Error).cause, depth = 0; cause !== undefined; depth++) {
      texts.push([`cause ${depth}`, String(cause)]);
      if (cause instanceof Error) texts.push([`cause ${depth} stack`, cause.stack ?? ""]);
      cause = cause instanceof Error ? cause.cause : undefined;
    }
    for (const [where, text] of texts) {
      for (
        const [what, secret] of [
          ["secret access key", credentials.secretAccessKey],
          ["session token", credentials.sessionToken],
          ["signature", signature],
        ]
      ) {
        assert.ok(!text.includes(secret), `${where} contains the ${what}: ${text}`);
      }
    }
  });
});

describe("constructor validation", () => {
  const base = {
    region: "us-east-1",
    endpoint: "http://127.0.0.1:1",
    credentials: LOCAL_CREDENTIALS,
  };

  test("a region with a space is a TypeError", () => {
    assert.throws(() => new DynamoDBClient({ ...base, region: "us east-1" }), TypeError);
  });

  test("an endpoint that is not a URL is a TypeError", () => {
    assert.throws(() => new DynamoDBClient({ ...base, endpoint: "not a url" }), TypeError);
  });

  test("maxRetries -1 is a RangeError", () => {
    assert.throws(() => new DynamoDBClient({ ...base, maxRetries: -1 }), RangeError);
  });

  test("missing credentials are a TypeError", () => {
    assert.throws(
      () =>
        new DynamoDBClient({
          ...base,
          credentials: undefined as unknown as AwsCredentials,
        }),
      TypeError,
    );
  });

  test("credentials with an empty secret are a CredentialsError", () => {
    assert.throws(
      () =>
        new DynamoDBClient({
          ...base,
          credentials: { accessKeyId: "AKID", secretAccessKey: "" },
        }),
      CredentialsError,
    );
  });

  test("valid options construct a client with the given settings", () => {
    const c = new DynamoDBClient({ ...base, maxRetries: 0, requestTimeoutMs: 5 });
    assert.equal(c.maxRetries, 0);
    assert.equal(c.requestTimeoutMs, 5);
    assert.equal(c.endpoint.href, "http://127.0.0.1:1/");
  });
});

describe("the wire request", () => {
  test("a GetItem is a signed POST of JSON 1.0 with the DynamoDB target", async () => {
    const f = scriptedFetch([]);
    const input = { TableName: table, Key: { k: { S: "absent" } }, ConsistentRead: true };
    const dayBefore = new Date().toISOString().slice(0, 10).replaceAll("-", "");
    const output = await client(f.fetch).getItem(input);
    const dayAfter = new Date().toISOString().slice(0, 10).replaceAll("-", "");
    assert.deepEqual(output, {}, "the real endpoint answered: no such item");
    assert.equal(f.calls.length, 1);
    assert.equal(f.passed, 1);
    const [call] = f.calls;
    assert.equal(call.method, "POST");
    assert.equal(new URL(call.url).origin, dynamo.endpoint);
    assert.equal(call.headers.get("content-type"), "application/x-amz-json-1.0");
    assert.equal(call.headers.get("x-amz-target"), "DynamoDB_20120810.GetItem");
    assert.deepEqual(JSON.parse(call.body), input);
    const date = call.headers.get("x-amz-date") ?? "";
    assert.match(date, /^\d{8}T\d{6}Z$/);
    assert.ok([dayBefore, dayAfter].includes(date.slice(0, 8)), `x-amz-date ${date} is today`);
    const authorization = call.headers.get("authorization") ?? "";
    assert.ok(
      authorization.startsWith(
        `AWS4-HMAC-SHA256 Credential=${LOCAL_CREDENTIALS.accessKeyId}/${
          date.slice(0, 8)
        }/us-east-1/dynamodb/aws4_request`,
      ),
      authorization,
    );
    const signed = /SignedHeaders=([^,]+)/.exec(authorization)?.[1].split(";") ?? [];
    // aws4fetch leaves content-type unsigned, as SigV4 allows; host and x-amz-* must be signed.
    for (const header of ["host", "x-amz-date", "x-amz-target"]) {
      assert.ok(signed.includes(header), `${header} is signed: ${signed}`);
    }
    assert.match(authorization, /Signature=[0-9a-f]{64}$/);
    assert.equal(call.headers.get("x-amz-security-token"), null, "no token without one");
  });

  test("a session token is sent as x-amz-security-token and signed", async () => {
    const f = scriptedFetch([]);
    const credentials = { ...LOCAL_CREDENTIALS, sessionToken: "SESSIONTOKEN123" };
    await client(f.fetch, { credentials }).getItem({ TableName: table, Key: { k: { S: "a" } } });
    const [call] = f.calls;
    assert.equal(call.headers.get("x-amz-security-token"), "SESSIONTOKEN123");
    const authorization = call.headers.get("authorization") ?? "";
    assert.match(authorization, /SignedHeaders=[^,]*x-amz-security-token/);
  });

  test("every attempt is re-signed with the same body", async () => {
    const f = scriptedFetch([json(500, { __type: "InternalServerError" })]);
    await client(f.fetch).getItem({ TableName: table, Key: { k: { S: "a" } } });
    assert.equal(f.calls.length, 2);
    assert.equal(f.calls[0].body, f.calls[1].body);
    assert.ok(f.calls[1].headers.get("authorization")?.startsWith("AWS4-HMAC-SHA256 "));
  });
});
