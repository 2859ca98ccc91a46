// oidc-provider ships no type declarations; the bench uses a small part of it.
declare module "oidc-provider";
