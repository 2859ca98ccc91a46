import { DurableObject } from "cloudflare:workers";
import type { Env } from "../config";
import { database } from "../db/client";
import { deliverDue } from "./deliver-due";
import { allowsPrivateTargets } from "./target";

const ENDPOINT = "endpoint";

/**
 * Delivers one webhook endpoint's messages, at least once: the log lives in D1, this object
 * only keeps the alarm that runs each retry when its backoff is over. One per endpoint.
 */
export class WebhookDispatcher extends DurableObject<Env> {
  /** Asks for a delivery run now, unless one is already due sooner. */
  async schedule(endpointId: string): Promise<void> {
    await this.ctx.storage.put(ENDPOINT, endpointId);
    const alarm = await this.ctx.storage.getAlarm();
    const now = Date.now();
    if (alarm === null || alarm > now) await this.ctx.storage.setAlarm(now);
  }

  /** Drops the alarm and the stored endpoint id, once the endpoint is deleted. */
  async forget(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  override async alarm(): Promise<void> {
    const endpointId = await this.ctx.storage.get<string>(ENDPOINT);
    if (endpointId === undefined) return;

    const next = await deliverDue(this.env, database(this.env.DB), endpointId, {
      now: Date.now(),
      send: (request) => fetch(request),
      allowPrivate: allowsPrivateTargets(this.env),
    });
    // The endpoint id stays stored: a schedule() during this run may have set a new alarm.
    if (next !== null) await this.ctx.storage.setAlarm(Math.max(next, Date.now()));
  }
}
