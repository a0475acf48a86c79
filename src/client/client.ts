import { AwsV4Signer } from "aws4fetch";
import { delay } from "../_delay.ts";
import { StaticCredentialsProvider } from "../credentials/static.ts";
import {
  type AwsCredentials,
  type CredentialsProvider,
  isCredentialsProvider,
} from "../credentials/types.ts";
import { DynamoDBError } from "./errors.ts";
import {
  backoffDelay,
  DEFAULT_MAX_RETRIES,
  isThrottling,
  isTransient,
  RETRY_COST,
  RetryQuota,
  TIMEOUT_RETRY_COST,
} from "./retry.ts";
import type {
  BatchWriteItemInput,
  BatchWriteItemOutput,
  CreateTableInput,
  CreateTableOutput,
  DeleteItemInput,
  DescribeTableInput,
  DescribeTableOutput,
  GetItemInput,
  GetItemOutput,
  PutItemInput,
  QueryInput,
  QueryOutput,
  TransactWriteItemsInput,
  UpdateItemInput,
  UpdateTableInput,
  UpdateTableOutput,
  WriteItemOutput,
} from "./types.ts";

/** Per-attempt timeout unless configured: long enough for a 16 MB BatchWriteItem reply. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

const REGION_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/i;
const MAX_CACHED_SIGNING_KEYS = 4;
// AWS secret keys are 40 characters, session tokens hundreds, signatures 64.
const MIN_REDACTED_LENGTH = 8;
const JSON_CONTENT_TYPE = "application/x-amz-json-1.0";
const TARGET_PREFIX = "DynamoDB_20120810.";

/** Settings of a {@linkcode DynamoDBClient}. */
export interface DynamoDBClientOptions {
  /** AWS region, e.g. `us-east-1`; part of the signature even for local endpoints. */
  region: string;
  /** Custom endpoint, e.g. `http://127.0.0.1:8000`; default `https://dynamodb.<region>.amazonaws.com`. */
  endpoint?: string | URL;
  /** Fixed credentials or a provider asked before each attempt. */
  credentials: AwsCredentials | CredentialsProvider;
  /** Retries after the first attempt (`dynamodb_max_retries`); default 3. 0 disables retries. */
  maxRetries?: number;
  /** Time allowed for one attempt, response body included; default 10 000 ms. */
  requestTimeoutMs?: number;
  /** The `fetch` to use; default the global one. Tests put a fault injector here. */
  fetch?: typeof fetch;
  /** The retry token bucket; default a fresh one of 500 tokens per client. */
  retryQuota?: RetryQuota;
  /** Source of jitter in [0, 1); default `Math.random`. */
  random?: () => number;
}

/** Options of one request. */
export interface RequestOptions {
  /** Aborts the request and any wait between attempts; nothing is retried after it fires. */
  signal?: AbortSignal;
}

/** Counters of a client's traffic since it was created. */
export interface ClientStats {
  /** HTTP requests sent (every attempt counts). */
  requests: number;
  /** Attempts that were retries of a failed one. */
  retries: number;
  /** Attempts answered with a throttling error. */
  throttled: number;
  /** Calls that finally failed. */
  failures: number;
}

/**
 * A small DynamoDB client on `fetch`: the JSON 1.0 protocol, SigV4 signatures by
 * aws4fetch, typed errors ({@linkcode DynamoDBError}), the AWS SDK's standard retry
 * policy, per-attempt timeouts and `AbortSignal` support. It works wherever `fetch`
 * and `crypto.subtle` do.
 *
 * @example Read an item
 * ```ts
 * import { DynamoDBClient } from "@dynastore/dynastore";
 *
 * const client = new DynamoDBClient({
 *   region: "us-east-1",
 *   endpoint: "http://127.0.0.1:8000",
 *   credentials: { accessKeyId: "local", secretAccessKey: "local" },
 * });
 * const { Item } = await client.getItem({
 *   TableName: "vault-dynamodb-backend",
 *   Key: { Path: { S: "sys" }, Key: { S: "token" } },
 *   ConsistentRead: true,
 * });
 * ```
 */
