import { type Context, Hono } from "hono";
import type { AppEnv } from "../config";
import { type Client, findClientById } from "../db/clients";
import { answerDeviceCode, type DeviceCode, findPendingDeviceCode } from "../db/device-codes";
import type { Session } from "../db/sessions";
import { deviceAnswerEvent } from "../events/login-events";
import { emitEvent } from "../events/record";
import { verifyCsrfToken } from "../http/csrf";
import { logEvent } from "../http/log";
import { formParams, queryParams } from "../http/params";
import type { GuardPolicy } from "../limits/account-guard";
import { accountGuard } from "../limits/guard";
import type { Acr } from "../oidc/authorize/acr";
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

/** The longest user code input worth reading back into the form. */
const MAX_TYPED = 32;

/** A waiting device authorization request, found by the user code the person typed. */
interface Found {
  code: DeviceCode;
  client: Client;
  hash: string;
}

/** The device verification page at `/realms/:realm/device` (RFC 8628 §3.3). */
export const deviceRoutes = new Hono<AppEnv>();

deviceRoutes.get("/device", async (c) => {
  const userCode = queryParams(c).user_code?.slice(0, MAX_TYPED);
  const session = await currentSession(c, c.var.db, c.var.realm, nowSeconds());
  if (!session) return showDeviceSignIn(c, userCode);

  // RFC 8628 §5.4: even with the code in the link, the person confirms it on the next step.
  return showDevicePage(c, { step: "enter", userCode });
});

deviceRoutes.post("/device", async (c) => {
  const form = await formParams(c);
  await verifyCsrfToken(c, form.csrf_token);

  const now = nowSeconds();
  const session = await currentSession(c, c.var.db, c.var.realm, now);
  const typed = form.user_code?.slice(0, MAX_TYPED);
  if (!session) return showDeviceSignIn(c, typed);

  const found = await findByUserCode(c, session, typed ?? "", now);
  if (found instanceof Response) return found;

  const decision = form.decision;
  if (decision !== "approve" && decision !== "deny") {
    const { code, client } = found;
    return showDevicePage(c, {
      step: "confirm",
      userCode: typed ?? "",
      clientName: client.name ?? client.clientId,
      scopes: code.scope.split(" "),
    });
  }
  return answer(c, session, found, decision === "approve", now);
});

/**
 * Looks the typed code up, counting each miss against the person (§5.1). A code that cannot be
 * one costs no lookup and counts nothing: it cannot be a guess.
 */
async function findByUserCode(
  c: Context<AppEnv>,
  session: Session,
  typed: string,
  now: number,
): Promise<Found | Response> {
  const { db, realm } = c.var;
  const normalized = normalizeUserCode(typed);
  if (normalized === undefined) return wrongCode(c, typed);

  const guard = accountGuard(c.env, realm.id, `device:${session.userId}`);
  if ((await guard.check(USER_CODE_POLICY)).locked) {
    const errorKey = "device.tooManyAttempts";
    return showDevicePage(c, { step: "enter", userCode: typed, errorKey }, 429);
  }

  const hash = await userCodeHash(c.env.KEY_ENCRYPTION_SECRET, normalized);
  const code = await findPendingDeviceCode(db, realm.id, hash, now);
  const client = code && (await findClientById(db, code.clientId));
  if (!code || !client?.enabled || !client.deviceGrantEnabled) {
    await guard.recordFailure(USER_CODE_POLICY);
    logEvent("device.failed", { realm: realm.id, userId: session.userId });
    return wrongCode(c, typed);
  }
  return { code, client, hash };
}

/**
 * Keycloak's acr of an approval: "1" when the person signed in after the device asked, so
 * for this request; "0" when a session from before was reused.
 */
function deviceApprovalAcr(code: DeviceCode, session: Session): Acr {
  return code.createdAt !== null && session.authTime >= code.createdAt ? "1" : "0";
}

/** Records allow or deny, once; the device learns it at its next poll. */
async function answer(
  c: Context<AppEnv>,
  session: Session,
  { code, client, hash }: Found,
  approved: boolean,
  now: number,
) {
  const { db, realm } = c.var;
  const acr = deviceApprovalAcr(code, session);
  const answered = await answerDeviceCode(db, realm.id, hash, { approved, session, acr }, now);
  if (!answered) return wrongCode(c, undefined);

  emitEvent(c, "OAUTH2_DEVICE_VERIFY_USER_CODE", deviceAnswerEvent(client, session, approved));
  logEvent(approved ? "device.approved" : "device.denied", {
    realm: realm.id,
    client: client.clientId,
    userId: session.userId,
  });
  return showDevicePage(c, { step: "done", approved });
}

/** The code form again, saying the code was not right. */
function wrongCode(c: Context<AppEnv>, typed: string | undefined) {
  return showDevicePage(c, { step: "enter", userCode: typed, errorKey: "device.invalidCode" }, 400);
}
