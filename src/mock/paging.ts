// Pages of a list as Dify's list endpoints answer them: page and limit from the query (limit capped),
// the page's items, has_more and total. One place, so every list pages alike and breaks alike.
import type { Context } from 'hono';
import type { Env, MockContext } from './context';
import type { Deviation } from './deviations';

export const pagingDeviations = {
  'limit-ignored': {
    description: 'limit is ignored: every page has the default size, and says so',
    fails: ['*/pagination/page-size', '*/pagination/walk'],
  },
  'limit-not-capped': {
    description: 'a limit above the documented maximum is echoed back instead of capped',
    fails: ['*/pagination/limit-cap'],
  },
  'pages-overlap': {
    description: 'each page starts one item early, repeating the last item of the page before',
    fails: ['*/pagination/walk'],
  },
  'last-page-has-more': {
    description: 'has_more is true on a last page that holds exactly limit items',
    // The lists that answer with has_more (List Child Chunks gives total_pages instead).
    fails: ['listDatasets/pagination/walk', 'listDocuments/pagination/walk', 'listSegments/pagination/walk'],
    // List Child Chunks' lifecycle walks its pages too, by total_pages, which this leaves alone.
    sees: ['*/pagination/walk', 'getChildChunks/shows-created'],
  },
  'limit-echoed-uncapped': {
    description: 'a limit above the maximum serves at most the maximum items, but the answer echoes the limit asked',
    // Only the lists whose route opts in (echoesAsked): as Dify, List Child Chunks echoes the capped limit.
    fails: ['listDocuments/pagination/limit-cap', 'listSegments/pagination/limit-cap'],
  },
} satisfies Record<string, Deviation>;

export interface Page<T> {
  data: T[];
  has_more: boolean;
  limit: number;
  total: number;
  page: number;
}

function whole(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return Number.isInteger(value) && value >= 1 ? value : fallback;
}

/** `echoesAsked`: the list may echo the limit asked (limit-echoed-uncapped); Dify's List Child Chunks does not. */
export function paginate<T>(
  mock: MockContext,
  c: Context<Env>,
  items: readonly T[],
  { defaultLimit = 20, maxLimit = 100, echoesAsked = false } = {},
): Page<T> {
  const page = whole(c.req.query('page'), 1);
  const asked =
    c.req.query('limit') !== undefined && mock.on('limit-ignored')
      ? defaultLimit
      : whole(c.req.query('limit'), defaultLimit);
  const limit = asked > maxLimit && !mock.on('limit-not-capped') ? maxLimit : asked;
  const start = Math.max(0, (page - 1) * limit - (page > 1 && mock.on('pages-overlap') ? 1 : 0));
  const last = page * limit >= items.length;
  return {
    data: items.slice(start, start + limit),
    has_more: !last || (page * limit === items.length && mock.on('last-page-has-more')),
    limit: asked > limit && echoesAsked && mock.on('limit-echoed-uncapped') ? asked : limit,
    total: items.length,
    page,
  };
}
