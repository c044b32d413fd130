/**
 * How the emulated KICS answers a refused call. Seed 002 shows two error bodies: `{"errorMessage": …}` (event
 * registration, and by the spec's resolution Q20 every refusal) and `{"status": "Error", "errors": […]}` for
 * device edits and creation. "Incorrect parameters" names the parameter and its value.
 */
export class KicsApiError extends Error {
  override readonly name = 'KicsApiError';

  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 500,
    readonly body: Readonly<Record<string, unknown>>,
  ) {
    super(typeof body['errorMessage'] === 'string' ? body['errorMessage'] : `HTTP ${status}`);
  }
}

/** Shows a parameter's value in an error the way it was sent, shortened so an error never echoes a whole body. */
export function shownValue(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

export function incorrectParameters(parameter: string, value: unknown): KicsApiError {
  return new KicsApiError(400, { errorMessage: `Incorrect parameters: ${parameter}=${shownValue(value)}` });
}

export function notFound(what: string, id: number): KicsApiError {
  return new KicsApiError(404, { errorMessage: `${what} with ID ${id} not found` });
}

/** A device edit or creation refused: seed 002's `{status: "Error", errors: [...]}` with one text per problem. */
export function deviceErrors(errors: readonly string[], status: 400 | 409 = 400): KicsApiError {
  return new KicsApiError(status, { status: 'Error', errors });
}

/** Path ids are `integer <int64> >= 1` (seed 002). */
export function parseId(text: string, parameter = 'id'): number {
  if (!/^\d{1,16}$/.test(text)) throw incorrectParameters(parameter, text);
  const id = Number(text);
  if (id < 1 || !Number.isSafeInteger(id)) throw incorrectParameters(parameter, text);
  return id;
}
