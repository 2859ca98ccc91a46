/** Stylesheets are bundled as text (the `Text` module rule in wrangler.toml). */
declare module "*.css" {
  const text: string;
  export default text;
}

/** SimpleWebAuthn's browser bundle, served as text (the `Text` module rule in wrangler.toml). */
declare module "*.umd.min.js" {
  const text: string;
  export default text;
}
