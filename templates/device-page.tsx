import type { MessageKey } from "../src/i18n";
import { FormError } from "./form-error";
import { Layout } from "./layout";
import type { PageProps } from "./page-props";
import { TextField } from "./text-field";

/** What the device page shows: the code form, the question, or the answer given. */
export type DeviceStep =
  | { step: "enter"; userCode?: string; errorKey?: MessageKey }
  | { step: "confirm"; userCode: string; clientName: string; scopes: string[] }
  | { step: "done"; approved: boolean };

export type DevicePageProps = PageProps & {
  realmName?: string;
  /** Where the forms post to. */
  action: string;
  csrfToken: string;
} & DeviceStep;

/** Descriptions of the scopes a realm knows; other values are shown as they are. */
const scopeKeys: Partial<Record<string, MessageKey>> = {
  openid: "scope.openid",
  profile: "scope.profile",
  email: "scope.email",
  roles: "scope.roles",
};

/** The device verification page (RFC 8628 §3.3): enter the code, then approve or deny. */
export function DevicePage(props: DevicePageProps) {
  const { t, locale } = props;

  return (
    <Layout t={t} locale={locale} title={t("device.title")} realmName={props.realmName}>
      <h1>{t("device.title")}</h1>
      {props.step === "enter" && <EnterCode {...props} />}
      {props.step === "confirm" && <Confirm {...props} />}
      {props.step === "done" && (
        <p role="status">{t(props.approved ? "device.approved" : "device.denied")}</p>
      )}
    </Layout>
  );
}

function EnterCode(props: DevicePageProps & { step: "enter" }) {
  const { t, errorKey } = props;

  return (
    <>
      <p>{t("device.enterCode")}</p>
      <FormError id="device-error" message={errorKey && t(errorKey)} />
      <form method="post" action={props.action}>
        <input type="hidden" name="csrf_token" value={props.csrfToken} />
        <TextField
          name="user_code"
          label={t("device.userCode")}
          autocomplete="off"
          value={props.userCode}
          describedBy={errorKey ? "device-error" : undefined}
          required
          verbatim
          autofocus
        />
        <button type="submit" class="primary">
          {t("device.submit")}
        </button>
      </form>
    </>
  );
}

function Confirm(props: DevicePageProps & { step: "confirm" }) {
  const { t } = props;

  return (
    <>
      <p>{t("device.confirm", { client: props.clientName })}</p>
      <p>{t("device.checkCode", { code: props.userCode })}</p>
      <ul class="scopes">
        {props.scopes.map((scope) => {
          const key = scopeKeys[scope];
          return <li>{key ? t(key) : scope}</li>;
        })}
      </ul>
      <form method="post" action={props.action}>
        <input type="hidden" name="csrf_token" value={props.csrfToken} />
        <input type="hidden" name="user_code" value={props.userCode} />
        <button type="submit" name="decision" value="approve" class="primary">
          {t("device.approve")}
        </button>
        <button type="submit" name="decision" value="deny">
          {t("device.deny")}
        </button>
      </form>
    </>
  );
}
