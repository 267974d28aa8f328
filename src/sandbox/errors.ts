// Pinterest's error body is always `{code, message}`; the HTTP status carries the class.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const AUTH_FAILED = () => new ApiError(401, 2, 'Authentication failed.');
export const badRequest = (message: string, code = 1) => new ApiError(400, code, message);
export const notFound = (message: string, code = 404) => new ApiError(404, code, message);
export const RATE_LIMIT_MESSAGE =
  'This request exceeded a rate limit. This can happen if the client exceeds one of the published rate limits or if multiple write operations are applied to an object within a short time window.';
