/**
 * The base class of every error that dynastore throws on purpose, so callers can
 * tell our failures from their own with one `instanceof` check.
 *
 * @example Catch any dynastore failure
 * ```ts
 * import { DynastoreError } from "@dynastore/dynastore";
 *
 * try {
 *   throw new DynastoreError("example");
 * } catch (error) {
 *   if (!(error instanceof DynastoreError)) throw error;
 * }
 * ```
 */
export class DynastoreError extends Error {
  /**
   * Creates an error.
   *
   * @param message What went wrong and what to do about it.
   * @param options The underlying `cause`, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DynastoreError";
  }
}

/**
 * A configuration parameter (a seed parameter such as `max_parallel`, an environment
 * variable, or an option of `DynamoDBBackend.open`) has a value that cannot work. The
 * message names the parameter, the value (never a secret one) and what is accepted.
 *
 * @example
 * ```ts
 * import { ConfigError } from "@dynastore/dynastore";
 *
 * const error = new ConfigError("max_parallel", "lots", "must be an integer");
 * error.message; // 'Invalid max_parallel = "lots": must be an integer'
 * ```
 */
export class ConfigError extends DynastoreError {
  /** The parameter, as the user spelled it (`max_parallel`, `AWS_DYNAMODB_TABLE`, `maxParallel`). */
  readonly parameter: string;
  /** The value that was refused; `undefined` for secret parameters. */
  readonly value: unknown;

  /**
   * Creates an error.
   *
   * @param parameter The parameter's name.
   * @param value The refused value; pass `undefined` for secrets so it is never shown.
   * @param reason What is accepted, e.g. "must be an integer >= 0".
   */
  constructor(parameter: string, value: unknown, reason: string) {
    const shown = value === undefined ? "" : ` = ${JSON.stringify(value)}`;
    super(`Invalid ${parameter}${shown}: ${reason}`);
    this.name = "ConfigError";
    this.parameter = parameter;
    this.value = value;
  }
}
