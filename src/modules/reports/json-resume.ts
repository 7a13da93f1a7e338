// JSON Resume validation against the official schema (the @jsonresume/schema package), so
// what resume.refresh stores can be fed to any JSON Resume theme or tool.
import { createRequire } from 'node:module'

interface SchemaPackage {
  validate(resume: unknown, callback: (errors: Array<{ property?: string; message?: string; stack?: string }> | null, valid: boolean) => void): void
}

const jsonResumeSchema = createRequire(import.meta.url)('@jsonresume/schema') as SchemaPackage

export function validateJsonResume (resume: unknown): string[] {
  let problems: string[] = []
  jsonResumeSchema.validate(resume, (errors) => {
    problems = (errors ?? []).map((e) => e.stack ?? `${e.property ?? 'resume'} ${e.message ?? 'is invalid'}`)
  })
  return problems
}
