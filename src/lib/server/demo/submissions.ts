// Demo web case studies: one from Spain already published through the review flow, one from Italy
// waiting for review, so the demo shows both sides (a reader's page, a reviewer's queue). Their
// covers are drawn here and go through the same pipeline as an upload (sharp, WebP, no metadata).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import sharp from 'sharp';
import { COVER_WIDTHS } from '../../images';
import type { SubmissionFields } from '../../submission-form';
import { prepare } from '../db';
import { registerPractice } from '../practices/registry';
import { mediaDirectory } from '../submissions/media-files';
import { processImage } from '../submissions/media/process-image';
import {
	insertLiveVersion,
	insertMedia,
	insertSubmission,
	moveState,
	recordCreated,
} from '../submissions/store';

function userIdOf(db: Database, personId: string): number | null {
	return (
		(
			prepare(db, 'SELECT id FROM user WHERE person_id = ?').get(personId) as
				| { id: number }
				| undefined
		)?.id ?? null
	);
}

/** A flat illustration (desk, screens, people as shapes) in the portal's colours. */
function drawCover(accent: string, label: string): Buffer {
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1000" viewBox="0 0 1600 1000">
	<rect width="1600" height="1000" fill="#eef2f7"/>
	<rect y="700" width="1600" height="300" fill="#d9e1ec"/>
	<rect x="260" y="520" width="1080" height="60" rx="12" fill="#14213d"/>
	<rect x="320" y="580" width="40" height="240" fill="#14213d"/>
	<rect x="1240" y="580" width="40" height="240" fill="#14213d"/>
	<rect x="420" y="300" width="340" height="210" rx="14" fill="${accent}"/>
	<rect x="840" y="300" width="340" height="210" rx="14" fill="#f2b705"/>
	<circle cx="560" cy="230" r="0" fill="none"/>
	<circle cx="250" cy="430" r="70" fill="#3a6ea5"/>
	<rect x="180" y="500" width="140" height="230" rx="60" fill="#3a6ea5"/>
	<circle cx="1360" cy="430" r="70" fill="#b85c38"/>
	<rect x="1290" y="500" width="140" height="230" rx="60" fill="#b85c38"/>
	<text x="800" y="140" font-family="sans-serif" font-size="64" text-anchor="middle" fill="#14213d">${label}</text>
</svg>`;
	return Buffer.from(svg);
}

async function makeCover(dataDir: string, accent: string, label: string) {
	const id = crypto.randomBytes(16).toString('hex');
	const dir = mediaDirectory(dataDir, id);
	fs.mkdirSync(dir, { recursive: true });
	const source = path.join(os.tmpdir(), `cd-demo-cover-${id}.png`);
	await sharp(drawCover(accent, label)).png().toFile(source);
	const image = await processImage(source, dir, 'image', COVER_WIDTHS);
	fs.rmSync(source, { force: true });
	if (!image.ok) throw new Error(`Demo cover could not be made: ${image.error.code}`);
	return {
		id,
		meta: {
			dir: id,
			width: image.value.width,
			height: image.value.height,
			variants: image.value.variants.map((v) => ({
				file: v.file,
				width: v.width,
				height: v.height,
			})),
		},
	};
}

/**
 * Seeds the demo web case studies once, on a database without any. Needs the demo accounts of
 * content/people (Javier Ortega, Marco Ferretti, Élodie Garnier): a fixture site without them gets none.
 */
export async function seedDemoSubmissions(db: Database, dataDir: string): Promise<number> {
	const count = (prepare(db, 'SELECT COUNT(*) AS n FROM submission').get() as { n: number }).n;
	const javier = userIdOf(db, 'javier-ortega');
	const lucia = userIdOf(db, 'lucia-herrera');
	const marco = userIdOf(db, 'marco-ferretti');
	const giulia = userIdOf(db, 'giulia-conti');
	const elodie = userIdOf(db, 'elodie-garnier');
	if (count > 0 || !javier || !lucia || !marco || !giulia || !elodie) return 0;
	const spainCover = await makeCover(dataDir, '#2a9d8f', 'One customer file, three dealerships');
	const italyCover = await makeCover(dataDir, '#e76f51', 'Trade-in value in ten minutes');
	const day = 86_400;
	const now = Math.floor(Date.now() / 1000);
	const spain: SubmissionFields = {
		title: 'One customer file for sales and after-sales, started in three dealerships',
		summary:
			'Spain stopped keeping a sales file and a workshop file for the same customer: three pilot dealerships shared one record and one follow-up list, and missed fewer service-to-sale leads.',
		country: 'ES',
		subsidiary: 'Spain – national sales company',
		lang: 'en',
		topics: ['crm-follow-up', 'after-sales'],
		models: 'Volta, Kestrel',
		channels: ['showroom', 'phone'],
		reviewBy: new Date((now + 400 * day) * 1000).toISOString().slice(0, 10),
		results: [
			{
				label: 'Workshop visits passed on to a salesperson',
				unit: '%',
				before: '6',
				after: '19',
				period: 'six months in the three pilot dealerships',
				lowerIsBetter: false,
			},
			{
				label: 'Days from a workshop remark to a sales call',
				unit: 'days',
				before: '12',
				after: '3',
				period: 'median, same period',
				lowerIsBetter: true,
			},
		],
		contacts: [javier, lucia],
		cover: {
			media: spainCover.id,
			alt: 'Illustration of a sales desk and a workshop desk sharing the same customer screen',
		},
		blocks: [
			{
				type: 'text',
				markdown:
					'## Why two files were one too many\n\nIn our dealerships the salesperson and the service advisor each kept their own record of the same customer. When a driver told the workshop that the family was growing, nobody in the showroom heard about it. The national CRM had the data; the people who needed it at the counter did not.\n\nWe did not start with a national project. Three dealerships (Madrid, Valencia and Seville) agreed to try one shared customer record for six months, with the tools they already had.',
			},
			{ type: 'results' },
			{
				type: 'text',
				markdown:
					'## What changed at the counter\n\n- The service advisor adds a one-line remark (“asks about a bigger car”) to the shared record.\n- Every morning the sales team gets the list of yesterday’s remarks, by name.\n- The salesperson calls within three working days and notes the outcome in the same record.\n\nThe hardest part was not the software: two departments had to give up their own spreadsheets.',
			},
			{
				type: 'callout',
				kind: 'tip',
				markdown:
					'Start with one short list a day. A daily list of five names gets called; a dashboard of five hundred does not.',
			},
			{
				type: 'quote',
				text: 'The workshop hears things about our customers that we would never hear in the showroom.',
				author: 'Lucía Herrera',
				role: 'Sales director, Spain',
			},
		],
	};
	const italy: SubmissionFields = {
		title: 'A trade-in value in ten minutes, on the salesperson’s tablet',
		summary:
			'Italy gave salespeople a guided trade-in check on their tablets, so customers leave the first visit with a firm value for their car instead of an appointment.',
		country: 'IT',
		subsidiary: 'Italy – national sales company',
		lang: 'en',
		topics: ['used-cars', 'digital-tools'],
		models: 'Kestrel',
		channels: ['showroom'],
		reviewBy: new Date((now + 365 * day) * 1000).toISOString().slice(0, 10),
		results: [
			{
				label: 'First visits ending with a trade-in value',
				unit: '%',
				before: '22',
				after: '58',
				period: 'first quarter in 12 dealerships',
				lowerIsBetter: false,
			},
		],
		contacts: [marco, giulia],
		cover: {
			media: italyCover.id,
			alt: 'Illustration of a salesperson and a customer walking round a car with a tablet',
		},
		blocks: [
			{
				type: 'text',
				markdown:
					'Customers who come with a car to trade in want to know one number before anything else. We wrote a 14-step check for the tablet (photos, tyres, service book) that ends with a value the dealer commits to for seven days.\n\nThe check takes ten minutes, which is about the time a coffee and a first look at the new car take anyway.',
			},
			{ type: 'results' },
		],
	};
	db.transaction(() => {
		const spainId = insertSubmission(
			db,
			{
				slug: 'one-customer-file-sales-and-after-sales',
				authorId: javier,
				fields: spain,
				translationOf: null,
			},
			now - 20 * day,
		);
		insertMedia(
			db,
			{
				id: spainCover.id,
				submissionId: spainId,
				kind: 'image',
				state: 'ready',
				meta: spainCover.meta,
				originalName: 'cover.png',
			},
			now - 20 * day,
		);
		const steps: [from: string, to: string, actor: number, note: string, at: number][] = [
			['draft', 'submitted', javier, '', now - 15 * day],
			[
				'submitted',
				'changes_requested',
				elodie,
				'Could you add how long it takes from the workshop remark to the call?',
				now - 14 * day,
			],
			['changes_requested', 'submitted', javier, '', now - 12 * day],
			['submitted', 'approved', elodie, 'Clear and useful, thank you.', now - 11 * day],
			['approved', 'published', elodie, '', now - 11 * day],
		];
		recordCreated(db, spainId, javier, now - 20 * day);
		for (const [from, to, actor, note, at] of steps)
			moveState(
				db,
				{ id: spainId, from: [from as 'draft'], to: to as 'submitted', actorId: actor, note },
				at,
			);
		insertLiveVersion(db, { id: spainId, fields: spain }, elodie, now - 11 * day);
		// Published as the review flow would: in the practice register (badge, reads, answers owed).
		registerPractice(
			db,
			{
				slug: 'one-customer-file-sales-and-after-sales',
				country: 'ES',
				source: 'web',
				publishedAt: now - 11 * day,
				reviewBy: spain.reviewBy,
			},
			now,
		);
		prepare(
			db,
			`INSERT INTO submission_comment (submission_id, author_id, anchor, body, created_at, resolved_at) VALUES (?, ?, 'b-1-2', ?, ?, ?)`,
		).run(
			spainId,
			elodie,
			'How many days between the remark and the call, on average?',
			now - 14 * day,
			now - 12 * day,
		);

		const italyId = insertSubmission(
			db,
			{
				slug: `draft-${crypto.randomBytes(6).toString('hex')}`,
				authorId: marco,
				fields: italy,
				translationOf: null,
			},
			now - 2 * day,
		);
		insertMedia(
			db,
			{
				id: italyCover.id,
				submissionId: italyId,
				kind: 'image',
				state: 'ready',
				meta: italyCover.meta,
				originalName: 'cover.png',
			},
			now - 2 * day,
		);
		recordCreated(db, italyId, marco, now - 2 * day);
		moveState(db, { id: italyId, from: ['draft'], to: 'submitted', actorId: marco }, now - day);
	})();
	return 2;
}
