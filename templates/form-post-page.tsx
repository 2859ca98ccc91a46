import { HiddenFields } from "./hidden-fields";
import { Layout } from "./layout";
import type { PageProps } from "./page-props";

export interface FormPostPageProps extends PageProps {
  /** The client's redirect URI. */
  action: string;
  /** The authorization response parameters (`code`, `state`, `iss`, ...). */
  fields: Record<string, string>;
  realmName?: string;
}

/**
 * OAuth 2.0 Form Post Response Mode: posts the response to the client. An external script
 * submits it at once; without JavaScript the person presses the button.
 */
export function FormPostPage({ t, locale, action, fields, realmName }: FormPostPageProps) {
  return (
    <Layout t={t} locale={locale} title={t("formPost.title")} realmName={realmName}>
      <h1>{t("formPost.title")}</h1>
      <p>{t("formPost.message")}</p>

      <form method="post" action={action}>
        <HiddenFields fields={fields} />
        <button type="submit" class="primary">
          {t("formPost.submit")}
        </button>
      </form>
      <script src="/resources/form-post.js" />
    </Layout>
  );
}
