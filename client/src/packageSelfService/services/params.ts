/** Page query parameters and page URLs: the app's helpers (shared with the re-visit flow). */
export { pageParams, withQuery } from '../../packageConsult/services/params';
