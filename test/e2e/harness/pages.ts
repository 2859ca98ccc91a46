import type { Page } from "playwright-core";
import type { CallbackServer } from "./callback-server";

export interface Person {
  email: string;
  firstName: string;
  lastName: string;
  password: string;
}

/** From the sign-in page: follows the sign-up link and registers the person. */
export async function signUp(page: Page, person: Person): Promise<void> {
  await page.click('a[href*="registrations"]');
  await page.fill('input[name="email"]', person.email);
  await page.fill('input[name="firstName"]', person.firstName);
  await page.fill('input[name="lastName"]', person.lastName);
  await page.fill('input[name="password"]', person.password);
  await page.fill('input[name="password-confirm"]', person.password);
  await page.click('button[type="submit"]');
}

/** On the sign-in page: enters the email and password and submits. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.fill('input[name="username"]', email);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
}

/** What the page says, to explain a test failure that stopped on one of Latchkey's pages. */
export async function describePage(page: Page): Promise<string> {
  const text = (await page.textContent("body").catch(() => "")) ?? "";
  return `${page.url()}\n${text.slice(0, 500)}`;
}

/**
 * The URL the app's server receives next on the path; on a timeout, says where the browser
 * stopped.
 */
export async function appReceives(app: CallbackServer, page: Page, pathname: string): Promise<URL> {
  try {
    return await app.next(pathname, 20_000);
  } catch (error) {
    throw new Error(`${(error as Error).message}; the browser is at ${await describePage(page)}`);
  }
}
