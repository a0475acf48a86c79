import { type AwsCredentials, CredentialsError, type CredentialsProvider } from "./types.ts";

/**
 * A provider of fixed credentials, checked once: both keys must be non-empty strings.
 * The secret lives in a private field, so inspecting or serialising the provider
 * shows no secret.
 *
 * @example
 * ```ts
 * import { StaticCredentialsProvider } from "@dynastore/dynastore";
 *
 * const provider = new StaticCredentialsProvider({
 *   accessKeyId: "AKIDEXAMPLE",
 *   secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
 * });
 * await provider.getCredentials();
 * ```
 */
export class StaticCredentialsProvider implements CredentialsProvider {
  /** Where the credentials came from, for error messages. */
  readonly name: string;
  readonly #credentials: AwsCredentials;

  /**
   * Checks and keeps the credentials.
   *
   * @param credentials The keys (and session token).
   * @param name The source, e.g. `config` or `environment`.
   * @throws {CredentialsError} If a key is missing or empty.
   */
  constructor(credentials: AwsCredentials, name = "static") {
    this.name = name;
    const { accessKeyId, secretAccessKey, sessionToken } = credentials ?? {};
    if (typeof accessKeyId !== "string" || accessKeyId === "") {
      throw new CredentialsError(`${name} credentials: accessKeyId is missing or empty`);
    }
    if (typeof secretAccessKey !== "string" || secretAccessKey === "") {
      throw new CredentialsError(`${name} credentials: secretAccessKey is missing or empty`);
    }
    if (sessionToken !== undefined && typeof sessionToken !== "string") {
      throw new CredentialsError(`${name} credentials: sessionToken must be a string`);
    }
    this.#credentials = Object.freeze({
      accessKeyId,
      secretAccessKey,
      ...(sessionToken ? { sessionToken } : {}),
    });
  }

  /** Resolves the fixed credentials. */
  getCredentials(): Promise<AwsCredentials> {
    return Promise.resolve(this.#credentials);
  }
}