export class DynamoDBClient {
  /** The region requests are signed for. */
  readonly region: string;
  /** Where requests go. */
  readonly endpoint: URL;
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** Time allowed for one attempt. */
  readonly requestTimeoutMs: number;

  readonly #credentials: CredentialsProvider;
  readonly #fetch: typeof fetch;
  readonly #quota: RetryQuota;
  readonly #random: () => number;
  // Derived signing keys, keyed by secret+date+region+service: private so that the
  // secret inside the cache keys can never be printed by inspecting the client.
  readonly #signingKeys = new Map<string, ArrayBuffer>();
  readonly #stats: ClientStats = { requests: 0, retries: 0, throttled: 0, failures: 0 };

  /**
   * Creates a client; nothing is sent until the first request.
   *
   * @param options Region, endpoint, credentials and retry settings.
   * @throws {TypeError} On a malformed region or endpoint, or missing credentials.
   * @throws {RangeError} On a negative retry count or a non-positive timeout.
   */
  constructor(options: DynamoDBClientOptions) {
    const { region, endpoint, credentials } = options ?? {};
    if (typeof region !== "string" || !REGION_PATTERN.test(region)) {
      throw new TypeError(
        `Cannot create DynamoDB client: region must look like "us-east-1", got ${
          JSON.stringify(region)
        }`,
      );
    }
    this.region = region;
    this.endpoint = parseEndpoint(endpoint ?? `https://dynamodb.${region}.amazonaws.com`);
    if (credentials === undefined || credentials === null) {
      throw new TypeError("Cannot create DynamoDB client: credentials are required");
    }
    this.#credentials = isCredentialsProvider(credentials)
      ? credentials
      : new StaticCredentialsProvider(credentials);
    const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new RangeError(
        `Cannot create DynamoDB client: maxRetries must be an integer >= 0, got ${maxRetries}`,
      );
    }
    this.maxRetries = maxRetries;
    const timeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    if (!(timeout > 0) || !Number.isFinite(timeout)) {
      throw new RangeError(
        `Cannot create DynamoDB client: requestTimeoutMs must be a positive number, got ${timeout}`,
      );
    }
    this.requestTimeoutMs = timeout;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#quota = options.retryQuota ?? new RetryQuota();
    this.#random = options.random ?? Math.random;
  }

  /** A snapshot of the traffic counters. */
  get stats(): ClientStats {
    return { ...this.#stats };
  }

  /** Reads one item (`GetItem`). */
  getItem(input: GetItemInput, options?: RequestOptions): Promise<GetItemOutput> {
    return this.send("GetItem", input, options) as Promise<GetItemOutput>;
  }

  /** Writes one whole item (`PutItem`). */
  putItem(input: PutItemInput, options?: RequestOptions): Promise<WriteItemOutput> {
    return this.send("PutItem", input, options) as Promise<WriteItemOutput>;
  }

  /** Changes attributes of one item (`UpdateItem`). */
  updateItem(input: UpdateItemInput, options?: RequestOptions): Promise<WriteItemOutput> {
    return this.send("UpdateItem", input, options) as Promise<WriteItemOutput>;
  }

  /** Deletes one item (`DeleteItem`); deleting a missing item succeeds. */
  deleteItem(input: DeleteItemInput, options?: RequestOptions): Promise<WriteItemOutput> {
    return this.send("DeleteItem", input, options) as Promise<WriteItemOutput>;
  }

  /** Reads one page of a partition (`Query`). */
  query(input: QueryInput, options?: RequestOptions): Promise<QueryOutput> {
    return this.send("Query", input, options) as Promise<QueryOutput>;
  }

  /**
   * Puts and deletes up to 25 items (`BatchWriteItem`). The reply may list
   * `UnprocessedItems`: those were not written and must be sent again.
   */
  batchWriteItem(
    input: BatchWriteItemInput,
    options?: RequestOptions,
  ): Promise<BatchWriteItemOutput> {
    return this.send("BatchWriteItem", input, options) as Promise<BatchWriteItemOutput>;
  }

  /** Describes a table (`DescribeTable`). */
  describeTable(
    input: DescribeTableInput,
    options?: RequestOptions,
  ): Promise<DescribeTableOutput> {
    return this.send("DescribeTable", input, options) as Promise<DescribeTableOutput>;
  }

  /** Creates a table (`CreateTable`); it is usable once its status is `ACTIVE`. */
  createTable(input: CreateTableInput, options?: RequestOptions): Promise<CreateTableOutput> {
    return this.send("CreateTable", input, options) as Promise<CreateTableOutput>;
  }

  /** Changes a table's billing mode or capacity (`UpdateTable`). */
  updateTable(input: UpdateTableInput, options?: RequestOptions): Promise<UpdateTableOutput> {
    return this.send("UpdateTable", input, options) as Promise<UpdateTableOutput>;
  }

  /** Applies up to 100 writes atomically (`TransactWriteItems`). */
  transactWriteItems(
    input: TransactWriteItemsInput,
    options?: RequestOptions,
  ): Promise<Record<string, unknown>> {
    return this.send("TransactWriteItems", input, options);
  }

  /**
   * Sends any DynamoDB operation with the retry policy and returns the parsed reply.
   *
   * @param operation The operation name, e.g. `ListTables` or any other operation of the DynamoDB API.
   * @param input The request body, in wire form.
   * @param options An `AbortSignal`; when it fires the call rejects with its reason.
   * @throws {DynamoDBError} When the service refuses, or retries are exhausted.
   */
  async send(
    operation: string,
    input: unknown,
    options?: RequestOptions,
  ): Promise<Record<string, unknown>> {
    const signal = options?.signal;
    // Serialised once: every attempt sends (and hashes) the same bytes.
    const body = JSON.stringify(input);
    let retryCost = 0;
    for (let attempt = 0;; attempt++) {
      signal?.throwIfAborted();
      try {
        const output = await this.#attempt(operation, body, signal);
        this.#quota.release(retryCost);
        return output;
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (!(error instanceof DynamoDBError)) throw error;
        error.attempts = attempt + 1;
        if (error.throttling) this.#stats.throttled++;
        const cost = error.timeout ? TIMEOUT_RETRY_COST : RETRY_COST;
        if (!error.retryable || attempt >= this.maxRetries || !this.#quota.tryAcquire(cost)) {
          this.#stats.failures++;
          throw error;
        }
        retryCost += cost;
        this.#stats.retries++;
        await delay(backoffDelay(attempt, error.throttling, this.#random), signal);
      }
    }
  }

  async #attempt(
    operation: string,
    body: string,
    signal: AbortSignal | undefined,
  ): Promise<Record<string, unknown>> {
    const credentials = await this.#credentials.getCredentials({ signal });
    // One derived key per day and secret: drop stale ones from long-lived clients.
    if (this.#signingKeys.size > MAX_CACHED_SIGNING_KEYS) this.#signingKeys.clear();
    const signer = new AwsV4Signer({
      method: "POST",
      url: this.endpoint.href,
      headers: {
        "content-type": JSON_CONTENT_TYPE,
        "x-amz-target": TARGET_PREFIX + operation,
      },
      body,
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      service: "dynamodb",
      region: this.region,
      cache: this.#signingKeys,
    });
    const { headers } = await signer.sign();

    const attemptController = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      attemptController.abort(new DOMException("request timed out", "TimeoutError"));
    }, this.requestTimeoutMs);
    const onCallerAbort = () => attemptController.abort(signal!.reason);
    signal?.addEventListener("abort", onCallerAbort, { once: true });

    this.#stats.requests++;
    let status: number;
    let text: string;
    let requestId: string | undefined;
    try {
      const response = await this.#fetch(this.endpoint, {
        method: "POST",
        headers,
        body,
        signal: attemptController.signal,
      });
      status = response.status;
      requestId = response.headers.get("x-amzn-requestid") ?? undefined;
      text = await response.text();
    } catch (cause) {
      if (signal?.aborted) throw signal.reason;
      if (timedOut) {
        throw new DynamoDBError(
          `DynamoDB ${operation}: no complete response within ${this.requestTimeoutMs} ms`,
          {
            name: "RequestTimeout",
            operation,
            status: 0,
            retryable: true,
            throttling: false,
            timeout: true,
          },
        );
      }
      throw new DynamoDBError(
        `DynamoDB ${operation}: network error: ${errorText(cause)}`,
        { name: "NetworkError", operation, status: 0, retryable: true, throttling: false, cause },
      );
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onCallerAbort);
    }

    if (status >= 200 && status < 300) {
      try {
        const parsed = text === "" ? {} : JSON.parse(text);
        if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
          return parsed;
        }
      } catch { /* reported below */ }
      throw new DynamoDBError(
        `DynamoDB ${operation}: HTTP ${status} with a body that is not a JSON object (${text.length} bytes); is the endpoint a DynamoDB endpoint?`,
        {
          name: "MalformedResponse",
          operation,
          status,
          requestId,
          retryable: false,
          throttling: false,
        },
      );
    }
    throw serviceError(operation, status, text, requestId, [
      credentials.secretAccessKey,
      credentials.sessionToken,
      signatureOf(headers),
    ]);
  }
}

