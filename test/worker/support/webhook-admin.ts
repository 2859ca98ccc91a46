import { expect } from "vitest";
import { adminSend, passwordToken, seedAdminRealm } from "./admin";
import { USER_PASSWORD } from "./realm";

/** A URL that passes the target rules and never resolves (RFC 6761 §6.4). */
export const HOOK = "https://hooks.invalid/latchkey";

/** A realm where ada holds `roles`, and her admin token; admin events with details are on. */
export async function adminWith(roles: string[], settings: Record<string, unknown> = {}) {
  const realm = await seedAdminRealm(roles, {
    settings: { adminEventsEnabled: true, adminEventsDetailsEnabled: true, ...settings },
  });
  const token = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);
  return { realm: realm.name, token };
}

/** Creates an endpoint through the admin API; answers its representation with the secret. */
export async function createWebhook(realm: string, token: string, body: unknown = { url: HOOK }) {
  const response = await adminSend("POST", `/${realm}/webhooks`, token, body);
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; secret: string } & Record<string, unknown>;
}
