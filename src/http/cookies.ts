import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

/** Cookies are `__Host-` prefixed (and Secure) wherever the page is served over https. */
function isSecure(c: Context): boolean {
  return new URL(c.req.url).protocol === "https:";
}

function cookieName(c: Context, name: string): string {
  return isSecure(c) ? `__Host-${name}` : name;
}

/** Reads a cookie set by `setHostCookie`. */
export function readHostCookie(c: Context, name: string): string | undefined {
  return getCookie(c, cookieName(c, name));
}

/** Sets an HttpOnly, SameSite=Lax cookie for the whole host; a session cookie unless maxAge. */
export function setHostCookie(c: Context, name: string, value: string, maxAge?: number): void {
  setCookie(c, cookieName(c, name), value, {
    path: "/",
    httpOnly: true,
    secure: isSecure(c),
    sameSite: "Lax",
    ...(maxAge === undefined ? {} : { maxAge }),
  });
}

export function clearHostCookie(c: Context, name: string): void {
  deleteCookie(c, cookieName(c, name), { path: "/", secure: isSecure(c) });
}
