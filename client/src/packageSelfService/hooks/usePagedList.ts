/** The app's infinite-list hook (written for the re-visit lists; pure logic, no styles). */
export { usePagedList } from '../../packageConsult/hooks/usePagedList';
export type { Page, PagedListState } from '../../packageConsult/hooks/usePagedList';
