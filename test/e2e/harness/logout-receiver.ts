import { createServer } from "node:http";

export interface LogoutPost {
  pathname: string;
  form: URLSearchParams;
  contentType: string;
  at: number;
}

export interface LogoutReceiver {
  /** The relying party's back-channel origin, e.g. `http://127.0.0.1:41236`. */
  origin: string;
  posts: LogoutPost[];
  /** Resolves with the `count`-th POST to the path, counting those that came already. */
  nth(pathname: string, count: number, timeoutMs?: number): Promise<LogoutPost>;
  /** Answers the next `times` POSTs to the path with `status` before answering 200 again. */
  failNext(pathname: string, times: number, status: number): void;
  close(): Promise<void>;
}

/**
 * A relying party's back-channel logout endpoint (Back-Channel Logout 1.0 §2.5): records each
 * form POST and answers 200, or a chosen failure status, so tests can watch delivery and retry.
 */
export async function startLogoutReceiver(): Promise<LogoutReceiver> {
  const posts: LogoutPost[] = [];
  const failures = new Map<string, { times: number; status: number }>();

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", origin);
      posts.push({
        pathname: url.pathname,
        form: new URLSearchParams(Buffer.concat(chunks).toString()),
        contentType: request.headers["content-type"] ?? "",
        at: Date.now(),
      });
      const failure = failures.get(url.pathname);
      if (failure && failure.times > 0) {
        failure.times -= 1;
        response.writeHead(failure.status).end();
        return;
      }
      response.writeHead(200, { "cache-control": "no-store" }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;

  const nth = async (pathname: string, count: number, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const matching = posts.filter((post) => post.pathname === pathname);
      const found = matching[count - 1];
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no POST number ${count} to ${pathname} within ${timeoutMs} ms`);
  };

  const failNext = (pathname: string, times: number, status: number) => {
    failures.set(pathname, { times, status });
  };

  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { origin, posts, nth, failNext, close };
}
