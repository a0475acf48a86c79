import { DynastoreError } from "../errors.ts";

/** What {@linkcode DynamoDBError} knows beyond its message. */
export interface DynamoDBErrorInit {
  /** Short exception name, e.g. `ConditionalCheckFailedException`. */
  name: string;
  /** The operation that failed, e.g. `PutItem`. */
  operation: string;
  /** HTTP status; 0 when no response arrived (network error or timeout). */
  status: number;
  /** The `x-amzn-RequestId` of the response, if there was one. */
  requestId?: string;
  /** Whether sending the same request again may succeed. */
  retryable: boolean;
  /** Whether the service asked us to slow down. */
  throttling: boolean;
  /** Whether the attempt ran out of time. */
  timeout?: boolean;
  /** The underlying error (e.g. what `fetch` rejected with). */
  cause?: unknown;
}

/**
 * A failed DynamoDB request: a service error, a response that is not what the protocol
 * promises, a network error or a timeout. `name` is the short exception name the
 * service sent (`ConditionalCheckFailedException`, `ValidationException`, ...), or one
 * derived from the HTTP status when the body said nothing (`ServiceUnavailable`), or
 * `NetworkError` / `RequestTimeout` when no response arrived.
 *
 * @example Tell a failed condition from other failures
 * ```ts
 * import { DynamoDBError } from "@dynastore/dynastore";
 *
 * function isConditionFailure(error: unknown): boolean {
 *   return error instanceof DynamoDBError && error.name === "ConditionalCheckFailedException";
 * }
 * isConditionFailure(new Error("other")); // false
 * ```
 */
export class DynamoDBError extends DynastoreError {
  /** The operation that failed, e.g. `PutItem`. */
  readonly operation: string;
  /** HTTP status; 0 when no response arrived. */
  readonly status: number;
  /** The service's request id, to quote to AWS support. */
  readonly requestId: string | undefined;
  /** Whether sending the same request again may succeed. */
  readonly retryable: boolean;
  /** Whether the service asked us to slow down. */
  readonly throttling: boolean;
  /** Whether the attempt ran out of time. */
  readonly timeout: boolean;
  /** How many attempts were made before giving up (set by the retry loop). */
  attempts = 1;

  /**
   * Creates an error; the client does this, users rarely need to.
   *
   * @param message What the service (or the transport) said.
   * @param init The classification.
   */
  constructor(message: string, init: DynamoDBErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = init.name;
    this.operation = init.operation;
    this.status = init.status;
    this.requestId = init.requestId;
    this.retryable = init.retryable;
    this.throttling = init.throttling;
    this.timeout = init.timeout ?? false;
  }
}
