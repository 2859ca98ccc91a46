import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { join } from "node:path";

const keycloakJs = join(import.meta.dirname, "..", "..", "..", "node_modules", "keycloak-js");

export interface SpaServer {
  /** The app's origin on localhost, e.g. `http://localhost:41237`. */
  origin: string;
  /** Points the app at a realm; until then it serves no app script. */
  configure(settings: SpaSettings): void;
  close(): Promise<void>;
}

export interface SpaSettings {
  /** Where Latchkey answers, e.g. `http://localhost:41234`. */
  url: string;
  realm: string;
  clientId: string;
}

/**
 * The page keycloak-js's adapter code runs on: loads the bundle, starts it with check-sso
 * and a silent check page, and leaves `window.keycloak` and `window.ready` for the test.
 * Everything else is keycloak-js's default: standard flow, PKCE S256, response_mode=fragment,
 * the session status iframe.
 */
function appScript(settings: SpaSettings): string {
  return `import Keycloak from "/keycloak.js";
const keycloak = new Keycloak(${JSON.stringify(settings)});
window.keycloak = keycloak;
window.ready = keycloak
  .init({
    onLoad: "check-sso",
    silentCheckSsoRedirectUri: location.origin + "/silent-check-sso.html",
  })
  .then(
    (authenticated) => ({ authenticated }),
    (error) => ({ error: String(error?.error ?? error?.message ?? error) }),
  );
`;
}

const pages: Record<string, string> = {
  "/": `<!doctype html><meta charset="utf-8"><title>spa</title>
<script type="module" src="/app.js"></script><p>spa</p>`,
  // keycloak-js's documented silent check page: hand the callback URL to the app.
  "/silent-check-sso.html": `<!doctype html><meta charset="utf-8"><title>silent</title>
<script>parent.postMessage(location.href, location.origin);</script>`,
};

/** Serves the single-page app on its own port, as a static host would. */
export async function startSpaServer(): Promise<SpaServer> {
  const bundle = await readFile(join(keycloakJs, "lib", "keycloak.js"), "utf8");
  let settings: SpaSettings | undefined;

  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? "/", "http://localhost");
    const javascript = { "content-type": "text/javascript; charset=utf-8" };
    if (pathname === "/keycloak.js") return void response.writeHead(200, javascript).end(bundle);
    if (pathname === "/app.js" && settings) {
      return void response.writeHead(200, javascript).end(appScript(settings));
    }
    const page = pages[pathname];
    if (page === undefined) return void response.writeHead(404).end();
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const configure = (value: SpaSettings) => {
    settings = value;
  };
  return { origin: `http://localhost:${port}`, configure, close };
}
