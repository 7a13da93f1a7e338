// Who may still run a job is the identity module's decision, not the platform's. The
// runner asks through this interface before each attempt; src/runtime.ts wires the
// identity module's implementation in (docs/architecture.md, "platform imports nothing
// above it").

export interface JobRunRequest {
  tenantId: string
  /** The user who asked for the job; it runs on their behalf. */
  userId: string
  /** The action the job type requires (JobTypeOptions.requires). */
  action: string
}

export interface JobAuthorizer {
  /** Undefined when the user may still run the job; otherwise why not, in words for them. */
  refusal(request: JobRunRequest): Promise<string | undefined>
}

/** For registries whose jobs require nothing (tests of the platform alone). */
export const ALLOW_EVERY_JOB: JobAuthorizer = { refusal: async () => undefined }
