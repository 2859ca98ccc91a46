import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

/** One message as the receiver saw it, and whether its signature verified. */
export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  verified: boolean;
  /** The status the receiver answered with. */
  status: number;
  at: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Resolves with the first message of this type that verified and was accepted. */
  next(type: string, timeoutMs?: number): Promise<ReceivedWebhook>;
  /** Verifies from now on with this secret, as an app does once it has stored a new one. */
  useSecret(secret: string): void;
  close(): Promise<void>;
}

/**
 * A receiver written the way an app would: an HTTP server on 127.0.0.1 that verifies each
 * message with the `standardwebhooks` package. Its first `failFirst` answers are 500s.
 */
export async function startWebhookReceiver(
  secret: string,
  failFirst = 0,
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let webhook = new Webhook(secret);

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([k, v]) => [k, String(v)]),
      );
      let verified = false;
      try {
        webhook.verify(body, headers);
        verified = true;
      } catch {
        verified = false;
      }
      const failing = received.length < failFirst;
      const status = !verified ? 401 : failing ? 500 : 204;
      received.push({ headers, body, verified, status, at: Date.now() });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  const next = async (type: string, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const hit = received.find((r) => r.status === 204 && JSON.parse(r.body).type === type);
      if (hit) return hit;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no verified ${type} webhook within ${timeoutMs} ms (${received.length} seen)`);
  };

  return {
    url: `http://127.0.0.1:${port}/hooks/latchkey`,
    received,
    next,
    useSecret: (next) => {
      webhook = new Webhook(next);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
