import type { APIRoute } from 'astro';
import { getCollection } from 'astro:content';
import { getAllCaseStudies } from '../lib/server/submissions/catalogue';
import {
	DIFFUSION_CSV_HEADER,
	getDiffusionCsvFileName,
	serializeDiffusionCsv,
	type DiffusionCsvOptions,
} from '../lib/adoption';
import { isLang, useTranslations, type UiKey } from '../lib/i18n';
import { listAllCountryAnswers } from '../lib/server/answers/store';

export const prerender = false;

// The diffusion matrix as a spreadsheet: one row per country's answer, with the focal point who gave
// it and whether it was migrated from a member's mark (members' notes are not exported).
// `/diffusion.csv` is RFC 4180 (comma, no byte order mark) for tools; `?format=excel&lang=fr` is for
// Excel in Europe (byte order mark, semicolons, French column titles and decimal commas).
// Members only: the server gates it in members mode; the check here covers public mode.
export const GET: APIRoute = async ({ locals, url }) => {
	if (!locals.user) {
		return new Response('Sign in to the portal to see this.', {
			status: 401,
			headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
		});
	}
	const langParam = url.searchParams.get('lang');
	const lang = isLang(langParam) ? langParam : 'en';
	const excel = url.searchParams.get('format') === 'excel';
	const t = useTranslations(lang);
	const options: DiffusionCsvOptions = excel
		? {
				format: 'excel',
				decimal: lang === 'fr' ? ',' : '.',
				headers: Object.fromEntries(
					DIFFUSION_CSV_HEADER.map((c) => [
						c,
						t(
							(c === 'answered_by' || c === 'origin'
								? `answers.csv.col.${c}`
								: `adoption.csv.col.${c}`) as UiKey,
						),
					]),
				) as Record<(typeof DIFFUSION_CSV_HEADER)[number], string>,
				statusLabel: (status) => t(`answers.status.${status}`),
			}
		: { format: 'rfc4180' };
	// Every case study, drafts included, so a mark on one still has its title in the export.
	const titles = new Map(
		[...(await getCollection('case-studies')), ...(await getAllCaseStudies(locals.command.db))].map(
			(s) => [s.id, s.data.title],
		),
	);
	const csv = serializeDiffusionCsv(listAllCountryAnswers(locals.command.db), titles, options);
	const name = getDiffusionCsvFileName(new Date(), excel ? `excel-${lang}` : '');
	return new Response(csv, {
		headers: {
			'Content-Type': `text/csv; charset=utf-8${excel ? '' : '; header=present'}`,
			'Content-Disposition': `attachment; filename="${name}"`,
			'Cache-Control': 'private, no-store',
		},
	});
};
