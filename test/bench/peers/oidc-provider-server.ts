/**
 * node-oidc-provider configured like Latchkey's demo realm for the benchmark, in its own
 * process so its CPU time can be measured: a confidential client with client_credentials and
 * a public PKCE client with rotating refresh tokens, introspection, userinfo, the default
 * in-memory adapter, and a minimal password sign-in interaction hashed with scrypt at
 * Latchkey's cost. Usage: oidc-provider-server.ts <port> <config-json>
 */
import { generateKeyPairSync, scrypt, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { promisify } from "node:util";
import Provider from "oidc-provider";

export interface PeerConfig {
  service: { clientId: string; secret: string };
  app: { clientId: string; redirectUri: string };
  user: { username: string; password: string };
}

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>;
// Latchkey's PASSWORD_HASH_PARAMS: N = 2^14, r = 8, p = 5, 32-byte key.
const SCRYPT = { N: 2 ** 14, r: 8, p: 5, maxmem: 64 * 1024 * 1024 };
const hash = (password: string, salt: Buffer) => scryptAsync(password, salt, 32, SCRYPT);

const port = Number(process.argv[2]);
const config = JSON.parse(process.argv[3] ?? "{}") as PeerConfig;
const issuer = `http://127.0.0.1:${port}`;
const salt = Buffer.from("bench-salt-16byt");
const stored = await hash(config.user.password, salt);
const accountId = "bench-user";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: "jwk" }), use: "sig", alg: "RS256", kid: "bench" };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: config.service.clientId,
      client_secret: config.service.secret,
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
    },
    {
      client_id: config.app.clientId,
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      redirect_uris: [config.app.redirectUri],
    },
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: ["bench-cookie-key-not-a-secret"] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    userinfo: { enabled: true },
  },
  claims: { openid: ["sub"], email: ["email", "email_verified"] },
  // Like Keycloak and Latchkey: a refresh token with every code exchange, rotated on use.
  issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) =>
    client.grantTypeAllowed("refresh_token"),
  rotateRefreshToken: () => true,
  findAccount: async (_ctx: unknown, id: string) => ({
    accountId: id,
    claims: async () => ({ sub: id, email: config.user.username, email_verified: true }),
  }),
  interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/i/${interaction.uid}` },
});

const page = (action: string) =>
  `<!doctype html><form method="post" action="${action}">` +
  '<input name="username"><input name="password" type="password"><button>Sign in</button></form>';

async function readBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

async function interaction(req: IncomingMessage, res: ServerResponse) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === "GET") {
    res.writeHead(200, { "content-type": "text/html" }).end(page(`/i/${details.uid}`));
    return;
  }
  const form = await readBody(req);
  const candidate = await hash(form.get("password") ?? "", salt);
  if (form.get("username") !== config.user.username || !timingSafeEqual(candidate, stored)) {
    res.writeHead(401, { "content-type": "text/html" }).end(page(`/i/${details.uid}`));
    return;
  }
  // Consent is implied, as for Latchkey's first-party demo client.
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(String(details.params.scope));
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

const callback = provider.callback();
createServer((req, res) => {
  if (req.url?.startsWith("/i/")) {
    interaction(req, res).catch((error: Error) => {
      res.writeHead(500).end(error.message);
    });
    return;
  }
  callback(req, res);
}).listen(port, "127.0.0.1", () => process.stdout.write("ready\n"));
