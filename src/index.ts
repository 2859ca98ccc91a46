import { ensureBootstrap } from "./admin/bootstrap";
import { app } from "./app";
import type { Env } from "./config";
import { deleteExpiredGrants } from "./db/cleanup";
import { database } from "./db/client";
import { deleteExpiredEvents } from "./events/retention";
import { rotateKeys } from "./keys/rotate";
import { nowSeconds } from "./time";

export { AccountGuard } from "./limits/account-guard";
export { WebhookDispatcher } from "./webhooks/dispatcher";

export default {
  fetch: app.fetch,

  /** Removes expired grants, sessions and events; rotates signing keys. */
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(ensureBootstrap(env, database(env.DB)));
    ctx.waitUntil(deleteExpiredGrants(database(env.DB), nowSeconds()));
    ctx.waitUntil(deleteExpiredEvents(database(env.DB), nowSeconds()));
    // The cron's own time, so runs 15 minutes apart measure exactly 15 minutes between them.
    ctx.waitUntil(rotateKeys(env, Math.floor(controller.scheduledTime / 1000)));
  },
} satisfies ExportedHandler<Env>;
