import type { APIRoute } from 'astro';
import { serializeTableCsv } from '../../lib/impact';
import { isLang } from '../../lib/i18n';
import {
	createImpactContext,
	getImpactChart,
	getImpactRows,
	isImpactChart,
} from '../../lib/server/impact/dashboard';
import { getNowSeconds } from '../../lib/server/time';

export const prerender = false;

// A dashboard chart as a spreadsheet: its table (`/impact/answers.csv`), or the rows behind it
// (`?rows=1`, optionally `&key=PT` for one figure's rows). RFC 4180 by default; `?format=excel&lang=fr`
// for Excel (byte order mark, semicolons, translated headers, decimal comma in French). The scope is
// the member's own, as on the page: a key of another country returns no rows.
export const GET: APIRoute = async ({ locals, params, url }) => {
	if (!locals.user) {
		return new Response('Sign in to the portal to see this.', {
			status: 401,
			headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
		});
	}
	const id = params.chart ?? '';
	if (!isImpactChart(id)) return new Response('Not found', { status: 404 });
	const langParam = url.searchParams.get('lang');
	const lang = isLang(langParam) ? langParam : 'en';
	const excel = url.searchParams.get('format') === 'excel';
	const rows = url.searchParams.get('rows') === '1';
	const key = url.searchParams.get('key');
	const week = url.searchParams.get('week');
	const ctx = createImpactContext(locals.command.db, locals.user, getNowSeconds(), lang);
	const table = rows
		? await getImpactRows(ctx, id, key, week)
		: (await getImpactChart(ctx, id, week)).table;
	const csv = serializeTableCsv(
		table,
		excel ? { format: 'excel', decimal: lang === 'fr' ? ',' : '.' } : { format: 'rfc4180' },
	);
	const date = new Date().toISOString().slice(0, 10);
	const name = `impact-${id}${rows ? '-rows' : ''}-${date}${excel ? `-excel-${lang}` : ''}.csv`;
	return new Response(csv, {
		headers: {
			'Content-Type': `text/csv; charset=utf-8${excel ? '' : '; header=present'}`,
			'Content-Disposition': `attachment; filename="${name}"`,
			'Cache-Control': 'private, no-store',
		},
	});
};
