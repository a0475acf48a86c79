// A `fetch` for the backend's `fetch` option that records the DynamoDB operation of
// every request (from its x-amz-target header) and forwards it to the real endpoint,
// optionally through a hook that may rewrite the request or the reply.

const TARGET_PREFIX = "DynamoDB_20120810.";

/** One request seen by the spy. */
export interface SeenRequest {
  /** The operation, e.g. "BatchWriteItem". */
  operation: string;
  /** The parsed JSON body as sent by the client. */
  body: Record<string, unknown>;
}

/**
 * Handles one request instead of plain forwarding; `forward` sends a (possibly
 * rewritten) body to the real endpoint with the client's headers.
 */
export type RequestHook = (
  request: SeenRequest,
  forward: (body: Record<string, unknown>) => Promise<Response>,
) => Promise<Response>;

/** A recording `fetch`. */
export interface RequestSpy {
  /** Pass as the backend's `fetch` option. */
  fetch: typeof fetch;
  /** Every request since the last `reset()`, in order. */
  readonly requests: SeenRequest[];
  /** The operations of `requests`. */
  operations(): string[];
  /** How many requests of `operation` were seen since the last `reset()`. */
  count(operation: string): number;
  /** Forgets what was seen (e.g. the table set-up of `open`). */
  reset(): void;
}

/** Creates a spy; `hook` (optional) intercepts each request. */
export function requestSpy(hook?: RequestHook): RequestSpy {
  let requests: SeenRequest[] = [];
  const spyFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers);
    const target = headers.get("x-amz-target") ?? "";
    const operation = target.startsWith(TARGET_PREFIX)
      ? target.slice(TARGET_PREFIX.length)
      : target;
    const text = typeof init?.body === "string" ? init.body : "";
    const seen: SeenRequest = { operation, body: text === "" ? {} : JSON.parse(text) };
    requests.push(seen);
    const forward = (body: Record<string, unknown>) => {
      const rewritten = new Headers(headers);
      rewritten.delete("content-length");
      return fetch(input, { ...init, headers: rewritten, body: JSON.stringify(body) });
    };
    return hook ? await hook(seen, forward) : await fetch(input, init);
  };
  return {
    fetch: spyFetch as typeof fetch,
    get requests() {
      return requests;
    },
    operations: () => requests.map((request) => request.operation),
    count: (operation) => requests.filter((request) => request.operation === operation).length,
    reset: () => {
      requests = [];
    },
  };
}

/** A DynamoDB-style JSON reply. */
export function jsonReply(body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { "content-type": "application/x-amz-json-1.0" },
  });
}
