import type { AdminCredentials } from "./admin-args";

/** A failure the CLI explains in one line, without a stack trace. */
export class CliError extends Error {}

/** Talks to a Latchkey admin API as a master realm administrator. */
export class AdminClient {
  private token: string | undefined;

  constructor(
    readonly url: string,
    private readonly credentials: AdminCredentials,
  ) {}

  /** Signs in on the master realm: the password grant on admin-cli, or client_credentials. */
  async signIn(): Promise<void> {
    const fields = this.tokenFields();
    const response = await this.send(`${this.url}/realms/master/protocol/openid-connect/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields),
    });
    const body = (await readJson(response)) as Record<string, unknown>;
    if (response.ok && typeof body.access_token === "string") {
      this.token = body.access_token;
      return;
    }
    const reason = typeof body.error === "string" ? ` (${body.error})` : "";
    if (response.status === 400 || response.status === 401) {
      throw new CliError(`the master realm refused the administrator's credentials${reason}`);
    }
    throw new CliError(`signing in failed: HTTP ${response.status}${reason}`);
  }

  /** Calls the admin API under /admin/realms; a refusal is a CliError with its message. */
  async call(method: string, path: string, body?: unknown): Promise<Response> {
    if (!this.token) await this.signIn();
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
    return this.send(`${this.url}/admin/realms${path}`, init);
  }

  /** Like call, but a status other than 2xx is an error. */
  async expect(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await this.call(method, path, body);
    const parsed = await readJson(response);
    if (response.ok) return parsed;
    const message = (parsed as { errorMessage?: unknown; error?: unknown } | undefined) ?? {};
    const reason = String(message.errorMessage ?? message.error ?? response.statusText);
    throw new CliError(`${method} /admin/realms${path} failed: HTTP ${response.status}: ${reason}`);
  }

  private tokenFields(): Record<string, string> {
    const given = this.credentials;
    if (given.kind === "password") {
      const { username, password } = given;
      return { grant_type: "password", client_id: "admin-cli", username, password };
    }
    if (given.kind === "client") {
      const { clientId, clientSecret } = given;
      return { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret };
    }
    throw new CliError(
      "no administrator given: set --user and --password (or LATCHKEY_ADMIN_USER and " +
        "LATCHKEY_ADMIN_PASSWORD), or --client-id and --client-secret",
    );
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (error) {
      const detail = (error as { cause?: { code?: string; message?: string } }).cause;
      const cause = detail?.code ?? detail?.message ?? String(error);
      throw new CliError(`cannot reach Latchkey at ${this.url} (${cause}); is it running?`);
    }
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { errorMessage: text.slice(0, 200) };
  }
}
