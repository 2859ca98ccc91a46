import { HiddenFields } from "./hidden-fields";
import { Layout } from "./layout";
import type { PageProps } from "./page-props";

export interface LogoutConfirmPageProps extends PageProps {
  /** Where the confirmation posts to. */
  action: string;
  csrfToken: string;
  /** The logout request's parameters, carried into the confirming POST. */
  fields: Record<string, string>;
  realmName?: string;
}

/** Asks before ending the session, for logout requests that cannot prove who sent them. */
export function LogoutConfirmPage(props: LogoutConfirmPageProps) {
  const { t, locale } = props;
  const { csrf_token: _ignored, ...fields } = props.fields;

  return (
    <Layout t={t} locale={locale} title={t("logout.confirmTitle")} realmName={props.realmName}>
      <h1>{t("logout.confirmTitle")}</h1>
      <p>{t("logout.confirm")}</p>

      <form method="post" action={props.action}>
        <input type="hidden" name="csrf_token" value={props.csrfToken} />
        <HiddenFields fields={fields} />
        <button type="submit" class="primary">
          {t("logout.submit")}
        </button>
      </form>
    </Layout>
  );
}
