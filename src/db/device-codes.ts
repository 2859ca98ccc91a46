import { and, eq, gt, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import type { Acr } from "../oidc/authorize/acr";
import type { Database } from "./client";
import { deviceCodes, refreshTokens } from "./schema";
import type { Session } from "./sessions";

export type DeviceCode = typeof deviceCodes.$inferSelect;

export type NewDeviceCode = Pick<
  DeviceCode,
  "deviceCodeHash" | "userCodeHash" | "realmId" | "clientId" | "scope" | "familyId"
>;

/** Stores a pending device authorization request; only the codes' hashes are kept. */
export async function storeDeviceCode(
  db: Database,
  code: NewDeviceCode,
  lifetime: { expiresIn: number; interval: number },
  now: number,
): Promise<void> {
  await db.insert(deviceCodes).values({
    ...code,
    status: "pending",
    pollInterval: lifetime.interval,
    createdAt: now,
    expiresAt: now + lifetime.expiresIn,
  });
}

/** Still waiting for a person: pending and unexpired. */
const waiting = (now: number) =>
  and(eq(deviceCodes.status, "pending"), gt(deviceCodes.expiresAt, now));

/** The pending request a user code names in this realm, if it is still waiting. */
export async function findPendingDeviceCode(
  db: Database,
  realmId: string,
  userCodeHash: string,
  now: number,
): Promise<DeviceCode | undefined> {
  return db.query.deviceCodes.findFirst({
    where: and(
      eq(deviceCodes.userCodeHash, userCodeHash),
      eq(deviceCodes.realmId, realmId),
      waiting(now),
    ),
  });
}

/**
 * Records the person's answer in one statement, only while the request waits, so an answer
 * cannot be changed and two tabs cannot both answer. Undefined when nothing was waiting.
 */
export async function answerDeviceCode(
  db: Database,
  realmId: string,
  userCodeHash: string,
  answer: { approved: boolean; session: Session; acr: Acr },
  now: number,
): Promise<DeviceCode | undefined> {
  const { approved, session, acr } = answer;
  const [row] = await db
    .update(deviceCodes)
    .set({
      status: approved ? "approved" : "denied",
      userId: session.userId,
      sessionId: approved ? session.id : null,
      authTime: approved ? session.authTime : null,
      acr: approved ? acr : null,
    })
    .where(
      and(
        eq(deviceCodes.userCodeHash, userCodeHash),
        eq(deviceCodes.realmId, realmId),
        waiting(now),
      ),
    )
    .returning();
  return row;
}

/** Consumes an approved device code in one atomic statement: tokens are issued once. */
export async function consumeApprovedDeviceCode(
  db: Database,
  deviceCodeHash: string,
  clientId: string,
  now: number,
): Promise<DeviceCode | undefined> {
  const [row] = await db
    .update(deviceCodes)
    .set({ consumedAt: now })
    .where(
      and(
        eq(deviceCodes.deviceCodeHash, deviceCodeHash),
        eq(deviceCodes.clientId, clientId),
        eq(deviceCodes.status, "approved"),
        isNull(deviceCodes.consumedAt),
        gt(deviceCodes.expiresAt, now),
      ),
    )
    .returning();
  return row;
}

/**
 * Records a poll of a device code not yet approved, in one transaction: a poll sooner than the
 * interval after the last one grows the interval by 5 seconds (RFC 8628 §3.5). Returns the
 * row after the poll and whether it came too soon.
 */
export async function pollDeviceCode(
  db: Database,
  deviceCodeHash: string,
  clientId: string,
  now: number,
): Promise<{ code: DeviceCode | undefined; tooSoon: boolean }> {
  const mine = and(
    eq(deviceCodes.deviceCodeHash, deviceCodeHash),
    eq(deviceCodes.clientId, clientId),
  );
  const sinceLast = sql`${now} - ${deviceCodes.lastPolledAt}`;
  const [slowed, , rows] = await db.batch([
    db
      .update(deviceCodes)
      .set({ pollInterval: sql`${deviceCodes.pollInterval} + 5`, lastPolledAt: now })
      .where(
        and(
          mine,
          isNotNull(deviceCodes.lastPolledAt),
          sql`${sinceLast} < ${deviceCodes.pollInterval}`,
        ),
      )
      .returning({ hash: deviceCodes.deviceCodeHash }),
    db
      .update(deviceCodes)
      .set({ lastPolledAt: now })
      .where(
        and(mine, or(isNull(deviceCodes.lastPolledAt), lte(deviceCodes.pollInterval, sinceLast))),
      ),
    db.select().from(deviceCodes).where(mine),
  ]);
  return { code: rows[0], tooSoon: slowed.length > 0 };
}

/**
 * Answers a replayed device code: its row and the refresh tokens issued from it go in one
 * batch. The row goes too, so an exchange of it that is still minting sees the replay.
 */
export async function revokeReplayedDeviceCode(db: Database, code: DeviceCode): Promise<void> {
  await db.batch([
    db.delete(deviceCodes).where(eq(deviceCodes.deviceCodeHash, code.deviceCodeHash)),
    db.delete(refreshTokens).where(eq(refreshTokens.familyId, code.familyId)),
  ]);
}

/** The query for whether a device code's row is still there, to batch with an exchange. */
export function deviceCodeRow(db: Database, deviceCodeHash: string) {
  return db
    .select({ hash: deviceCodes.deviceCodeHash })
    .from(deviceCodes)
    .where(eq(deviceCodes.deviceCodeHash, deviceCodeHash));
}
