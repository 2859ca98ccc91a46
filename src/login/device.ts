import { type Context, Hono } from "hono";
import type { AppEnv } from "../config";
import { findClientById } from "../db/clients";
import { answerDeviceCode, findPendingDeviceCode } from "../db/device-codes";
import { verifyCsrfToken } from "../http/csrf";
import { OAuthError, PageError } from "../http/errors";
import { logEvent } from "../http/log";
import { formParams, queryParams } from "../http/params";
import type { GuardPolicy } from "../limits/account-guard";
import { accountGuard } from "../limits/guard";
import { normalizeUserCode, userCodeHash } from "../oidc/device/user-code";
import { nowSeconds } from "../time";
import { showDevicePage, showDeviceSignIn } from "./device-page";
import { currentSession } from "./sso-cookie";

/**
 * RFC 8628 §5.1: user codes are short, so wrong guesses are limited per signed-in person: five
 * misses lock the code form for a minute, growing to fifteen. Always on, whatever the realm's
 * password settings, and never reset by a right code, which an attacker can mint for himself.
 */
const USER_CODE_POLICY: GuardPolicy = {
  enabled: true,
  failureFactor: 5,
  waitIncrementSeconds: 60,
  maxFailureWaitSeconds: 900,
  maxDeltaTimeSeconds: 3600,
};

/** The device verification page at `/realms/:realm/device` (RFC 8628 §3.3). */
export const deviceRoutes = new Hono<AppEnv>();

deviceRoutes.get("/device", async (c) => {
  const userCode = (() => {
    try {
      return queryParams(c).user_code;
    } catch {
      throw new PageError("error.invalidRequest");
    }
  })();
  const session = await currentSession(c, c.var.db, c.var.realm, nowSeconds());
  if (!session) return showDeviceSignIn(c, userCode);

  // RFC 8628 §5.4: even with the code in the link, the person confirms it on the next step.
  return showDevicePage(c, { step: "enter", userCode: userCode?.slice(0, 32) });
});

deviceRoutes.post("/device", async (c) => {
  const form = await formParams(c).catch((error) => {
    if (error instanceof OAuthError) throw new PageError("error.invalidRequest");
    throw error;
  });
  await verifyCsrfToken(c, form.csrf_token);

  const { db, realm } = c.var;
  const now = nowSeconds();
  const session = await currentSession(c, db, realm, now);
  if (!session) return showDeviceSignIn(c, form.user_code);

  const typed = form.user_code?.slice(0, 32);
  const normalized = normalizeUserCode(form.user_code ?? "");
  if (normalized === undefined) return wrongCode(c, typed);

  const guard = accountGuard(c.env, realm.id, `device:${session.userId}`);
  if ((await guard.check(USER_CODE_POLICY)).locked) {
    return showDevicePage(
      c,
      { step: "enter", userCode: typed, errorKey: "device.tooManyAttempts" },
      429,
    );
  }

  const hash = await userCodeHash(c.env.KEY_ENCRYPTION_SECRET, normalized);
  const code = await findPendingDeviceCode(db, realm.id, hash, now);
  const client = code && (await findClientById(db, code.clientId));
  if (!code || !client?.enabled || !client.deviceGrantEnabled) {
    await guard.recordFailure(USER_CODE_POLICY);
    logEvent("device.failed", { realm: realm.id, userId: session.userId });
    return wrongCode(c, typed);
  }

  const decision = form.decision;
  if (decision !== "approve" && decision !== "deny") {
    const clientName = client.name ?? client.clientId;
    return showDevicePage(c, {
      step: "confirm",
      userCode: typed ?? "",
      clientName,
      scopes: code.scope.split(" "),
    });
  }

  const approved = decision === "approve";
  const answered = await answerDeviceCode(db, realm.id, hash, { approved, session }, now);
  if (!answered) return wrongCode(c, typed);
  logEvent(approved ? "device.approved" : "device.denied", {
    realm: realm.id,
    client: client.clientId,
    userId: session.userId,
  });
  return showDevicePage(c, { step: "done", approved });
});

/** The code form again, saying the code was not right. */
function wrongCode(c: Context<AppEnv>, typed: string | undefined) {
  return showDevicePage(c, { step: "enter", userCode: typed, errorKey: "device.invalidCode" }, 400);
}
