// A failure the user can fix (config, credentials, scopes, stream names). Its message is shown to
// the user verbatim as the final log line, so it must be human-readable and free of secrets.
export class UserError extends Error {
  constructor(
    message: string,
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'UserError';
  }
}

// Thrown by a binding pass to end the session cleanly at a checkpoint boundary (e.g. a rate-limit
// wait longer than the session should block). The connector exits 0 and the next session resumes.
export class StopSession extends Error {
  constructor(message: string, readonly fields: Record<string, unknown> = {}) {
    super(message);
    this.name = 'StopSession';
  }
}
