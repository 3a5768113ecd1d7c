/**
 * Credentials in connection strings (`mongodb://user:password@host`) never reach a log line, a start-up
 * error or CLI output: every place that prints passes through here. The password goes, the user stays
 * (it says which account failed); a userinfo without a password may be a token and goes whole.
 *
 * A password may hold `/` or `:` (unescaped, the driver refuses it, but the text still carries it), so it
 * runs to the last `@` before whitespace.
 */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/:@]*)(?::[^\s@]*)?@/gi;

export function redactCredentials(text: string): string {
  return text.replace(USERINFO, (_whole, scheme: string, user: string, offset: number, all: string) => {
    const hadPassword = all.slice(offset + scheme.length + user.length).startsWith(':');
    return hadPassword ? `${scheme}${user}:***@` : `${scheme}***@`;
  });
}

/** A failure to open the database, naming which one (without its password) and why. */
export function databaseUnreachable(uri: string, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(redactCredentials(`MongoDB at ${uri} could not be opened: ${reason}`), { cause: error });
}
