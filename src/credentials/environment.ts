import { StaticCredentialsProvider } from "./static.ts";
import { CredentialsError, type CredentialsProvider } from "./types.ts";

/** Environment variables, as `Deno.env.toObject()` or `process.env` give them. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`
 * in the environment object you pass: the library never reads the process environment
 * itself, so it runs unchanged where there is none (Cloudflare Workers pass `env`).
 *
 * @param env The variables to read.
 * @returns A provider, or `undefined` when neither key variable is set.
 * @throws {CredentialsError} When one key variable is set without the other.
 *
 * @example
 * ```ts
 * import { environmentCredentials } from "@dynastore/dynastore";
 *
 * const provider = environmentCredentials({
 *   AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
 *   AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
 * });
 * await provider?.getCredentials();
 * ```
 */
export function environmentCredentials(env: Environment): CredentialsProvider | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID ?? "";
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY ?? "";
  if (accessKeyId === "" && secretAccessKey === "") return undefined;
  if (accessKeyId === "" || secretAccessKey === "") {
    const missing = accessKeyId === "" ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY";
    const present = accessKeyId === "" ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID";
    throw new CredentialsError(
      `environment credentials: ${present} is set but ${missing} is not; set both or neither`,
    );
  }
  return new StaticCredentialsProvider({
    accessKeyId,
    secretAccessKey,
    sessionToken: env.AWS_SESSION_TOKEN || undefined,
  }, "environment");
}
