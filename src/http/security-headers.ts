import { secureHeaders } from "hono/secure-headers";

/**
 * Headers for every response. The CSP allows no inline script or style. It sets no
 * `form-action`, because browsers apply it to the redirect that follows a sign-in form,
 * and that redirect goes to the relying party's registered redirect_uri.
 */
export const securityHeaders = secureHeaders({
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
