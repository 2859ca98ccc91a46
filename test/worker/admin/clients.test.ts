import { env } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { clients, refreshTokens, users } from "../../../src/db/schema";
import { listAdminEvents } from "../../../src/events/queries";
import {
  adminFetch,
  adminSend,
  bootstrapMaster,
  masterAdminToken,
  passwordToken,
  seedAdminRealm,
} from "../support/admin";
import { tokenRequest } from "../support/oidc";
import { ORIGIN, SPA_REDIRECT, USER_PASSWORD } from "../support/realm";
import { realmId } from "../support/store";

beforeAll(bootstrapMaster);

const db = database(env.DB);

type ClientRep = Record<string, unknown> & { id: string; clientId: string };

async function setup() {
  const realm = await seedAdminRealm();
  const base = `/${realm.name}/clients`;
  return { realm, token: await masterAdminToken(), base };
}

async function createdId(response: Response): Promise<string> {
  expect(response.status).toBe(201);
  return (response.headers.get("location") ?? "").split("/").at(-1) ?? "";
}

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** The client_credentials grant with Basic authentication. */
function clientCredentials(realm: string, clientId: string, secret: string) {
  const oidc = `${ORIGIN}/realms/${realm}/protocol/openid-connect`;
  const basic = btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`);
  return tokenRequest(
    oidc,
    { grant_type: "client_credentials" },
    { authorization: `Basic ${basic}` },
  );
}

describe("admin API clients (Keycloak's ClientRepresentation)", () => {
  it("starts a new client from the realm's default scopes unless it names its own", async () => {
    const { realm, token, base } = await setup();
    const dropped = await adminFetch(`/${realm.name}/default-default-client-scopes/email`, token, {
      method: "DELETE",
    });
    expect(dropped.status).toBe(204);

    const plain = await createdId(await adminSend("POST", base, token, { clientId: "plain" }));
    const own = await createdId(
      await adminSend("POST", base, token, { clientId: "own", defaultClientScopes: ["email"] }),
    );
    const read = async (id: string) => json<ClientRep>(await adminFetch(`${base}/${id}`, token));
    expect((await read(plain)).defaultClientScopes).not.toContain("email");
    expect((await read(plain)).defaultClientScopes).toContain("profile");
    expect((await read(own)).defaultClientScopes).toEqual(["email"]);
  });

  it("creates a confidential client with a made-up secret the secret route shows", async () => {
    const { realm, token, base } = await setup();
    const created = await adminSend("POST", base, token, {
      clientId: "worker",
      description: "Nightly jobs",
      rootUrl: "https://worker.example",
      serviceAccountsEnabled: true,
      redirectUris: ["https://worker.example/cb"],
      unknownField: "ignored",
    });
    const id = await createdId(created);
    expect(created.headers.get("location")).toBe(`${ORIGIN}/admin/realms${base}/${id}`);

    const rep = await json<ClientRep>(await adminFetch(`${base}/${id}`, token));
    expect(rep).toMatchObject({ id, clientId: "worker", description: "Nightly jobs" });
    expect(rep).toMatchObject({ publicClient: false, enabled: true, protocol: "openid-connect" });
    expect(rep).not.toHaveProperty("secret");
    const secret = await json<{ type: string; value: string }>(
      await adminFetch(`${base}/${id}/client-secret`, token),
    );
    expect(secret.type).toBe("secret");
    expect(secret.value.length).toBeGreaterThanOrEqual(32);

    expect((await clientCredentials(realm.name, "worker", secret.value)).status).toBe(200);
    expect((await clientCredentials(realm.name, "worker", "wrong")).status).toBe(401);
  });

  it("keeps a given secret hashed and sealed, never in plain text", async () => {
    const { base, token } = await setup();
    const id = await createdId(
      await adminSend("POST", base, token, { clientId: "given", secret: "a given secret 1" }),
    );
    const row = await db.query.clients.findFirst({ where: eq(clients.id, id) });
    expect(row?.secretHash).not.toContain("given");
    expect(row?.secretSealed).not.toContain("given");
    const secret = await json<{ value: string }>(
      await adminFetch(`${base}/${id}/client-secret`, token),
    );
    expect(secret.value).toBe("a given secret 1");
  });

  it("answers 409 for a clientId the realm has", async () => {
    const { base, token } = await setup();
    const duplicate = await adminSend("POST", base, token, { clientId: "spa", publicClient: true });
    expect(duplicate.status).toBe(409);
    expect(await duplicate.json()).toMatchObject({ errorMessage: "Client spa already exists" });
  });

  it.each([
    ["a javascript: URI", { redirectUris: ["javascript:alert(1)"] }, "javascript"],
    ["a data: URI", { redirectUris: ["data:text/html,hi"] }, "data"],
    ["a fragment", { redirectUris: ["https://a.example/cb#x"] }, "fragment"],
    ["a wildcard", { redirectUris: ["https://a.example/*"] }, "wildcard"],
    ["a wrong type", { publicClient: "yes" }, "publicClient"],
    ["a bearer-only client", { bearerOnly: true }, "bearer-only"],
    ["a SAML client", { protocol: "saml" }, "openid-connect"],
    ["a public service account", { publicClient: true, serviceAccountsEnabled: true }, "public"],
  ])("refuses %s with a clear 400 and creates nothing", async (_name, fields, words) => {
    const { realm, base, token } = await setup();
    const refused = await adminSend("POST", base, token, { clientId: "bad", ...fields });
    expect(refused.status).toBe(400);
    expect((await json<{ errorMessage: string }>(refused)).errorMessage).toContain(words);
    const listed = await json<ClientRep[]>(await adminFetch(`${base}?clientId=bad`, token));
    expect(listed).toEqual([]);
    expect(realm.name).toBeTruthy();
  });

  it("lists clients by exact clientId, by part of it with search=true, and in pages", async () => {
    const { base, token } = await setup();
    const exact = await json<ClientRep[]>(await adminFetch(`${base}?clientId=sp`, token));
    expect(exact).toEqual([]);
    const found = await json<ClientRep[]>(
      await adminFetch(`${base}?clientId=sp&search=true`, token),
    );
    expect(found.map((c) => c.clientId)).toEqual(["spa"]);
    const all = await json<ClientRep[]>(await adminFetch(base, token));
    expect(all.map((c) => c.clientId)).toEqual(["cli", "realm-management", "spa"]);
    const page = await json<ClientRep[]>(await adminFetch(`${base}?first=1&max=1`, token));
    expect(page.map((c) => c.clientId)).toEqual(["realm-management"]);
    expect((await adminFetch(`${base}?first=-1`, token)).status).toBe(400);
  });

  it("updates what a PUT names and keeps the rest", async () => {
    const { base, token } = await setup();
    const [spa] = await json<ClientRep[]>(await adminFetch(`${base}?clientId=spa`, token));
    const path = `${base}/${spa?.id}`;
    const logout = { "post.logout.redirect.uris": "https://spa.example/signed-out" };
    expect((await adminSend("PUT", path, token, { attributes: logout })).status).toBe(204);
    const put = await adminSend("PUT", path, token, {
      name: "Single page",
      attributes: { "access.token.lifespan": "120" },
    });
    expect(put.status).toBe(204);
    const rep = await json<ClientRep>(await adminFetch(path, token));
    expect(rep).toMatchObject({ name: "Single page", publicClient: true, clientId: "spa" });
    expect(rep.redirectUris).toEqual([SPA_REDIRECT]);
    expect(rep.attributes).toMatchObject({
      "access.token.lifespan": "120",
      "post.logout.redirect.uris": "https://spa.example/signed-out",
    });

    const bad = await adminSend("PUT", path, token, { webOrigins: ["https://a.example/path"] });
    expect(bad.status).toBe(400);
    expect((await adminSend("PUT", path, token, { clientId: "cli" })).status).toBe(409);
    expect((await adminSend("PUT", `${base}/nope`, token, { name: "x" })).status).toBe(404);
  });

  it("creates the service account when a PUT turns service accounts on", async () => {
    const { base, token } = await setup();
    const id = await createdId(await adminSend("POST", base, token, { clientId: "Jobs" }));
    const account = `${base}/${id}/service-account-user`;
    expect((await adminFetch(account, token)).status).toBe(400);

    const on = await adminSend("PUT", `${base}/${id}`, token, { serviceAccountsEnabled: true });
    expect(on.status).toBe(204);
    const user = await json<{ id: string; username: string; serviceAccountClientId: string }>(
      await adminFetch(account, token),
    );
    expect(user).toMatchObject({
      username: "service-account-jobs",
      serviceAccountClientId: "Jobs",
    });
    // Keycloak names the client by its clientId here, never by its internal id.
    const byId = await adminFetch(`/${base.split("/")[1]}/users/${user.id}`, token);
    expect(await json(byId)).toMatchObject({ serviceAccountClientId: "Jobs" });

    const renamed = await adminSend("PUT", `${base}/${id}`, token, { clientId: "batch" });
    expect(renamed.status).toBe(204);
    const after = await json<{ username: string }>(await adminFetch(account, token));
    expect(after.username).toBe("service-account-batch");
  });

  it("regenerates a secret: the old one stops working, the new one works", async () => {
    const { realm, base, token } = await setup();
    const id = await createdId(
      await adminSend("POST", base, token, {
        clientId: "rotating",
        secret: "old secret value 1",
        serviceAccountsEnabled: true,
      }),
    );
    const fresh = await adminFetch(`${base}/${id}/client-secret`, token, { method: "POST" });
    const { type, value } = await json<{ type: string; value: string }>(fresh);
    expect(type).toBe("secret");
    expect((await clientCredentials(realm.name, "rotating", "old secret value 1")).status).toBe(
      401,
    );
    expect((await clientCredentials(realm.name, "rotating", value)).status).toBe(200);
  });

  it("shows no value for a secret a realm file gave, which is only hashed", async () => {
    const { base, token } = await setup();
    const id = await createdId(
      await adminSend("POST", base, token, { clientId: "pre", secret: "x" }),
    );
    await db.update(clients).set({ secretSealed: null }).where(eq(clients.id, id));
    const shown = await json<{ type: string; value?: string }>(
      await adminFetch(`${base}/${id}/client-secret`, token),
    );
    expect(shown).toEqual({ type: "secret" });
  });

  it("switches to client-secret-jwt only with a secret the server can read", async () => {
    const { base, token } = await setup();
    const id = await createdId(
      await adminSend("POST", base, token, { clientId: "hmac", secret: "y" }),
    );
    await db.update(clients).set({ secretSealed: null }).where(eq(clients.id, id));
    const jwt = { clientAuthenticatorType: "client-secret-jwt" };
    const refused = await adminSend("PUT", `${base}/${id}`, token, jwt);
    expect(refused.status).toBe(400);
    expect((await json<{ errorMessage: string }>(refused)).errorMessage).toContain("new secret");

    const withSecret = { ...jwt, secret: "a long hmac secret for the client, 32+" };
    expect((await adminSend("PUT", `${base}/${id}`, token, withSecret)).status).toBe(204);
    const rep = await json<ClientRep>(await adminFetch(`${base}/${id}`, token));
    expect(rep.clientAuthenticatorType).toBe("client-secret-jwt");
    const shown = await json<{ value: string }>(
      await adminFetch(`${base}/${id}/client-secret`, token),
    );
    expect(shown.value).toBe(withSecret.secret);
  });

  it("answers 400 for the secret of a public client", async () => {
    const { base, token } = await setup();
    const [spa] = await json<ClientRep[]>(await adminFetch(`${base}?clientId=spa`, token));
    expect((await adminFetch(`${base}/${spa?.id}/client-secret`, token)).status).toBe(400);
    const post = await adminFetch(`${base}/${spa?.id}/client-secret`, token, { method: "POST" });
    expect(post.status).toBe(400);
  });

  it("deletes a client with its roles, service account and refresh tokens", async () => {
    const { realm, base, token } = await setup();
    const [cli] = await json<ClientRep[]>(await adminFetch(`${base}?clientId=cli`, token));
    await adminSend("POST", `${base}/${cli?.id}/roles`, token, { name: "reader" });
    await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);
    const id = await realmId(realm.name);
    const issued = and(eq(refreshTokens.realmId, id), eq(refreshTokens.clientId, cli?.id ?? ""));
    expect(await db.select().from(refreshTokens).where(issued)).not.toEqual([]);

    expect((await adminFetch(`${base}/${cli?.id}`, token, { method: "DELETE" })).status).toBe(204);
    expect((await adminFetch(`${base}/${cli?.id}`, token)).status).toBe(404);
    expect(await db.select().from(refreshTokens).where(issued)).toEqual([]);
    expect((await adminFetch(`${base}/${cli?.id}/roles/reader`, token)).status).toBe(404);
  });

  it("removes a deleted client's service account user", async () => {
    const { base, token } = await setup();
    const id = await createdId(
      await adminSend("POST", base, token, { clientId: "svc", serviceAccountsEnabled: true }),
    );
    expect(
      await db.query.users.findFirst({ where: eq(users.serviceAccountClientId, id) }),
    ).toBeTruthy();
    expect((await adminFetch(`${base}/${id}`, token, { method: "DELETE" })).status).toBe(204);
    expect(
      await db.query.users.findFirst({ where: eq(users.serviceAccountClientId, id) }),
    ).toBeUndefined();
  });

  it("refuses to delete a built-in client, as Keycloak does", async () => {
    const { base, token } = await setup();
    const [management] = await json<ClientRep[]>(
      await adminFetch(`${base}?clientId=realm-management`, token),
    );
    const refused = await adminFetch(`${base}/${management?.id}`, token, { method: "DELETE" });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ errorMessage: "Could not delete client" });
  });

  it("lets view-clients read and only manage-clients change", async () => {
    const { realm, base } = await setup();
    const viewer = await seedAdminRealm(["view-clients"]);
    const viewerToken = await passwordToken(viewer.name, "cli", "ada", USER_PASSWORD);
    const viewerBase = `/${viewer.name}/clients`;
    expect((await adminFetch(viewerBase, viewerToken)).status).toBe(200);
    const post = await adminSend("POST", viewerBase, viewerToken, { clientId: "x" });
    expect(post.status).toBe(403);
    const nobody = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);
    expect((await adminFetch(base, nobody)).status).toBe(403);
  });

  it("records admin events for client changes without the secret", async () => {
    const { realm, base, token } = await setup();
    await adminSend("PUT", `/${realm.name}`, token, {
      adminEventsEnabled: true,
      adminEventsDetailsEnabled: true,
    });
    await createdId(
      await adminSend("POST", base, token, { clientId: "audited", secret: "s3cret-v" }),
    );
    const stored = await listAdminEvents(db, await realmId(realm.name));
    const created = stored.find((event) => event.resourceType === "CLIENT");
    expect(created?.operationType).toBe("CREATE");
    expect(created?.representation).toContain("audited");
    expect(created?.representation).not.toContain("s3cret-v");
  });

  it("gives a token from an admin-created client the client's own roles", async () => {
    const { realm, base, token } = await setup();
    const id = await createdId(
      await adminSend("POST", base, token, {
        clientId: "api",
        directAccessGrantsEnabled: true,
        publicClient: true,
      }),
    );
    expect((await adminSend("POST", `${base}/${id}/roles`, token, { name: "reader" })).status).toBe(
      201,
    );
    const [ada] = await json<{ id: string }[]>(
      await adminFetch(`/${realm.name}/users?username=ada`, token),
    );
    const mapping = `/${realm.name}/users/${ada?.id}/role-mappings/clients/${id}`;
    expect((await adminSend("POST", mapping, token, [{ name: "reader" }])).status).toBe(204);
    const claims = decodeJwt(await passwordToken(realm.name, "api", "ada", USER_PASSWORD));
    expect(claims.resource_access).toMatchObject({ api: { roles: ["reader"] } });
  });
});
