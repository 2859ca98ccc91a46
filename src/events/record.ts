import type { Context } from "hono";
import type { AppEnv } from "../config";
import { randomId } from "../crypto/random";
import type { Realm } from "../db/realms";
import type { EventFields, EventType, RecordedEvent } from "./catalogue";
import { eventIpAddress } from "./ip-address";
import { storeEvent } from "./store";

/** The event a request describes, with its id, time, realm and the caller's address. */
export function buildEvent(
  realm: Realm,
  type: EventType,
  fields: EventFields,
  ipHeader: string | undefined,
  now = Date.now(),
): RecordedEvent {
  return {
    id: randomId(),
    time: now,
    type,
    realmId: realm.id,
    clientId: fields.clientId ?? null,
    userId: fields.userId ?? null,
    sessionId: fields.sessionId ?? null,
    ipAddress: eventIpAddress(ipHeader, realm.eventsIpTruncation),
    error: fields.error ?? null,
    details: fields.details && Object.keys(fields.details).length > 0 ? fields.details : null,
  };
}

/**
 * Reports an event of the current request. It is stored after the response, through
 * `waitUntil`: recording never slows the request, and a failure to record never fails it.
 */
export function emitEvent(c: Context<AppEnv>, type: EventType, fields: EventFields = {}): void {
  const realm = c.var.realm;
  if (!realm) return;
  const event = buildEvent(realm, type, fields, c.req.header("cf-connecting-ip"));
  afterResponse(c, storeEvent(c.env, c.var.db, realm, event));
}

/** Runs work past the response; without an execution context (in-process calls) it just runs. */
export function afterResponse(c: Context<AppEnv>, work: Promise<unknown>): void {
  let context: ExecutionContext | undefined;
  try {
    context = c.executionCtx as ExecutionContext;
  } catch {
    context = undefined;
  }
  context?.waitUntil(work);
}
