import { env } from "cloudflare:test";
import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { findRealmByName } from "../../../src/db/realms";
import { users } from "../../../src/db/schema";
import { Browser, readForm } from "../support/browser";
import { authorizeUrl, redirectParams, spaRequest } from "../support/oidc";
import { ORIGIN, seedRealm } from "../support/realm";

const signUpPage = (name: string, query = "") =>
  `${ORIGIN}/realms/${name}/protocol/openid-connect/registrations${query}`;

const person = {
  email: "Grace@Example.com",
  firstName: "Grace",
  lastName: "Hopper",
  password: "a long passphrase",
  "password-confirm": "a long passphrase",
};

async function register(browser: Browser, pageUrl: string, fields: Record<string, string>) {
  const page = await browser.get(pageUrl);
  expect(page.status).toBe(200);
  const { action, hidden } = readForm(await page.text(), pageUrl);
  return browser.post(action, { ...hidden, ...fields });
}

async function userCount(realmName: string) {
  const db = database(env.DB);
  const realm = await findRealmByName(db, realmName);
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(eq(users.realmId, realm?.id ?? ""));
  return row?.n ?? 0;
}

describe("self-service sign-up", () => {
  it("creates the account, keeps the email as typed, and signs the person in", async () => {
    const realm = await seedRealm();
    const browser = new Browser();
    const response = await register(browser, signUpPage(realm.name), person);
    expect(response.status).toBe(303);

    const account = await browser.get(`${ORIGIN}${response.headers.get("location")}`);
    const html = await account.text();
    expect(html).toContain("Grace@Example.com");
    expect(await userCount(realm.name)).toBe(2);
  });

  it("refuses a registered email in any case or Unicode form, writing nothing", async () => {
    const realm = await seedRealm();
    for (const email of ["ADA@example.com", "ａｄａ@example.com"]) {
      const response = await register(new Browser(), signUpPage(realm.name), { ...person, email });
      expect(response.status).toBe(409);
      expect(await response.text()).toContain("An account with this email already exists.");
    }
    expect(await userCount(realm.name)).toBe(1);
  });

  it.each([
    [
      "a short password",
      { password: "short", "password-confirm": "short" },
      "Use at least 8 characters.",
    ],
    [
      "mismatched passwords",
      { "password-confirm": "another passphrase" },
      "The passwords do not match.",
    ],
    ["an invalid email", { email: "not-an-email" }, "Please enter a valid email address."],
    ["a missing first name", { firstName: "" }, "This field is required."],
    [
      "a control character in a name",
      { firstName: "Gr\u0000ace" },
      "This entry contains characters that are not allowed.",
    ],
    [
      "a right-to-left override in a name",
      { lastName: "Hop\u202Eper" },
      "This entry contains characters that are not allowed.",
    ],
    [
      "an over-long password",
      { password: "x".repeat(1025), "password-confirm": "x".repeat(1025) },
      "Use at most 1024 characters.",
    ],
  ])("refuses %s with a specific message and writes nothing", async (_, change, message) => {
    const realm = await seedRealm();
    const response = await register(new Browser(), signUpPage(realm.name), {
      ...person,
      ...change,
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain(message);
    expect(html).not.toContain("a long passphrase");
    expect(await userCount(realm.name)).toBe(1);
  });

  it("accepts names in any script, with accents and apostrophes", async () => {
    const realm = await seedRealm();
    const names = { firstName: "Zoë-Ŝarlot", lastName: "O'Brien 李" };
    const response = await register(new Browser(), signUpPage(realm.name), {
      ...person,
      ...names,
    });
    expect(response.status).toBe(303);
    expect(await userCount(realm.name)).toBe(2);
  });

  it.each(["a@b", "<x>@example.com", "a b@example.com", "x@exa_mple/com"])(
    "refuses the address %s as invalid",
    async (email) => {
      const realm = await seedRealm();
      const response = await register(new Browser(), signUpPage(realm.name), { ...person, email });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("Please enter a valid email address.");
    },
  );

  it("treats a Unicode domain and its IDNA form as one mailbox", async () => {
    const realm = await seedRealm();
    const first = { ...person, email: "x@bücher.example" };
    expect((await register(new Browser(), signUpPage(realm.name), first)).status).toBe(303);

    const second = { ...person, email: "X@xn--bcher-kva.example" };
    const response = await register(new Browser(), signUpPage(realm.name), second);
    expect(response.status).toBe(409);
    expect(await userCount(realm.name)).toBe(2);
  });

  it("is closed when the realm does not allow registration", async () => {
    const realm = await seedRealm({ registrationAllowed: false });
    const page = await new Browser().get(signUpPage(realm.name));
    expect(page.status).toBe(403);
    expect(await page.text()).toContain("Signing up is not available here.");

    const login = await (
      await new Browser().get(`${ORIGIN}/realms/${realm.name}/login-actions/authenticate`)
    ).text();
    expect(login).not.toContain("registrations");
  });

  it("resumes the authorization request: the client gets a code for the new account", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest();
    const query = `?${new URLSearchParams(params).toString()}`;
    const response = await register(new Browser(), signUpPage(realm.name, query), person);
    const callback = redirectParams(response);
    expect(callback.get("code")).toBeTruthy();
    expect(callback.get("state")).toBe("state-123");
  });

  it("opens the sign-up page for prompt=create", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest({ prompt: "create" });
    const html = await (await new Browser().get(authorizeUrl(realm.oidc, params))).text();
    expect(html).toContain('name="password-confirm"');
  });

  it("shows an error page, never a redirect, when the carried client is unknown", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest({ client_id: "nobody" });
    const query = `?${new URLSearchParams(params).toString()}`;
    const page = await new Browser().get(signUpPage(realm.name, query));
    expect(page.status).toBe(400);
    expect(page.headers.get("location")).toBeNull();
  });
});
