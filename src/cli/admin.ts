import { adminUsage, parseAdminArgs } from "./admin-args";
import { AdminClient, CliError } from "./admin-client";
import { bootstrapCommand, exportCommand, importCommand } from "./admin-commands";

/** `npm run admin -- <command>`: export, import and bootstrap against a running Latchkey. */
async function main(argv: string[]): Promise<void> {
  const options = parseAdminArgs(argv, process.env);
  const client = new AdminClient(options.url, options.credentials);
  const print = (line: string) => process.stderr.write(`${line}\n`);
  const { command } = options;

  if (command.name === "help") process.stdout.write(adminUsage);
  else if (command.name === "export") await exportCommand(client, command, print);
  else if (command.name === "import") await importCommand(client, command, print);
  else await bootstrapCommand(client, print);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // Bad flags, a server that is down, a refusal: one line, never a stack trace.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`latchkey admin: ${message}\n`);
  if (!(error instanceof CliError)) process.stderr.write("run with --help for usage\n");
  process.exitCode = 1;
});
