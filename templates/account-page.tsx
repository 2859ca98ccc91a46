import type { Locale, Translator } from "../src/i18n";
import { type AccountGrant, AccountGrants } from "./account-grants";
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
    </Layout>
  );
}

function fullName(t: Translator, { firstName, lastName }: AccountUser): string | undefined {
  if (firstName && lastName) return t("account.fullName", { first: firstName, last: lastName });

  return firstName || lastName || undefined;
}

// The server does not know the person's time zone, so the time is shown in UTC and says so.
function formatInstant(locale: Locale, instant: Date): string {
  return new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "long",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "UTC",
    timeZoneName: "short",
  }).format(instant);
}
