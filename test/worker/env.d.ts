import type { D1Migration } from "cloudflare:test";
import type { Env as WorkerEnv } from "../../src/config";

declare global {
  namespace Cloudflare {
    /** The bindings tests see: the worker's, plus the migrations to apply in setup. */
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
