import type { Context } from "hono";
import { DevicePage, type DeviceStep } from "../../templates/device-page";
import type { AppEnv } from "../config";
import type { Realm } from "../db/realms";
import { issueCsrfToken } from "../http/csrf";
import type { Params } from "../http/params";
import { renderPage } from "../http/render";
import { showLoginPage } from "./pages";

export function devicePageUrl(realm: Realm): string {
  return `/realms/${realm.name}/device`;
}

/** Renders one step of the device page. */
export async function showDevicePage(c: Context<AppEnv>, step: DeviceStep, status = 200) {
  const realm = c.var.realm;
  const page = DevicePage({
    t: c.var.t,
    locale: c.var.locale,
    realmName: realm.displayName ?? realm.name,
    action: devicePageUrl(realm),
    csrfToken: await issueCsrfToken(c),
    ...step,
  });
  return renderPage(c, page, status);
}

/**
 * The sign-in page for someone who came to connect a device: its form carries `device` (and the
 * code typed so far), so the sign-in leads back here instead of to the account console.
 */
export function showDeviceSignIn(c: Context<AppEnv>, userCode: string | undefined) {
  const params: Params = { device: "1" };
  if (userCode !== undefined) params.user_code = userCode.slice(0, 32);
  return showLoginPage(c, params);
}

/** Where a sign-in that carried `device` leads back to. */
export function deviceReturnUrl(realm: Realm, params: Params): string | undefined {
  if (params.device !== "1") return undefined;
  const code = params.user_code?.slice(0, 32);
  const query = code ? `?${new URLSearchParams({ user_code: code })}` : "";
  return `${devicePageUrl(realm)}${query}`;
}
