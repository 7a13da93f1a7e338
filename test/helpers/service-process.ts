// The real program in a child process (`node src/main.ts <role>`), for tests that kill it,
// stop its database under it, or read what it prints. Output is kept so a failing test
// can show it.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'

export const MAIN = resolve(import.meta.dirname, '..', '..', 'src', 'main.ts')

export interface ServiceProcess {
  readonly child: ChildProcess
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string
  /** Resolves when a line containing `text` has been printed (or rejects after `ms`). */
  waitFor(text: string, ms?: number): Promise<void>
  /** True while the process has not exited. */
  alive(): boolean
  kill(signal?: NodeJS.Signals): void
}

export function startRole (role: string, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, [MAIN, role], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let text = ''
  const waiters: Array<{ needle: string; resolve: () => void }> = []
  const take = (chunk: Buffer): void => {
    text += chunk.toString()
    for (const waiter of waiters.filter((w) => text.includes(w.needle))) {
      waiters.splice(waiters.indexOf(waiter), 1)
      waiter.resolve()
    }
  }
  child.stdout?.on('data', take)
  child.stderr?.on('data', take)
  let exited = false
  child.once('exit', () => { exited = true })
  return {
    child,
    output: () => text,
    alive: () => !exited,
    kill: (signal = 'SIGTERM') => { if (!exited) child.kill(signal) },
    waitFor (needle, ms = 30_000) {
      if (text.includes(needle)) return Promise.resolve()
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`"${needle}" not printed within ${ms} ms by ${role}:\n${text.slice(-3000)}`)), ms)
        waiters.push({ needle, resolve: () => { clearTimeout(timer); resolve() } })
        child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${role} exited (${String(code)}) before printing "${needle}":\n${text.slice(-3000)}`)) })
      })
    },
  }
}

/** A one-shot command (migrate, create-admin, …); throws with its output when it fails. */
export function runCommand (args: string[], env: Record<string, string>): string {
  const result = spawnSync(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`afterresume ${args.join(' ')} exited ${String(result.status)}:\n${result.stdout}${result.stderr}`)
  return result.stdout
}

export interface CommandOutcome { code: number; stdout: string; stderr: string }

/** A one-shot command whose exit code is part of what the test checks; never throws. */
export function runCli (args: string[], env: Record<string, string>): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
      resolve({ code, stdout, stderr })
    })
  })
}
