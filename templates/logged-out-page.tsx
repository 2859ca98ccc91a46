import { Layout } from "./layout";
import type { PageProps } from "./page-props";

export interface LoggedOutPageProps extends PageProps {
  /** Where to go next, when the logout request named a place. */
  continueUrl?: string;
  realmName?: string;
}

/** Confirms that the session has ended. */
export function LoggedOutPage({ t, locale, continueUrl, realmName }: LoggedOutPageProps) {
  return (
    <Layout t={t} locale={locale} title={t("logout.title")} realmName={realmName}>
      <h1>{t("logout.title")}</h1>
      <p role="status">{t("logout.done")}</p>
      {continueUrl && (
        <p>
          <a href={continueUrl} class="button primary">
            {t("logout.continue")}
          </a>
        </p>
      )}
    </Layout>
  );
}
