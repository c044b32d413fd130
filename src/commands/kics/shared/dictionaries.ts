/** Whether `text` contains `part`, ignoring case: the name filters of the dictionary commands. */
export function containsIgnoringCase(text: string, part: string): boolean {
  return text.toLowerCase().includes(part.toLowerCase());
}
