import { delay } from "../_delay.ts";
import type { BatchWriteItemOutput, WriteRequest } from "../client/types.ts";
import { MalformedItemError, UnprocessedItemsError } from "./errors.ts";
import type { ItemKey } from "./key_mapping.ts";

/** Requests one `BatchWriteItem` may carry (a DynamoDB limit). */
export const BATCH_WRITE_LIMIT = 25;
/** First wait before re-sending unprocessed items (the reference: 0.5 s, x1.5 each time). */
export const UNPROCESSED_FIRST_DELAY_MS = 500;
/** Longest wait between re-sends (the reference: 60 s). */
export const UNPROCESSED_MAX_DELAY_MS = 60_000;
/** How long a batch may take in all before it is reported unfinished (the reference: 600 s). */
export const DEFAULT_BATCH_DEADLINE_MS = 600_000;

/** Sends one `BatchWriteItem` of requests on one table. */
export type SendBatch = (
  requests: WriteRequest[],
  signal?: AbortSignal,
) => Promise<BatchWriteItemOutput>;

/** Options of {@linkcode writeBatches}. */
export interface WriteBatchesOptions {
  /** Stops the writer; what is not known to be written is reported. */
  signal?: AbortSignal;
  /** Total time allowed, re-sends included. */
  deadlineMs?: number;
  /** Jitter source in [0, 1). */
  random?: () => number;
}

/**
 * Applies `requests` in batches of 25, re-sending `UnprocessedItems` with the
 * reference's backoff until all are written (before a 2020 fix the reference dropped
 * them: Vault issue 5836). It resolves only when the service has acknowledged every
 * request; otherwise it rejects with an {@linkcode UnprocessedItemsError} listing every
 * item not known to be written, whatever the reason (deadline, abort, request error).
 */
export async function writeBatches(
  send: SendBatch,
  table: string,
  requests: WriteRequest[],
  options: WriteBatchesOptions = {},
): Promise<void> {
  const { signal, deadlineMs = DEFAULT_BATCH_DEADLINE_MS, random = Math.random } = options;
  const deadline = performance.now() + deadlineMs;
  for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT) {
    let pending = requests.slice(start, start + BATCH_WRITE_LIMIT);
    const notWritten = () => [...pending, ...requests.slice(start + BATCH_WRITE_LIMIT)];
    for (
      let pause = UNPROCESSED_FIRST_DELAY_MS;;
      pause = Math.min(pause * 1.5, UNPROCESSED_MAX_DELAY_MS)
    ) {
      try {
        const output = await send(pending, signal);
        const unprocessed = output.UnprocessedItems?.[table] ?? [];
        if (!Array.isArray(unprocessed)) {
          throw new MalformedItemError("BatchWriteItem reply: UnprocessedItems is not a list");
        }
        pending = unprocessed;
        if (pending.length === 0) break;
        const left = deadline - performance.now();
        if (left <= 0) {
          throw new UnprocessedItemsError(
            itemKeys(notWritten()),
            `still unprocessed after ${deadlineMs} ms of retries`,
          );
        }
        // Jitter of +-50% around the step, as the reference does.
        await delay(Math.min(pause * (0.5 + random()), left), signal);
      } catch (error) {
        if (error instanceof UnprocessedItemsError) throw error;
        throw new UnprocessedItemsError(
          itemKeys(notWritten()),
          signal?.aborted ? "aborted" : "a batch request failed",
          { cause: error },
        );
      }
    }
  }
}

function itemKeys(requests: WriteRequest[]): ItemKey[] {
  return requests.map((request) => {
    const key = "PutRequest" in request ? request.PutRequest.Item : request.DeleteRequest.Key;
    return {
      path: (key.Path as { S: string } | undefined)?.S ?? "",
      key: (key.Key as { S: string } | undefined)?.S ?? "",
    };
  });
}
