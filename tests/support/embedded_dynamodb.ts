// An embedded DynamoDB for tests and the demo: dynalite, in this process, on a free
// loopback port. It speaks the real HTTP protocol, so everything above `fetch` is
// exercised for real.
import dynalite from "dynalite";
import type { AddressInfo } from "node:net";

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
