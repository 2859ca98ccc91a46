import { and, eq, isNotNull } from "drizzle-orm";
import { sha256 } from "../crypto/digest";
import { randomId, randomToken } from "../crypto/random";
import type { Database } from "./client";
import type { Realm } from "./realms";
import { authorizationCodes, refreshTokens, sessions } from "./schema";

export type Session = typeof sessions.$inferSelect;

/** Starts an SSO session; returns it with the cookie secret, which is stored only hashed. */
export async function startSession(
  db: Database,
  realm: Realm,
  userId: string,
  amr: string[],
  now: number,
): Promise<{ session: Session; secret: string }> {
  const secret = randomToken();
  const session: Session = {
    id: randomId(),
    realmId: realm.id,
    userId,
    secretHash: await sha256(secret),
    authTime: now,
    amr,
    lastSeenAt: now,
    expiresAt: now + realm.ssoSessionMaxLifespan,
    createdAt: now,
  };
  await db.insert(sessions).values(session);
  return { session, secret };
}

/** Whether a session is past its idle timeout or its maximum lifespan. */
export function isSessionExpired(session: Session, realm: Realm, now: number): boolean {
  return now >= session.expiresAt || now >= session.lastSeenAt + realm.ssoSessionIdleTimeout;
}

/** The live session a cookie secret names, if any. */
export async function findSessionBySecret(
  db: Database,
  realm: Realm,
  secret: string,
  now: number,
): Promise<Session | undefined> {
  const session = await db.query.sessions.findFirst({
    where: and(eq(sessions.secretHash, await sha256(secret)), eq(sessions.realmId, realm.id)),
  });
  if (!session || isSessionExpired(session, realm, now)) return undefined;
  return session;
}

export async function findSessionById(db: Database, realm: Realm, id: string, now: number) {
  const session = await db.query.sessions.findFirst({
    where: and(eq(sessions.id, id), eq(sessions.realmId, realm.id)),
  });
  if (!session || isSessionExpired(session, realm, now)) return undefined;
  return session;
}

/** Records a fresh authentication in an existing session (prompt=login, max_age). */
export async function reauthenticateSession(
  db: Database,
  session: Session,
  amr: string[],
  now: number,
) {
  await db
    .update(sessions)
    .set({ authTime: now, amr, lastSeenAt: now })
    .where(eq(sessions.id, session.id));
  return { ...session, authTime: now, amr, lastSeenAt: now };
}

/** A session that has just ended, and the clients (internal ids) it issued tokens to. */
export interface EndedSession {
  session: Session;
  clientIds: string[];
}

/**
 * The query for the clients whose codes were redeemed in a session, to batch before the
 * deletes: with the refresh tokens, they are the relying parties to tell of its end.
 */
export function sessionCodeClients(db: Database, sessionId: string) {
  return db
    .selectDistinct({ clientId: authorizationCodes.clientId })
    .from(authorizationCodes)
    .where(
      and(eq(authorizationCodes.sessionId, sessionId), isNotNull(authorizationCodes.consumedAt)),
    );
}

/** Joins what a session-ending batch returned; undefined when the session was already gone. */
export function endedSession(
  ended: Session[],
  ...clients: Array<Array<{ clientId: string }>>
): EndedSession | undefined {
  const [session] = ended;
  if (!session) return undefined;
  const clientIds = new Set(clients.flat().map((row) => row.clientId));
  return { session, clientIds: [...clientIds] };
}

/**
 * Ends a session and every refresh token issued in it, in one batch. Offline tokens stay:
 * they are meant to outlive the session (revocation or the account page ends them). Returns
 * the session and the clients it issued tokens to; undefined when another request ended it
 * first, so each end is announced once.
 */
export async function endSession(
  db: Database,
  sessionId: string,
): Promise<EndedSession | undefined> {
  const [codeClients, tokenClients, ended] = await db.batch([
    sessionCodeClients(db, sessionId),
    db
      .delete(refreshTokens)
      .where(and(eq(refreshTokens.sessionId, sessionId), eq(refreshTokens.offline, false)))
      .returning({ clientId: refreshTokens.clientId }),
    db.delete(sessions).where(eq(sessions.id, sessionId)).returning(),
  ]);
  return endedSession(ended, codeClients, tokenClients);
}

/** The update that records activity in a session, for its idle timeout. */
export function touchSession(db: Database, sessionId: string, now: number) {
  return db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, sessionId));
}
