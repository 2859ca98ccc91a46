import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { wranglerOutput } from "../../src/cli/wrangler";

const root = join(import.meta.dirname, "..", "..");

/** Bytes of JavaScript in the worker bundle, from `wrangler deploy --dry-run --outdir`. */
export async function bundleSize(): Promise<{ bytes: number; gzipBytes: number }> {
  const outdir = await mkdtemp(join(tmpdir(), "latchkey-bundle-"));
  try {
    await wranglerOutput(root, ["deploy", "--dry-run", "--outdir", outdir], "wrangler dry run");
    let bytes = 0;
    let gzipBytes = 0;
    for (const name of await readdir(outdir)) {
      if (!name.endsWith(".js")) continue;
      const content = await readFile(join(outdir, name));
      bytes += content.length;
      gzipBytes += gzipSync(content).length;
    }
    return { bytes, gzipBytes };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}
