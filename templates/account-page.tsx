import type { Translator } from "../src/i18n";
import { type AccountGrant, AccountGrants } from "./account-grants";
import { AccountPasskeys, type AccountPasskeysProps } from "./account-passkeys";
import { formatInstant } from "./instant";
import { Layout } from "./layout";
import type { PageProps } from "./page-props";

export interface AccountUser {
  username: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  emailVerified: boolean;
}

export interface AccountPageProps extends PageProps {
  realmName?: string;
  user: AccountUser;
  signedInAt: Date;
  /** Where the sign-out form posts to. */
  logoutAction: string;
  csrfToken: string;
  /** Applications the person approved; the section is left out when not given. */
  grants?: AccountGrant[];
  /** Where revoking a grant posts to. */
  revokeGrantAction?: string;
  /** The person's passkeys and where their forms post; the section is left out when not given. */
  passkeys?: Omit<AccountPasskeysProps, "t" | "locale" | "csrfToken">;
}

/** Who is signed in, since when, and a button to sign out. */
export function AccountPage(props: AccountPageProps) {
  const { t, locale, user, signedInAt } = props;

  return (
    <Layout t={t} locale={locale} title={t("account.title")} realmName={props.realmName}>
      <h1>{t("account.title")}</h1>

      <dl class="details">
        <dt>{t("account.username")}</dt>
        <dd>{user.username}</dd>

        <dt>{t("account.email")}</dt>
        <dd>
          {user.email ?? t("account.notSet")}
          {user.email && (
            <span class={user.emailVerified ? "badge" : "badge badge-warning"}>
              {t(user.emailVerified ? "account.emailVerified" : "account.emailNotVerified")}
            </span>
          )}
        </dd>

        <dt>{t("account.name")}</dt>
        <dd>{fullName(t, user) ?? t("account.notSet")}</dd>

        <dt>{t("account.signedInAt")}</dt>
        <dd>
          <time datetime={signedInAt.toISOString()}>{formatInstant(locale, signedInAt)}</time>
        </dd>
      </dl>

      <form method="post" action={props.logoutAction}>
        <input type="hidden" name="csrf_token" value={props.csrfToken} />
        <button type="submit">{t("account.signOut")}</button>
      </form>

      {props.grants && (
        <AccountGrants
          t={t}
          locale={locale}
          grants={props.grants}
          revokeAction={props.revokeGrantAction ?? ""}
          csrfToken={props.csrfToken}
        />
      )}

      {props.passkeys && (
        <AccountPasskeys t={t} locale={locale} csrfToken={props.csrfToken} {...props.passkeys} />
      )}
    </Layout>
  );
}

function fullName(t: Translator, { firstName, lastName }: AccountUser): string | undefined {
  if (firstName && lastName) return t("account.fullName", { first: firstName, last: lastName });

  return firstName || lastName || undefined;
}
