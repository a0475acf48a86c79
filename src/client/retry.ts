// Retry policy of the AWS SDK for JavaScript v3 "standard" mode (REFERENCE section 7):
// full-jitter exponential backoff, throttling told apart from transient failures, and a
// shared retry quota so that a failing dependency does not get hammered by every caller.

/** Retries after the first attempt; DynamoDB's default in the 2026 SDK retry update is 4 attempts. */
export const DEFAULT_MAX_RETRIES = 3;
/** Backoff base for transient failures (5xx, network errors, timeouts), as in SDK v3. */
export const TRANSIENT_BASE_DELAY_MS = 100;
/** Backoff base for throttling: the service asked us to slow down, so back off harder. */
export const THROTTLING_BASE_DELAY_MS = 500;
/** No single backoff is longer than this (SDK v3 `MAXIMUM_RETRY_DELAY`). */
export const MAX_BACKOFF_MS = 20_000;
/** Tokens in a full retry quota (SDK v3 `INITIAL_RETRY_TOKENS`). */
export const RETRY_QUOTA_CAPACITY = 500;
/** Tokens a retry costs (SDK v3 `RETRY_COST`). */
export const RETRY_COST = 5;
/** Tokens a retry after a timeout costs (SDK v3 `TIMEOUT_RETRY_COST`). */
export const TIMEOUT_RETRY_COST = 10;
/** Tokens a first-attempt success gives back (SDK v3 `NO_RETRY_INCREMENT`). */
const NO_RETRY_INCREMENT = 1;

const THROTTLING_NAMES = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "RequestThrottledException",
  "RequestThrottled",
  "RequestLimitExceeded",
  "LimitExceededException",
  "TransactionInProgressException",
  "TooManyRequestsException",
  "BandwidthLimitExceeded",
  "SlowDown",
  "EC2ThrottledException",
  "PriorRequestNotComplete",
]);

const TRANSIENT_NAMES = new Set([
  "InternalServerError",
  "InternalFailure",
  "ServiceUnavailable",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
]);

const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);

/** Whether a response with this exception name and status means "slow down". */
export function isThrottling(name: string, status: number): boolean {
  return status === 429 || THROTTLING_NAMES.has(name);
}

/** Whether a response with this exception name and status may succeed when sent again. */
export function isTransient(name: string, status: number): boolean {
  return TRANSIENT_STATUSES.has(status) || TRANSIENT_NAMES.has(name);
}

/**
 * The backoff before retry number `retry` (0 for the first retry): a uniformly random
 * share of an exponentially growing cap ("full jitter").
 */
export function backoffDelay(retry: number, throttling: boolean, random: () => number): number {
  const base = throttling ? THROTTLING_BASE_DELAY_MS : TRANSIENT_BASE_DELAY_MS;
  return random() * Math.min(base * 2 ** retry, MAX_BACKOFF_MS);
}

/**
 * A token bucket shared by all requests of one client. Retries spend tokens, successes
 * give some back; when it is empty, failures are returned at once instead of retried.
 *
 * @example
 * ```ts
 * import { RetryQuota } from "@dynastore/dynastore";
 *
 * const quota = new RetryQuota(10);
 * quota.tryAcquire(5); // true
 * quota.available; // 5
 * ```
 */
export class RetryQuota {
  #available: number;
  readonly #capacity: number;

  /**
   * Creates a full quota.
   *
   * @param capacity Tokens when full; 500 as in the AWS SDKs.
   */
  constructor(capacity: number = RETRY_QUOTA_CAPACITY) {
    if (!Number.isFinite(capacity) || capacity < 0) {
      throw new RangeError(`Cannot create retry quota: capacity must be >= 0, got ${capacity}`);
    }
    this.#capacity = capacity;
    this.#available = capacity;
  }

  /** Tokens left. */
  get available(): number {
    return this.#available;
  }

  /** Takes `cost` tokens if there are that many; returns whether it did. */
  tryAcquire(cost: number): boolean {
    if (this.#available < cost) return false;
    this.#available -= cost;
    return true;
  }

  /**
   * Gives tokens back after a success: what its retries cost, or a small increment when
   * it needed none.
   */
  release(retryCost: number): void {
    const refund = retryCost > 0 ? retryCost : NO_RETRY_INCREMENT;
    this.#available = Math.min(this.#capacity, this.#available + refund);
  }
}
