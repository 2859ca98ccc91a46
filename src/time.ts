/** The current time in Unix seconds, the unit of every token and database time. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
