import { DynastoreError } from "../errors.ts";

/**
 * AWS credentials for signing requests.
 *
 * @example
 * ```ts
 * import type { AwsCredentials } from "@dynastore/dynastore";
 *
 * const credentials: AwsCredentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalr..." };
 * ```
 */
export interface AwsCredentials {
  /** The access key id (not secret; it appears in every request). */
  readonly accessKeyId: string;
  /** The secret access key; never logged, never put in an error. */
  readonly secretAccessKey: string;
  /** The session token of temporary credentials. */
  readonly sessionToken?: string;
  /** When temporary credentials stop working. */
  readonly expiration?: Date;
}

/** Options of {@linkcode CredentialsProvider.getCredentials}. */
export interface GetCredentialsOptions {
  /** Abandons a slow lookup (e.g. a metadata service). */
  signal?: AbortSignal;
  /** Ignore any cached credentials (after the service said they expired). */
  forceRefresh?: boolean;
}

/**
 * A source of credentials, asked before every request attempt so that it can refresh
 * temporary credentials. Implementations cache; asking must be cheap.
 *
 * @example A provider of fixed credentials
 * ```ts
 * import type { CredentialsProvider } from "@dynastore/dynastore";
 *
 * const provider: CredentialsProvider = {
 *   name: "fixed",
 *   getCredentials: () => Promise.resolve({ accessKeyId: "AKID", secretAccessKey: "secret" }),
 * };
 * ```
 */
export interface CredentialsProvider {
  /** Names the source in error messages, e.g. `environment`. */
  readonly name: string;
  /** Resolves credentials, or rejects with a {@linkcode CredentialsError} saying why not. */
  getCredentials(options?: GetCredentialsOptions): Promise<AwsCredentials>;
}

/**
 * No usable credentials: none configured, one key without the other, or every source
 * of a chain came up empty. The message names the sources and why each gave nothing,
 * never a secret value.
 *
 * @example
 * ```ts
 * import { CredentialsError } from "@dynastore/dynastore";
 *
 * const error = new CredentialsError("no credentials");
 * error.name; // "CredentialsError"
 * ```
 */
export class CredentialsError extends DynastoreError {
  /**
   * Creates an error.
   *
   * @param message What is missing and where to set it.
   * @param options The underlying `cause`, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CredentialsError";
  }
}

/** Whether `value` is a provider rather than a credentials object. */
export function isCredentialsProvider(value: unknown): value is CredentialsProvider {
  return typeof (value as CredentialsProvider | undefined)?.getCredentials === "function";
}
