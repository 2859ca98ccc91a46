import { Layout } from "./layout";
import type { PageProps } from "./page-props";

export interface SelectAccountPageProps extends PageProps {
  realmName?: string;
  /** How the signed-in person is named: their full name, else their username. */
  name: string;
  /** Continues the authorization request with the current session. */
  continueUrl: string;
  /** The sign-in page for the same request, for another account. */
  otherAccountUrl: string;
}

/** Lets the person continue with the account signed in, or sign in with another one. */
export function SelectAccountPage(props: SelectAccountPageProps) {
  const { t, locale } = props;

  return (
    <Layout t={t} locale={locale} title={t("selectAccount.title")} realmName={props.realmName}>
      <h1>{t("selectAccount.title")}</h1>

      <p>
        <a class="button primary" href={props.continueUrl}>
          {t("selectAccount.continueAs", { name: props.name })}
        </a>
      </p>
      <p class="alternative">
        <a href={props.otherAccountUrl}>{t("selectAccount.useAnother")}</a>
      </p>
    </Layout>
  );
}
