import { createHash, randomBytes } from "node:crypto";

/** One server under test, as the scenarios see it: its endpoints, clients and user. */
export interface Target {
  name: string;
  issuer: string;
  endpoints: {
    discovery: string;
    jwks: string;
    authorization: string;
    token: string;
    userinfo: string;
    introspection: string;
  };
  /** Confidential client with client_credentials, authenticating with client_secret_basic. */
  service: { clientId: string; secret: string };
  /** Public client with PKCE S256 and refresh tokens. */
  app: { clientId: string; redirectUri: string };
  user: { username: string; password: string };
}

export interface Tokens {
  access_token: string;
  refresh_token?: string;
}

/** Reads the discovery document into a target's endpoints. */
export async function discoverEndpoints(issuer: string): Promise<Target["endpoints"]> {
  const discovery = `${issuer}/.well-known/openid-configuration`;
  const meta = (await json(await fetch(discovery))) as Record<string, string>;
  const need = (key: string) => {
    const value = meta[key];
    if (!value) throw new Error(`${issuer} does not advertise ${key}`);
    return value;
  };
  return {
    discovery,
    jwks: need("jwks_uri"),
    authorization: need("authorization_endpoint"),
    token: need("token_endpoint"),
    userinfo: need("userinfo_endpoint"),
    introspection: need("introspection_endpoint"),
  };
}

async function json(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.url} answered ${response.status}`);
  return JSON.parse(text);
}

function basic(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value);
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString("base64")}`;
}

/** Scenario 1: the discovery document and the JWKS, as a relying party fetches them. */
export async function readDiscoveryAndJwks(target: Target): Promise<void> {
  await json(await fetch(target.endpoints.discovery));
  await json(await fetch(target.endpoints.jwks));
}

/** Scenario 2: a client_credentials grant with client_secret_basic. */
export async function clientCredentials(target: Target): Promise<void> {
  const response = await fetch(target.endpoints.token, {
    method: "POST",
    headers: { authorization: basic(target.service.clientId, target.service.secret) },
    body: new URLSearchParams({ grant_type: "client_credentials" }),
  });
  const body = (await json(response)) as Tokens;
  if (!body.access_token) throw new Error("no access_token");
}

/** Scenario 4: one refresh_token grant; returns the rotated tokens. */
export async function refresh(target: Target, refreshToken: string): Promise<Tokens> {
  const response = await fetch(target.endpoints.token, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      client_id: target.app.clientId,
    }),
  });
  const body = (await json(response)) as Tokens;
  if (!body.refresh_token) throw new Error("no rotated refresh_token");
  return body;
}

/** Scenario 5: userinfo with the bearer token, then its introspection by the service client. */
export async function userinfoAndIntrospection(target: Target, accessToken: string) {
  const info = (await json(
    await fetch(target.endpoints.userinfo, {
      headers: { authorization: `Bearer ${accessToken}` },
    }),
  )) as { sub?: string };
  if (!info.sub) throw new Error("userinfo without sub");
  const introspection = (await json(
    await fetch(target.endpoints.introspection, {
      method: "POST",
      headers: { authorization: basic(target.service.clientId, target.service.secret) },
      body: new URLSearchParams({ token: accessToken }),
    }),
  )) as { active?: boolean };
  if (introspection.active !== true) throw new Error("introspection says inactive");
}

/** A browser's cookies for one origin, enough for a sign-in: name → value. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

const decode = (value: string) => value.replaceAll("&amp;", "&").replaceAll("&#x2F;", "/");

/** The sign-in form on a page: where it posts and its hidden fields. */
function readForm(html: string, base: string): { action: string; fields: URLSearchParams } {
  const action = /<form[^>]*action="([^"]*)"/i.exec(html)?.[1];
  if (action === undefined) throw new Error(`no form on the page at ${base}`);
  const fields = new URLSearchParams();
  for (const match of html.matchAll(/<input[^>]*type="hidden"[^>]*>/gi)) {
    const name = /name="([^"]*)"/.exec(match[0])?.[1];
    const value = /value="([^"]*)"/.exec(match[0])?.[1] ?? "";
    if (name) fields.set(name, decode(value));
  }
  return { action: new URL(decode(action), base).href, fields };
}

/**
 * Scenario 3: the authorization-code flow with PKCE and a password, the way a browser does it
 * (open the authorization URL, post credentials to the form, follow redirects to the code),
 * then the code exchange.
 */
export async function signIn(target: Target): Promise<Tokens> {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const url = new URL(target.endpoints.authorization);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: target.app.clientId,
    redirect_uri: target.app.redirectUri,
    scope: "openid email",
    state: randomBytes(8).toString("base64url"),
    code_challenge: challenge,
    code_challenge_method: "S256",
  }).toString();

  const jar = new CookieJar();
  let request: { url: string; init: RequestInit } = { url: url.href, init: {} };
  for (let hop = 0; hop < 8; hop++) {
    const headers = { ...(request.init.headers as object), cookie: jar.header() };
    const response = await fetch(request.url, { ...request.init, headers, redirect: "manual" });
    jar.take(response);
    const location = response.headers.get("location");
    if (location) {
      await response.body?.cancel();
      const next = new URL(location, request.url);
      if (next.href.startsWith(target.app.redirectUri)) {
        return exchangeCode(target, next, verifier);
      }
      request = { url: next.href, init: {} };
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) throw new Error(`${request.url} answered ${response.status}`);
    const form = readForm(html, request.url);
    form.fields.set("username", target.user.username);
    form.fields.set("password", target.user.password);
    request = { url: form.action, init: { method: "POST", body: form.fields } };
  }
  throw new Error("sign-in did not reach the redirect URI in 8 hops");
}

async function exchangeCode(target: Target, callback: URL, verifier: string): Promise<Tokens> {
  const code = callback.searchParams.get("code");
  if (!code) throw new Error(`callback without code: ${callback.searchParams.get("error")}`);
  const response = await fetch(target.endpoints.token, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: target.app.redirectUri,
      client_id: target.app.clientId,
      code_verifier: verifier,
    }),
  });
  return (await json(response)) as Tokens;
}
