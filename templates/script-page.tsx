import { raw } from "hono/html";

/** A page with nothing to show that runs one of our scripts: what keycloak-js frames. */
export function ScriptPage({ script }: { script: string }) {
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="robots" content="noindex, nofollow" />
          <script src={`/resources/${script}`} />
        </head>
        <body />
      </html>
    </>
  );
}
