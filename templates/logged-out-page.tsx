import { Layout } from "./layout";
import type { PageProps } from "./page-props";

export interface LoggedOutPageProps extends PageProps {
  /** Where to go next, when the logout request named a place. */
  continueUrl?: string;
  realmName?: string;
  /**
   * Front-channel logout URIs of the session's relying parties (Front-Channel Logout 1.0 §4),
   * loaded in hidden iframes; with a continueUrl, a script goes on once they have loaded.
   */
  frontchannelLogoutUris?: string[];
}

/** Confirms that the session has ended. */
export function LoggedOutPage(props: LoggedOutPageProps) {
  const { t, locale, continueUrl, realmName } = props;
  const frames = props.frontchannelLogoutUris ?? [];

  return (
    <Layout t={t} locale={locale} title={t("logout.title")} realmName={realmName}>
      <h1>{t("logout.title")}</h1>
      <p role="status">{t("logout.done")}</p>
      {continueUrl && (
        <p>
          <a id="continue" href={continueUrl} class="button primary">
            {t("logout.continue")}
          </a>
        </p>
      )}
      {frames.map((uri) => (
        <iframe src={uri} title={t("logout.frontchannelFrame")} hidden tabindex={-1} />
      ))}
      {frames.length > 0 && continueUrl && <script src="/resources/frontchannel-logout.js" />}
    </Layout>
  );
}
