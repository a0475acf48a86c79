// An embedded DynamoDB for tests and the demo: dynalite, in this process, on a free
// loopback port. It speaks the real HTTP protocol, so everything above `fetch` is
// exercised for real.
import dynalite from "dynalite";
import type { AddressInfo } from "node:net";
import { after, before } from "node:test";

/** A running embedded endpoint. */
export interface EmbeddedDynamoDB {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Starts dynalite on 127.0.0.1 and a free port; tables become ACTIVE at once. */
export async function startEmbeddedDynamoDB(): Promise<EmbeddedDynamoDB> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/**
 * Starts one embedded endpoint for the calling test file (a `before` hook) and stops it
 * after the file's tests (an `after` hook). Read `endpoint` inside tests and hooks.
 */
export function useEmbeddedDynamoDB(): { readonly endpoint: string } {
  let running: EmbeddedDynamoDB | undefined;
  before(async () => {
    // A second, independent DynamoDB (e.g. moto) can stand in for dynalite.
    const external = globalThis.process?.env.DYNASTORE_TEST_ENDPOINT;
    running = external
      ? { endpoint: external, close: () => Promise.resolve() }
      : await startEmbeddedDynamoDB();
  });
  after(() => running?.close());
  return {
    get endpoint(): string {
      if (running === undefined) throw new Error("the embedded endpoint starts in a before hook");
      return running.endpoint;
    },
  };
}
