import { app } from "./app";
import type { Env } from "./config";
import { deleteExpiredGrants } from "./db/cleanup";
import { database } from "./db/client";
import { nowSeconds } from "./time";

export { AccountGuard } from "./limits/account-guard";

export default {
  fetch: app.fetch,

  /** Removes expired authorization codes, refresh tokens and sessions. */
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(deleteExpiredGrants(database(env.DB), nowSeconds()));
  },
} satisfies ExportedHandler<Env>;
