/** A word a POSIX shell reads back as `text`: as it is when it has no special character, else in single quotes. */
export function shellQuote(text: string): string {
  if (/^[\w@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
