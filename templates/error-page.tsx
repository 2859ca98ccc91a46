import type { MessageKey } from "../src/i18n";
import { Layout } from "./layout";
import type { PageProps } from "./page-props";

export interface ErrorPageProps extends PageProps {
  messageKey: MessageKey;
  /** A safe place to go back to, when there is one. */
  backUrl?: string;
  realmName?: string;
}

/** A localized error page; it never shows internal detail. */
export function ErrorPage({ t, locale, messageKey, backUrl, realmName }: ErrorPageProps) {
  return (
    <Layout t={t} locale={locale} title={t("error.title")} realmName={realmName}>
      <h1>{t("error.title")}</h1>
      <p class="alert" role="alert">
        {t(messageKey)}
      </p>
      {backUrl && (
        <p>
          <a href={backUrl}>{t("error.back")}</a>
        </p>
      )}
    </Layout>
  );
}
