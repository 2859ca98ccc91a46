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
 * The strict headers, except on the few pages relying parties frame (the session status
 * iframe, the third-party cookie check): there `frame-ancestors` names exactly the origins
 * the route put in `frameAncestors`, and X-Frame-Options, which cannot list origins, goes.
 */
export const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await strictHeaders(c, next);

  const ancestors = c.get("frameAncestors");
  if (ancestors === undefined) return;
  const sources = ancestors.length > 0 ? ancestors.join(" ") : "'none'";
  const csp = c.res.headers.get("Content-Security-Policy") ?? "";
  c.res.headers.set(
    "Content-Security-Policy",
    csp.replace(/frame-ancestors [^;]*/, `frame-ancestors ${sources}`),
  );
  c.res.headers.delete("X-Frame-Options");
};
