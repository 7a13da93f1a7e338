import t from 'tap'
import { describeFailure, listenFailure, StartupError } from '../../src/platform/startup-error.ts'

t.test('an unexpected error becomes one line: its message and its cause', async (t) => {
  t.equal(describeFailure(new Error('migration 0003 failed', { cause: new Error('relation "x"\nalready exists') })), 'migration 0003 failed: relation "x" already exists')
  t.equal(describeFailure(new Error('connect ECONNREFUSED', { cause: new Error('ECONNREFUSED') })), 'connect ECONNREFUSED', 'a cause already in the message is not repeated')
  t.equal(describeFailure('thrown text'), 'thrown text')
})

t.test('permission denied on a path names the path and what to do', async (t) => {
  const error = Object.assign(new Error("EACCES: permission denied, open '/srv/data/secret_key'"), { code: 'EACCES', syscall: 'open', path: '/srv/data/secret_key' })
  t.match(describeFailure(error), /^Permission denied on \/srv\/data\/secret_key \(open\)\..*DATA_DIR/)
})

t.test('listen failures name the setting to change; others pass through', async (t) => {
  const inUse = listenFailure(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' }), '127.0.0.1', 8000)
  t.type(inUse, StartupError)
  t.match(describeFailure(inUse), /^HTTP port 8000 on 127\.0\.0\.1 is already in use.*PORT/)
  t.match(describeFailure(listenFailure(Object.assign(new Error('listen EACCES'), { code: 'EACCES' }), '0.0.0.0', 80)), /port 80 .*Set PORT/)
  const other = new Error('something else')
  t.equal(listenFailure(other, '127.0.0.1', 8000), other)
})
