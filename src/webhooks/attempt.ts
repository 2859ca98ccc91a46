import { signedHeaders } from "./sign";
import { webhookTargetProblem } from "./target";

/** How long a receiver has to answer one delivery. */
export const DELIVERY_TIMEOUT_MS = 10_000;

/** The outbound HTTP call; global `fetch` in production, a seam for tests. */
export type Send = (request: Request) => Promise<Response>;

export type AttemptResult =
  | { ok: true; status: number }
  | { ok: false; status?: number; error: string };

/**
 * One POST of a message to its endpoint: signed, within the timeout, redirects not followed
 * (a 3xx counts as a failure), and never to a refused target.
 */
export async function attemptDelivery(
  target: { url: string; secrets: readonly string[] },
  message: { id: string; payload: string },
  options: { send: Send; now: number; allowPrivate: boolean; timeoutMs?: number },
): Promise<AttemptResult> {
  const problem = webhookTargetProblem(target.url, options.allowPrivate);
  if (problem) return { ok: false, error: `target refused: url ${problem}` };

  const request = new Request(target.url, {
    method: "POST",
    headers: signedHeaders(target.secrets, message.id, options.now, message.payload),
    body: message.payload,
    redirect: "manual",
    signal: AbortSignal.timeout(options.timeoutMs ?? DELIVERY_TIMEOUT_MS),
  });

  try {
    const response = await options.send(request);
    // The body is not read: nothing in it matters, and it must not hold the isolate.
    await response.body?.cancel();
    if (response.status >= 200 && response.status < 300)
      return { ok: true, status: response.status };
    if (response.status >= 300 && response.status < 400) {
      return { ok: false, status: response.status, error: "redirect not followed" };
    }
    return { ok: false, status: response.status, error: `HTTP ${response.status}` };
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    if (name === "TimeoutError" || name === "AbortError") return { ok: false, error: "timeout" };
    return {
      ok: false,
      error: (error instanceof Error ? error.message : String(error)).slice(0, 200),
    };
  }
}