function parseEndpoint(endpoint: string | URL): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError(
      `Cannot create DynamoDB client: endpoint is not a URL: ${JSON.stringify(String(endpoint))}`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(
      `Cannot create DynamoDB client: endpoint must be http: or https:, got "${url.protocol}"`,
    );
  }
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
    throw new TypeError(
      "Cannot create DynamoDB client: endpoint must not carry credentials, a query or a fragment",
    );
  }
  return url;
}

const STATUS_NAMES: Record<number, string> = {
  413: "RequestEntityTooLarge",
  429: "TooManyRequestsException",
  500: "InternalServerError",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

/**
 * Builds the error for a non-2xx reply. The status is classified before the body is
 * parsed, because DynamoDB (and proxies in front of it) sometimes answer 5xx with an
 * HTML page.
 */
function serviceError(
  operation: string,
  status: number,
  text: string,
  requestId: string | undefined,
  secrets: (string | undefined)[],
): DynamoDBError {
  let name = STATUS_NAMES[status] ?? `HttpError${status}`;
  let message = "";
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const type = parsed?.__type ?? parsed?.code;
    if (typeof type === "string" && type !== "") name = type.slice(type.lastIndexOf("#") + 1);
    const said = parsed?.message ?? parsed?.Message;
    if (typeof said === "string") message = said;
  } catch {
    // Not JSON: keep the status-derived name and say how much we got.
  }
  if (message === "") {
    message = text === "" ? "(empty body)" : `(non-JSON body, ${text.length} bytes)`;
  }
  // A signature error echoes the canonical request, which names the session token.
  // Strings shorter than any real key, token or signature (local test keys such as
  // "b") are left alone: redacting them would mangle every word that contains them.
  for (const secret of secrets) {
    if (secret && secret.length >= MIN_REDACTED_LENGTH) {
      message = message.replaceAll(secret, "[redacted]");
    }
  }
  const throttling = isThrottling(name, status);
  return new DynamoDBError(
    `DynamoDB ${operation}: ${message} (HTTP ${status}${
      requestId ? `, request id ${requestId}` : ""
    })`,
    {
      name,
      operation,
      status,
      requestId,
      retryable: throttling || isTransient(name, status),
      throttling,
    },
  );
}

function signatureOf(headers: Headers): string | undefined {
  return headers.get("authorization")?.match(/Signature=([0-9a-f]+)/)?.[1];
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    return typeof code === "string" ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
