import { env } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { ImportError } from "../../../src/realm-import/import-error";
import { importRealm } from "../../../src/realm-import/import-realm";
import { appTokens, seedAppRealm } from "../support/app-client";

const lifespans = (attributes: Record<string, string>) => ({ attributes });

describe("per-client lifetimes (Keycloak's client attributes)", () => {
  it("signs access tokens for the client's access.token.lifespan", async () => {
    const realm = await seedAppRealm(lifespans({ "access.token.lifespan": "60" }));
    const { tokens } = await appTokens(realm.oidc);

    const access = decodeJwt(tokens.access_token ?? "");
    expect(access.exp).toBe((access.iat ?? 0) + 60);
    expect(tokens.expires_in).toBe(60);
  });

  it("keeps the realm's accessTokenLifespan for a client without one", async () => {
    const realm = await seedAppRealm({}, { accessTokenLifespan: 900 });
    const { tokens } = await appTokens(realm.oidc);

    const access = decodeJwt(tokens.access_token ?? "");
    expect(access.exp).toBe((access.iat ?? 0) + 900);
  });

  it("ends refresh tokens after the client's client.session.idle.timeout", async () => {
    const realm = await seedAppRealm(lifespans({ "client.session.idle.timeout": "120" }));
    const { tokens } = await appTokens(realm.oidc);

    const refresh = decodeJwt(tokens.refresh_token ?? "");
    expect(refresh.exp).toBe((refresh.iat ?? 0) + 120);
    expect(tokens.refresh_expires_in).toBe(120);
  });

  it("never lets a client idle timeout outlast the realm's SSO idle timeout", async () => {
    const realm = await seedAppRealm(lifespans({ "client.session.idle.timeout": "99999" }));
    const { tokens } = await appTokens(realm.oidc);

    expect(tokens.refresh_expires_in).toBe(1800);
  });

  it("ends refresh tokens at the client's client.session.max.lifespan", async () => {
    const realm = await seedAppRealm(lifespans({ "client.session.max.lifespan": "200" }));
    const { tokens } = await appTokens(realm.oidc);

    const lifetime = Number(tokens.refresh_expires_in);
    expect(lifetime).toBeLessThanOrEqual(200);
    expect(lifetime).toBeGreaterThan(150);
  });

  it("refuses a lifetime attribute that is not a number of seconds", async () => {
    const file = {
      realm: `bad-${crypto.randomUUID().slice(0, 8)}`,
      clients: [
        {
          clientId: "app",
          publicClient: true,
          attributes: { "access.token.lifespan": "five minutes" },
        },
      ],
    };
    const error = await importRealm(database(env.DB), file).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).message).toContain(
      '$.clients[0].attributes["access.token.lifespan"]',
    );
  });
});
