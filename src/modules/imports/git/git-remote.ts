// What a repository's `origin` URL says about where it lives on the web: the owner/repo
// a pull request names (so GitHub's items find the day of commits they belong to) and
// the page of each commit (so every imported line links back to its commit). Anything
// that looks like a credential in the URL is dropped, never stored.

export interface WebRepository {
  /** owner/repo (the last two path segments), lower case. */
  readonly slug: string
  /** https://host/owner/repo: commit pages are …/commit/{sha} on GitHub, GitLab and Gitea. */
  readonly webUrl: string
}

/** https://, http://, ssh:// and git:// URLs and scp-like `git@host:owner/repo.git`. */
export function webRepositoryOf (originUrl: string | null): WebRepository | undefined {
  if (originUrl === null) return undefined
  let host: string
  let path: string
  const scpLike = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(originUrl)
  if (scpLike !== null && !/^[a-z][a-z0-9+.-]*:\/\//i.test(originUrl)) {
    host = scpLike[1]!
    path = scpLike[2]!
  } else {
    if (!URL.canParse(originUrl)) return undefined
    const url = new URL(originUrl)
    if (!['https:', 'http:', 'ssh:', 'git:'].includes(url.protocol)) return undefined
    host = url.hostname
    path = url.pathname
  }
  const segments = path.replace(/\.git\/?$/, '').split('/').filter((segment) => segment !== '')
  if (segments.length < 2 || !/^[\w.-]+$/.test(host) || !segments.every((segment) => /^[\w.~-]+$/.test(segment))) return undefined
  return { slug: segments.slice(-2).join('/').toLowerCase(), webUrl: `https://${host}/${segments.join('/')}` }
}
