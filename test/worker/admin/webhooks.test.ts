import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { adminEvents, webhookEndpoints } from "../../../src/db/schema";
import { adminFetch, adminSend, bootstrapMaster, passwordToken } from "../support/admin";
import { eventually } from "../support/events";
import { USER_PASSWORD } from "../support/realm";
import { realmId } from "../support/store";
import { adminWith, createWebhook, HOOK } from "../support/webhook-admin";
import { db, endpointRow } from "../webhooks/support";

beforeAll(bootstrapMaster);

describe("webhook admin API: endpoints", () => {
  it("creates an endpoint with 201 and Location, showing its secret this once only", async () => {
    const { realm, token } = await adminWith(["manage-events"]);

    const response = await adminSend("POST", `/${realm}/webhooks`, token, {
      url: HOOK,
      eventTypes: ["LOGIN", "LOGIN"],
    });
    expect(response.status).toBe(201);
    const created = (await response.json()) as Record<string, unknown>;
    expect(response.headers.get("location")).toBe(
      `https://id.example/admin/realms/${realm}/webhooks/${created.id}`,
    );
    expect(created).toMatchObject({
      url: HOOK,
      eventTypes: ["LOGIN"],
      enabled: true,
      consecutiveFailures: 0,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });

    const one = await adminFetch(`/${realm}/webhooks/${created.id}`, token);
    const list = await adminFetch(`/${realm}/webhooks`, token);
    const read = { ...created };
    delete read.secret;
    expect(await one.json()).toEqual(read);
    expect(await list.json()).toEqual([read]);
    const stored = JSON.stringify(await endpointRow(String(created.id)));
    expect(stored).not.toContain(String(created.secret).slice(6));
  });

  it("records each change as an admin event without the secret", async () => {
    const { realm, token } = await adminWith(["manage-events"]);
    const created = await createWebhook(realm, token);
    await adminSend("PUT", `/${realm}/webhooks/${created.id}`, token, { enabled: false });
    await adminFetch(`/${realm}/webhooks/${created.id}/secret`, token, { method: "POST" });
    await adminFetch(`/${realm}/webhooks/${created.id}`, token, { method: "DELETE" });

    const id = await realmId(realm);
    const recorded = await eventually(async () => {
      const rows = await db.select().from(adminEvents).where(eq(adminEvents.realmId, id));
      return rows.length === 4 ? rows : undefined;
    });
    const path = `webhooks/${created.id}`;
    expect(recorded.map((e) => [e.operationType, e.resourceType, e.resourcePath]).sort()).toEqual(
      [
        ["ACTION", "WEBHOOK", `${path}/secret`],
        ["CREATE", "WEBHOOK", path],
        ["DELETE", "WEBHOOK", path],
        ["UPDATE", "WEBHOOK", path],
      ].sort(),
    );
    const create = recorded.find((e) => e.operationType === "CREATE");
    expect(JSON.parse(create?.representation ?? "{}")).toMatchObject({ url: HOOK });
    expect(JSON.stringify(recorded)).not.toContain("whsec_");
  });

  it("refuses a URL it may not call with a 400 naming url, and stores nothing", async () => {
    const { realm, token } = await adminWith(["manage-events"]);
    const refused = {
      "http://hooks.example.com/x": "url must use https",
      "https://localhost/x": "url must not be localhost",
      "https://10.1.2.3/x": "url must not be a private or loopback address",
      "https://[::1]/x": "url must not be a private or loopback address",
      "https://user:pw@hooks.example.com/x": "url must not carry credentials",
      "hooks.example.com": "url is not an absolute URL",
    };
    for (const [url, message] of Object.entries(refused)) {
      const response = await adminSend("POST", `/${realm}/webhooks`, token, { url });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: message, errorMessage: message });
    }
    expect(await (await adminFetch(`/${realm}/webhooks`, token)).json()).toEqual([]);
  });

  it("refuses unknown event types and malformed bodies with 400", async () => {
    const { realm, token } = await adminWith(["manage-events"]);
    const post = (body: unknown) => adminSend("POST", `/${realm}/webhooks`, token, body);

    const unknown = await post({ url: HOOK, eventTypes: ["LOGIN", "NOPE"] });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      errorMessage: "eventTypes has unknown types: NOPE",
    });
    const noUrl = await post({ eventTypes: [] });
    expect(noUrl.status).toBe(400);
    expect(await noUrl.json()).toMatchObject({ errorMessage: expect.stringMatching(/^url: /) });
    const notJson = await adminFetch(`/${realm}/webhooks`, token, { method: "POST", body: "{" });
    expect(notJson.status).toBe(400);
    expect(await (await adminFetch(`/${realm}/webhooks`, token)).json()).toEqual([]);
  });

  it("updates url, event types and enabled; a refused change leaves it as it was", async () => {
    const { realm, token } = await adminWith(["manage-events"]);
    const created = await createWebhook(realm, token);
    const path = `/${realm}/webhooks/${created.id}`;

    const changed = await adminSend("PUT", path, token, {
      url: "https://other.example/hook",
      eventTypes: ["LOGOUT"],
      enabled: false,
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({
      url: "https://other.example/hook",
      eventTypes: ["LOGOUT"],
      enabled: false,
      disabledTimestamp: expect.any(Number),
    });

    const badUrl = await adminSend("PUT", path, token, {
      url: "https://127.0.0.1/",
      enabled: true,
    });
    expect(badUrl.status).toBe(400);
    expect(await badUrl.json()).toMatchObject({
      errorMessage: "url must not be a private or loopback address",
    });
    const badType = await adminSend("PUT", path, token, { eventTypes: ["NOPE"] });
    expect(badType.status).toBe(400);
    expect(await (await adminFetch(path, token)).json()).toMatchObject({
      url: "https://other.example/hook",
      eventTypes: ["LOGOUT"],
      enabled: false,
    });
  });

  it("clears the failure count when an endpoint is enabled again", async () => {
    const { realm, token } = await adminWith(["manage-events"]);
    const created = await createWebhook(realm, token, { url: HOOK, eventTypes: ["LOGOUT"] });
    await db
      .update(webhookEndpoints)
      .set({ enabled: false, consecutiveFailures: 20, disabledAt: 1_700_000_000 })
      .where(eq(webhookEndpoints.id, created.id));

    const path = `/${realm}/webhooks/${created.id}`;
    const kept = await adminSend("PUT", path, token, { eventTypes: ["LOGOUT"] });
    expect(await kept.json()).toMatchObject({ enabled: false, consecutiveFailures: 20 });
    const enabled = await adminSend("PUT", path, token, { enabled: true });
    const body = (await enabled.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ enabled: true, consecutiveFailures: 0 });
    expect(body.disabledTimestamp).toBeUndefined();
  });

  it("answers 404 for an unknown endpoint and for another realm's", async () => {
    const { realm, token } = await adminWith(["manage-events"]);
    const other = await adminWith(["manage-events"]);
    const theirs = await createWebhook(other.realm, other.token);

    for (const id of ["nope", theirs.id]) {
      const read = await adminFetch(`/${realm}/webhooks/${id}`, token);
      expect(read.status).toBe(404);
      expect(await read.json()).toMatchObject({ error: "Webhook not found" });
      const remove = await adminFetch(`/${realm}/webhooks/${id}`, token, { method: "DELETE" });
      expect(remove.status).toBe(404);
    }
    expect((await endpointRow(theirs.id)).enabled).toBe(true);
  });

  it("lets view-events read but not change, and refuses other roles with 403", async () => {
    const { realm, token } = await adminWith(["manage-events"]);
    const created = await createWebhook(realm, token, { url: HOOK, eventTypes: ["LOGOUT"] });
    // manage-events implies view-events; this sign-in's LOGIN goes to no endpoint.
    const viewer = await passwordToken(realm, "cli", "ada", USER_PASSWORD);
    const reader = await adminWith(["view-events"]);
    const outsider = await adminWith(["manage-users"]);

    expect((await adminFetch(`/${realm}/webhooks`, viewer)).status).toBe(200);
    expect((await adminFetch(`/${reader.realm}/webhooks`, reader.token)).status).toBe(200);
    const create = await adminSend("POST", `/${reader.realm}/webhooks`, reader.token, {
      url: HOOK,
    });
    expect(create.status).toBe(403);
    expect(await create.json()).toMatchObject({ error: "HTTP 403 Forbidden" });
    expect((await adminFetch(`/${outsider.realm}/webhooks`, outsider.token)).status).toBe(403);
    // ada of another realm holds manage-events there, not here.
    expect((await adminFetch(`/${realm}/webhooks/${created.id}`, reader.token)).status).toBe(401);
  });
});
