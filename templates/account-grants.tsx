import type { PageProps } from "./page-props";

export interface AccountGrant {
  /** The client's client_id, posted back to revoke the grant. */
  clientId: string;
  clientName: string;
  /** Localized descriptions of the approved scopes. */
  scopes: string[];
}

export interface AccountGrantsProps extends PageProps {
  grants: AccountGrant[];
  /** Where a revocation posts to. */
  revokeAction: string;
  csrfToken: string;
}

/** The applications the person approved, each with what it may have and a button to revoke. */
export function AccountGrants(props: AccountGrantsProps) {
  const { t, grants } = props;

  return (
    <section class="grants">
      <h2>{t("account.grants")}</h2>
      {grants.length === 0 && <p>{t("account.noGrants")}</p>}
      {grants.map((grant) => (
        <div class="grant">
          <h3>{grant.clientName}</h3>
          <ul class="scopes">
            {grant.scopes.map((scope) => (
              <li>{scope}</li>
            ))}
          </ul>
          <form method="post" action={props.revokeAction}>
            <input type="hidden" name="csrf_token" value={props.csrfToken} />
            <input type="hidden" name="client_id" value={grant.clientId} />
            <button type="submit">{t("account.revokeGrant")}</button>
          </form>
        </div>
      ))}
    </section>
  );
}
