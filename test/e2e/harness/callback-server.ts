import { createServer } from "node:http";

export interface CallbackServer {
  /** The app's origin, e.g. `http://127.0.0.1:41235`. */
  origin: string;
  /** Every URL the browser was sent to, in order. */
  hits: URL[];
  /** Resolves with the next hit on the path (or one that already came and was not taken). */
  next(pathname: string, timeoutMs?: number): Promise<URL>;
  close(): Promise<void>;
}

/**
 * The relying party's redirect targets: a tiny HTTP server on 127.0.0.1 that records where the
 * browser was sent, since Playwright's routing does not see redirects to other origins.
 */
export async function startCallbackServer(): Promise<CallbackServer> {
  const hits: URL[] = [];
  const taken = new Set<URL>();
  const waiters: Array<{ pathname: string; resolve: (url: URL) => void }> = [];

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", origin);
    hits.push(url);
    const waiter = waiters.findIndex((w) => w.pathname === url.pathname);
    if (waiter >= 0) {
      taken.add(url);
      waiters.splice(waiter, 1)[0]?.resolve(url);
    }
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(`<!doctype html><title>app</title><p>app received ${url.pathname}</p>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;

  const next = (pathname: string, timeoutMs = 30_000) => {
    const waiting = hits.find((hit) => hit.pathname === pathname && !taken.has(hit));
    if (waiting) {
      taken.add(waiting);
      return Promise.resolve(waiting);
    }
    return new Promise<URL>((resolve, reject) => {
      const timer = setTimeout(() => {
        const seen = hits.map((hit) => hit.pathname).join(", ") || "nothing";
        reject(new Error(`no request to ${pathname} within ${timeoutMs} ms (saw ${seen})`));
      }, timeoutMs);
      waiters.push({
        pathname,
        resolve: (url) => {
          clearTimeout(timer);
          resolve(url);
        },
      });
    });
  };

  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { origin, hits, next, close };
}
