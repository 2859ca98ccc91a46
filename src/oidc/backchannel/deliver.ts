import { logEvent } from "../../http/log";

/** How hard one delivery tries: attempts, the wait before each retry, and each one's timeout. */
export interface DeliveryPolicy {
  /** Waits before the 2nd, 3rd, ... attempt; its length + 1 is the number of attempts. */
  backoffMs: number[];
  timeoutMs: number;
}

/**
 * Three attempts, 5 s each, 1 s and then 4 s apart: at most 20 s, inside the 30 s a Worker
 * may keep working after its response (waitUntil).
 */
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { backoffMs: [1000, 4000], timeoutMs: 5000 };

export interface LogoutDelivery {
  realmId: string;
  clientId: string;
  url: string;
  logoutToken: string;
}

type Outcome = "delivered" | "refused" | "retry";

/**
 * POSTs a logout token to a relying party's back-channel logout URL (Back-Channel Logout 1.0
 * §2.5), retrying on network errors, timeouts and 5xx/429 answers. A redirect is not followed
 * (§2.5 gives none, and following it would send the token elsewhere); like a 4xx, it is final.
 */
export async function deliverLogoutToken(
  delivery: LogoutDelivery,
  policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY,
): Promise<boolean> {
  const attempts = policy.backoffMs.length + 1;

  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const outcome = await attemptDelivery(delivery, policy.timeoutMs);
    const fields = { realm: delivery.realmId, client: delivery.clientId, attempt };
    if (outcome === "delivered") {
      logEvent("logout.backchannel_delivered", fields);
      return true;
    }

    logEvent("logout.backchannel_failed", { ...fields, final: outcome === "refused" });
    if (outcome === "refused" || attempt === attempts) return false;
    await sleep(policy.backoffMs[attempt - 1] ?? 0);
  }
  return false;
}

async function attemptDelivery(delivery: LogoutDelivery, timeoutMs: number): Promise<Outcome> {
  try {
    const response = await fetch(delivery.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ logout_token: delivery.logoutToken }).toString(),
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();

    // §2.8: 200 (or 204) is success; 400 means the token was refused and will stay refused.
    if (response.ok) return "delivered";
    if (response.status >= 500 || response.status === 429) return "retry";
    return "refused";
  } catch {
    return "retry";
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
