/**
 * Every error a user can cause or meet has a stable code here. The CLI prints `message` alone (no
 * stack) for these and exits with `exitCode`; anything else is a bug and keeps its stack.
 */
export type StampedeErrorCode =
  | 'E_OPTION' // a flag or workload-file value is wrong
  | 'E_WORKLOAD_FILE' // the workload file cannot be read or parsed
  | 'E_PLAN' // the options cannot be split across workers
  | 'E_BROKER_UNREACHABLE' // no bootstrap broker answered in time
  | 'E_TLS' // the TLS handshake with a broker failed (untrusted certificate, hostname mismatch)
  | 'E_AUTH' // a broker rejected the SASL login
  | 'E_AUTHORIZATION' // the principal may not do what the run needs (create or describe the topic)
  | 'E_KAFKA' // the broker answered with an error (topic creation, metadata)
  | 'E_CLIENT' // a client could not be created or configured (bad producer property)
  | 'E_LOCAL_BROKER' // the local broker could not be resolved, formatted or started
  | 'E_WORKER' // one or more worker threads failed
  | 'E_HOST' // a host of --hosts cannot be reached, logged into, or runs another stampede
  | 'E_MERGE' // result files given to merge are not one run
  | 'E_REGISTRY'; // the schema registry cannot be reached, refuses the login, or refuses the schema

export class StampedeError extends Error {
  readonly code: StampedeErrorCode;
  readonly exitCode: number;

  constructor(code: StampedeErrorCode, message: string, options: { cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StampedeError';
    this.code = code;
    // Usage errors (bad input, unreachable host) exit 2 as the CLI convention asks; failures of a run 1.
    this.exitCode = options.exitCode ?? 2;
  }
}

export const optionError = (field: string, expected: string, got: unknown): StampedeError =>
  new StampedeError('E_OPTION', `${field} must be ${expected} (got ${describeValue(got)})`);

export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'nothing';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Failures across several workers travel together, each with its worker index in the message. */
export class WorkerFailures extends AggregateError {
  readonly code = 'E_WORKER' as const;
  readonly exitCode = 1;
  constructor(errors: Error[]) {
    super(errors, `${errors.length} worker(s) failed: ${errors.map((e) => e.message).join('; ')}`);
    this.name = 'WorkerFailures';
  }
}

export const isUserFacing = (err: unknown): err is StampedeError | WorkerFailures =>
  err instanceof StampedeError || err instanceof WorkerFailures;
