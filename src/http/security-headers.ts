import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../config";

/**
 * Headers for every response. The CSP allows no inline script or style. It sets no
 * `form-action`, because browsers apply it to the redirect that follows a sign-in form,
 * and that redirect goes to the relying party's registered redirect_uri.
 */
const strictHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    frameAncestors: ["'none'"],
  },
  referrerPolicy: "no-referrer",
  xFrameOptions: "DENY",
  crossOriginResourcePolicy: false,
  crossOriginOpenerPolicy: "same-origin",
});

/**
 * The strict headers, with two narrow openings a route asks for. Pages relying parties frame
 * (the session status iframe, the third-party cookie check) set `frameAncestors`: there
 * `frame-ancestors` names exactly those origins, and X-Frame-Options, which cannot list
 * origins, goes. The page after a front-channel logout sets `frameSources`: its `frame-src`
 * names exactly the relying parties it frames.
 */
export const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await strictHeaders(c, next);

  const ancestors = c.get("frameAncestors");
  const frames = c.get("frameSources");
  let csp = c.res.headers.get("Content-Security-Policy") ?? "";
  if (ancestors !== undefined) {
    const sources = ancestors.length > 0 ? ancestors.join(" ") : "'none'";
    csp = csp.replace(/frame-ancestors [^;]*/, `frame-ancestors ${sources}`);
    c.res.headers.delete("X-Frame-Options");
  }
  if (frames !== undefined && frames.length > 0) csp = `${csp}; frame-src ${frames.join(" ")}`;
  if (ancestors !== undefined || frames !== undefined) {
    c.res.headers.set("Content-Security-Policy", csp);
  }
};
