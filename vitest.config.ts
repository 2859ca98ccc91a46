import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const migrations = await readD1Migrations("./migrations");

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: migrations,
                KEY_ENCRYPTION_SECRET: "bGF0Y2hrZXktdGVzdC1vbmx5LXNlY3JldC0zMmJ5dGU=",
              },
            },
          }),
        ],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.{ts,tsx}"],
          setupFiles: ["./test/worker/setup.ts"],
          // Sign-ins hash with scrypt (about 165 ms each); on a busy 2-CPU machine a test with
          // several of them outgrows vitest's 5 s default without anything being wrong.
          testTimeout: 15_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
