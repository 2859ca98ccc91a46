import { createServer, type Server } from "node:net";
import { describe, expect, it } from "vitest";
import { assertPortFree } from "../../../src/cli/dev-server";
import { freePort } from "../harness/ports";

/** Listens where wrangler dev does: on the loopback address. */
function listen(port: number): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

describe("the start command's port check", () => {
  it("refuses a port another server listens on, naming it", async () => {
    const port = await freePort();
    const other = await listen(port);
    try {
      await expect(assertPortFree(port)).rejects.toThrow(`Port ${port} is in use`);
    } finally {
      other.close();
    }
  });

  it("passes a free port and leaves it free", async () => {
    const port = await freePort();
    await assertPortFree(port);
    const server = await listen(port);
    expect(server.listening).toBe(true);
    server.close();
  });
});
