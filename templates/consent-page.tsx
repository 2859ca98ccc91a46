import { Layout } from "./layout";
import type { PageProps } from "./page-props";

export interface ConsentPageProps extends PageProps {
  realmName?: string;
  /** The application's name, or its client_id when it has none. */
  clientName: string;
  /** What the application asks for, one localized description per scope. */
  scopes: string[];
  /** Where the decision posts to. */
  action: string;
  csrfToken: string;
}

/** Asks the person whether a third-party application may have what it asks for. */
export function ConsentPage(props: ConsentPageProps) {
  const { t, locale } = props;

  return (
    <Layout t={t} locale={locale} title={t("consent.title")} realmName={props.realmName}>
      <h1>{t("consent.title")}</h1>
      <p>{t("consent.intro", { client: props.clientName })}</p>

      <ul class="scopes">
        {props.scopes.map((scope) => (
          <li>{scope}</li>
        ))}
      </ul>

      <form method="post" action={props.action}>
        <input type="hidden" name="csrf_token" value={props.csrfToken} />
        <button type="submit" name="decision" value="approve" class="decision primary">
          {t("consent.approve")}
        </button>
        <button type="submit" name="decision" value="deny" class="decision">
          {t("consent.deny")}
        </button>
      </form>
    </Layout>
  );
}
