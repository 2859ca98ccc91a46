import { env } from "cloudflare:test";
import { database } from "../../../src/db/client";
import { clearRealmCache } from "../../../src/http/realm-context";
import { importRealm } from "../../../src/realm-import/import-realm";
import { Browser } from "./browser";
import { authorizeUrl, redirectParams, signIn, spaRequest, tokenRequest } from "./oidc";
import { ORIGIN, SPA_REDIRECT, USER_EMAIL, USER_PASSWORD } from "./realm";

export const GRACE_EMAIL = "grace@example.com";
export const RS_SECRET = "resource-server-secret";

let counter = 0;

/**
 * Imports a fresh realm with one public client `app` shaped by `client` (a Keycloak
 * ClientRepresentation's fields), and the user ada with address and phone attributes.
 */
export async function seedAppRealm(
  client: Record<string, unknown> = {},
  settings: Record<string, unknown> = {},
) {
  counter += 1;
  const name = `app${counter}-${crypto.randomUUID().slice(0, 8)}`;
  await importRealm(database(env.DB), {
    realm: name,
    clients: [
      { clientId: "app", publicClient: true, redirectUris: [SPA_REDIRECT], ...client },
      // A resource server: a confidential client that may introspect tokens.
      { clientId: "rs", secret: RS_SECRET },
    ],
    users: [
      {
        username: "ada",
        email: USER_EMAIL,
        firstName: "Ada",
        lastName: "Lovelace",
        emailVerified: true,
        attributes: {
          street: ["12 St James's Square"],
          locality: ["London"],
          country: ["GB"],
          phoneNumber: ["+44 20 7946 0000"],
          phoneNumberVerified: ["true"],
        },
        credentials: [{ type: "password", value: USER_PASSWORD }],
      },
      {
        username: "grace",
        email: GRACE_EMAIL,
        firstName: "Grace",
        lastName: "Hopper",
        credentials: [{ type: "password", value: USER_PASSWORD }],
      },
    ],
    ...settings,
  });
  clearRealmCache();
  return {
    name,
    issuer: `${ORIGIN}/realms/${name}`,
    oidc: `${ORIGIN}/realms/${name}/protocol/openid-connect`,
    account: `${ORIGIN}/realms/${name}/account`,
  };
}

/** An authorization request of `app`, with PKCE; `extra` adds or overrides parameters. */
export async function appRequest(extra: Record<string, string> = {}) {
  return spaRequest({ client_id: "app", ...extra });
}

/** Exchanges an `app` code for tokens. */
export async function exchangeAppCode(oidc: string, code: string, verifier: string) {
  const response = await tokenRequest(oidc, {
    grant_type: "authorization_code",
    client_id: "app",
    code,
    redirect_uri: SPA_REDIRECT,
    code_verifier: verifier,
  });
  return (await response.json()) as Record<string, string>;
}

/** Signs ada in for `app` (no consent page expected) and exchanges the code. */
export async function appTokens(oidc: string, extra: Record<string, string> = {}) {
  const browser = new Browser();
  const { params, verifier } = await appRequest(extra);
  const callback = redirectParams(await signIn(browser, authorizeUrl(oidc, params)));
  const tokens = await exchangeAppCode(oidc, callback.get("code") ?? "", verifier);
  return { browser, tokens };
}

/** The `app` client refreshes. */
export function appRefresh(oidc: string, refreshToken: string) {
  return tokenRequest(oidc, {
    grant_type: "refresh_token",
    client_id: "app",
    refresh_token: refreshToken,
  });
}
