// Failure post-mortems: drafts saved step by step (drafts.ts), what readers see (views.ts), comments
// (comments.ts), the search index record (search-record.ts) and the members' actions as commands
// (actions.ts), on shared rows and disclosure rules (store.ts).
export {
	canModerate,
	dayOf,
	monthOf,
	type PmActionView,
	type PmCommentView,
	type PmFilters,
	type PmListItem,
	type PmStatus,
	type PmViewer,
	type PostMortemDraft,
	type PostMortemView,
} from './store';
export * from './drafts';
export * from './views';
export * from './comments';
export * from './search-record';
export * from './actions';
