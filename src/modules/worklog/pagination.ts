// DRF-style page-number pagination: ?page=&page_size=, answered as
// { count, next, previous, results } with next/previous links that keep the request's
// other query parameters. The links are relative (path and query only): the Host header
// is the client's to choose, so a link built from it could point anywhere.
import { Type, type TSchema } from 'typebox'
import type { FastifyRequest } from 'fastify'
import { PageNumber, PageSize } from '../../platform/input/schemas.ts'

export const PageParams = {
  page: Type.Optional(PageNumber),
  page_size: Type.Optional(PageSize),
}

export function PageOf<T extends TSchema> (item: T) {
  return Type.Object({
    count: Type.Integer(),
    next: Type.Union([Type.String(), Type.Null()]),
    previous: Type.Union([Type.String(), Type.Null()]),
    results: Type.Array(item),
  })
}

export interface PageRequest { page: number; pageSize: number; limit: number; offset: number }

export function pageRequest (query: { page?: number; page_size?: number }): PageRequest {
  const page = query.page ?? 1
  const pageSize = query.page_size ?? 50
  return { page, pageSize, limit: pageSize, offset: (page - 1) * pageSize }
}

export function pageLinks (request: FastifyRequest, page: PageRequest, count: number): { next: string | null; previous: string | null } {
  // The base only lets URL parse the path; none of it reaches the link.
  const url = new URL(request.url, 'http://localhost')
  // One leading slash, so a path like "//evil.example/x" cannot become a
  // protocol-relative link to another host.
  const path = url.pathname.replace(/^\/+/, '/')
  const link = (target: number): string => {
    url.searchParams.set('page', String(target))
    return `${path}${url.search}`
  }
  const lastPage = Math.max(1, Math.ceil(count / page.pageSize))
  return {
    next: page.page < lastPage ? link(page.page + 1) : null,
    previous: page.page > 1 ? link(Math.min(page.page - 1, lastPage)) : null,
  }
}
