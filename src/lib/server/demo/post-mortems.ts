// Demo failure post-mortems, so the feature is not empty on a demo portal: eight published ones,
// with every disclosure level, results, timelines, factors, lessons, follow-up actions (some overdue)
// and comments. Authors, owners and commenters are demo accounts found by person id (through their
// email); any active member stands in when a person is missing (e.g. on the small fixture site).
import type { Database } from 'better-sqlite3';
import { prepare } from '../db';
import type { PersonRecord } from '../people';
import type { PmDisclosure } from '../../post-mortem-form';
import type { PmResultRow, PmTimelineRow } from '../../post-mortem-form';

interface DemoAction {
	text: string;
	owner: string;
	due: string;
	status: 'open' | 'done' | 'dropped';
}

interface DemoComment {
	by: string;
	disclosure: PmDisclosure;
	body: string;
	/** 'YYYY-MM-DD' */
	on: string;
}

interface DemoPostMortem {
	author: string;
	disclosure: PmDisclosure;
	title: string;
	tried: string;
	country: string;
	models: string[];
	channel: string;
	topics: string[];
	period: string;
	practice: string | null;
	results: PmResultRow[];
	timeline: PmTimelineRow[];
	signal: string;
	signalWhen: string;
	factors: string[];
	factorsNote: string;
	wentWell: string;
	wentWrong: string;
	lucky: string;
	failAgain: string;
	differently: string;
	publishedMonth: string;
	actions: DemoAction[];
	comments: DemoComment[];
}

export const DEMO_POST_MORTEMS: readonly DemoPostMortem[] = [
	{
		author: 'oliver-bennett',
		disclosure: 'anonymous',
		title: 'Showroom tablets that stayed in their boxes',
		tried:
			'We bought a tablet for every salesperson so that they could show the range during the conversation at the desk or next to the car. The idea came from the product geniuses: a screen in hand would make the salesperson the expert in the room.',
		country: 'GB',
		models: ['Kestrel', 'Volta'],
		channel: 'showroom',
		topics: ['digital-tools', 'showroom-experience'],
		period: 'September 2023 to March 2024',
		practice: 'product-geniuses-showroom-tablets',
		results: [
			{
				label: 'Tablet sessions per salesperson per week',
				unit: 'sessions',
				planned: '15',
				actual: '2',
			},
			{
				label: 'Customers shown a configuration on the tablet',
				unit: '%',
				planned: '60',
				actual: '9',
			},
		],
		timeline: [
			{
				when: 'September 2023',
				what: 'Tablets delivered with the public configurator and brochures loaded',
			},
			{
				when: 'October 2023',
				what: 'Usage report: most tablets had not been switched on for a week',
			},
			{
				when: 'January 2024',
				what: 'Content reworked: technical data, trim comparisons, personalisation options and stock',
			},
			{ when: 'March 2024', what: 'Usage back to ten sessions a week on the reworked content' },
		],
		signal:
			'The weekly usage report: most tablets were not switched on at all, and when asked, salespeople said customers had already seen the same pages on their phone at home.',
		signalWhen: 'Four weeks after the roll-out',
		factors: ['content', 'training'],
		factorsNote:
			'The device was never the problem. The tablets only carried what the public website already shows, so they added nothing to a conversation with a customer who had done their homework.',
		wentWell:
			'The hardware, the mobile device management and the charging stands worked from the first day.',
		wentWrong:
			'The launch plan assumed that a screen in the salesperson’s hand was enough. Nobody checked what a customer would see on it that they could not see at home.',
		lucky:
			'The tablets were leased, not bought, so pausing the programme for three months cost little.',
		failAgain:
			'Anywhere the content is copied from the public website instead of written for the showroom.',
		differently:
			'Start from the content: technical data that is hard to find online, side-by-side trim comparisons, the personalisation options and live stock. Pilot it in one showroom before buying devices for all.',
		publishedMonth: '2024-05',
		actions: [
			{
				text: 'Add live stock and delivery dates to the tablet content',
				owner: 'hannah-price',
				due: '2025-02-28',
				status: 'open',
			},
			{
				text: 'Write a one-page guide: three moments in a visit when the tablet helps',
				owner: 'oliver-bennett',
				due: '2024-07-31',
				status: 'done',
			},
		],
		comments: [
			{
				by: 'katrin-vogel',
				disclosure: 'named',
				body: 'Same story with our kiosk screens. Adding the options catalogue with real prices changed everything.',
				on: '2024-06-12',
			},
			{
				by: 'pieter-claes',
				disclosure: 'anonymous',
				body: 'Did you measure whether the reworked content changed conversion, or only usage?',
				on: '2024-07-03',
			},
		],
	},
	{
		author: 'agnieszka-nowak',
		disclosure: 'country',
		title: 'Two years to reassure dealers about open showroom Wi-Fi',
		tried:
			'We wanted free, open Wi-Fi in every showroom so that customers could look things up and share configurations while they waited. We presented it as a quick technical project.',
		country: 'PL',
		models: ['Kestrel', 'Pica'],
		channel: 'showroom',
		topics: ['showroom-experience', 'digital-tools'],
		period: '2021 to 2023',
		practice: 'open-showroom-wifi',
		results: [
			{
				label: 'Showrooms with open Wi-Fi after year one',
				unit: 'showrooms',
				planned: '30',
				actual: '4',
			},
			{
				label: 'Showrooms with open Wi-Fi after year two',
				unit: 'showrooms',
				planned: '30',
				actual: '27',
			},
		],
		timeline: [
			{ when: 'Spring 2021', what: 'Project announced to dealers in a network newsletter' },
			{
				when: 'Autumn 2021',
				what: 'Most dealers refused: fear that customers would compare prices with competitors',
			},
			{
				when: '2022',
				what: 'Pilot showrooms measured visit length and shared the numbers at dealer meetings',
			},
			{ when: 'Spring 2023', what: 'Installation in the remaining showrooms took one month' },
		],
		signal:
			'Only four dealers signed up in the first year, and every dealer meeting turned into a discussion about customers comparing prices.',
		signalWhen: 'Six months after the announcement',
		factors: ['dealer-buy-in', 'timing'],
		factorsNote:
			'The fears were about sales, not about technology, and the project spoke only about technology.',
		wentWell: 'Once the pilot numbers existed, the installation itself was fast and cheap.',
		wentWrong:
			'The plan treated a change in how dealers sell as an IT roll-out. The announcement answered questions nobody asked and skipped the one everyone had.',
		lucky:
			'Two pilot dealers were respected by their peers and volunteered to present their own numbers.',
		failAgain:
			'Wherever a network project touches how dealers earn money and is announced before it is discussed.',
		differently:
			'Start with two or three volunteer dealers, measure what worries the others, and let them present the results.',
		publishedMonth: '2024-09',
		actions: [
			{
				text: 'Add a "dealer worries" section to the template for network projects',
				owner: 'bartosz-zielinski',
				due: '2025-03-31',
				status: 'open',
			},
		],
		comments: [
			{
				by: 'javier-ortega',
				disclosure: 'country',
				body: 'We had the same fear about price comparison. In practice customers compared options, not prices.',
				on: '2024-10-02',
			},
		],
	},
	{
		author: 'tobias-brandt',
		disclosure: 'named',
		title: 'A launch evening that drew the wrong audience',
		tried:
			'For the launch of the new Falco we organised an evening event with a DJ and food trucks, open to everyone, to bring younger buyers into the showroom.',
		country: 'DE',
		models: ['Falco'],
		channel: 'event',
		topics: ['launch-events'],
		period: 'June 2024',
		practice: null,
		results: [
			{ label: 'Visitors', unit: 'people', planned: '300', actual: '420' },
			{ label: 'Test drives booked', unit: 'bookings', planned: '40', actual: '6' },
			{ label: 'Orders within 60 days', unit: 'orders', planned: '12', actual: '1' },
		],
		timeline: [
			{
				when: 'Six weeks before',
				what: 'Invitations posted on local event listings and social media',
			},
			{
				when: 'Launch evening',
				what: 'Full showroom, mostly neighbours and families coming for the music',
			},
			{ when: 'Two months later', what: 'One order traced back to the event' },
		],
		signal:
			'The sign-up sheet for test drives stayed almost empty during the evening, although the showroom was full.',
		signalWhen: 'During the event itself',
		factors: ['customer-fit', 'content'],
		factorsNote: 'The invitation promised a party, so the people who came wanted a party.',
		wentWell:
			'The evening was good for the dealership’s image locally, and the food trucks cost less than catering.',
		wentWrong:
			'The invitation was written for attendance, not for buyers. Nothing in it mentioned the car or a test drive.',
		lucky:
			'A local newspaper covered the evening, which brought a few serious visitors in the following weeks.',
		failAgain:
			'At any open event where success is counted in visitors rather than booked test drives.',
		differently:
			'Invite from our own lead list and recent configurator users, offer a test-drive slot with the invitation, and keep the party for after the drives.',
		publishedMonth: '2024-08',
		actions: [
			{
				text: 'Measure events by test drives booked, not by visitors, in the event report template',
				owner: 'tobias-brandt',
				due: '2024-10-31',
				status: 'done',
			},
			{
				text: 'Build an invitation list from configurator users for the next launch',
				owner: 'katrin-vogel',
				due: '2025-01-31',
				status: 'open',
			},
		],
		comments: [
			{
				by: 'oliver-bennett',
				disclosure: 'named',
				body: 'Thanks for publishing the numbers. We nearly did the same for the Volta launch.',
				on: '2024-08-20',
			},
			{
				by: 'giulia-conti',
				disclosure: 'anonymous',
				body: 'We split ours in two: invited buyers from 6 to 8 pm, open party afterwards. It worked.',
				on: '2024-09-05',
			},
		],
	},
	{
		author: 'ines-carvalho',
		disclosure: 'country',
		title: 'A social media campaign that brought likes but no leads',
		tried:
			'We replaced part of the regional advertising budget with a three-month social media campaign run centrally, with the same posts for every dealer.',
		country: 'PT',
		models: ['Pica'],
		channel: 'online',
		topics: ['social-media'],
		period: 'January to March 2025',
		practice: 'social-media-instead-of-ad-campaigns',
		results: [
			{ label: 'Leads from social media', unit: 'leads', planned: '250', actual: '31' },
			{ label: 'Reach', unit: 'thousand people', planned: '400', actual: '510' },
		],
		timeline: [
			{ when: 'January 2025', what: 'Campaign starts with twelve centrally produced posts' },
			{ when: 'February 2025', what: 'Reach above target, leads far below' },
			{ when: 'March 2025', what: 'Campaign ended; dealers had not answered most comments' },
		],
		signal: 'The reach was above target after two weeks while the lead form had almost no entries.',
		signalWhen: 'Two weeks into the campaign',
		factors: ['content', 'tools', 'dealer-buy-in'],
		factorsNote:
			'The posts were generic and nobody in the dealerships was in charge of answering questions in the comments.',
		wentWell: 'Production was cheap and the visuals were reused in the showrooms.',
		wentWrong:
			'The practice we copied works because each dealer posts about its own people and stock. Our version kept the budget saving and dropped exactly that part.',
		lucky:
			'We kept a small part of the print budget, so the spring open days were still announced.',
		failAgain:
			'Whenever posts come from the centre and no one locally answers the customers who react.',
		differently:
			'Train one person per dealership, give them local content to post, and route every question to a salesperson within a day.',
		publishedMonth: '2025-05',
		actions: [
			{
				text: 'Name one social media contact per dealership',
				owner: 'tiago-mendes',
				due: '2025-07-31',
				status: 'open',
			},
		],
		comments: [
			{
				by: 'lucia-herrera',
				disclosure: 'named',
				body: 'The answering part is the whole job. We give salespeople thirty minutes a day for it.',
				on: '2025-05-21',
			},
		],
	},
	{
		author: 'julien-lefort',
		disclosure: 'named',
		title: 'Boutique éphémère : trop de passage, pas assez d’acheteurs',
		tried:
			'Nous avons ouvert une boutique éphémère de six semaines dans un centre commercial, avec une Pica et une Volta exposées, pour toucher des clients qui ne viennent jamais en concession.',
		country: 'FR',
		models: ['Pica', 'Volta'],
		channel: 'field',
		topics: ['showroom-experience', 'launch-events'],
		period: 'Novembre et décembre 2024',
		practice: 'boutique-ephemere-echec-instructif',
		results: [
			{ label: 'Contacts qualifiés', unit: 'contacts', planned: '200', actual: '48' },
			{ label: 'Essais réalisés', unit: 'essais', planned: '60', actual: '11' },
			{ label: 'Coût par contact qualifié', unit: '€', planned: '90', actual: '410' },
		],
		timeline: [
			{ when: 'Début novembre', what: 'Ouverture de la boutique, forte affluence le week-end' },
			{
				when: 'Mi-novembre',
				what: 'Beaucoup de curieux, peu de demandes d’essai : les essais supposaient un rendez-vous en concession',
			},
			{
				when: 'Décembre',
				what: 'Fréquentation en hausse avec les fêtes, mais pour les cadeaux, pas pour une voiture',
			},
		],
		signal:
			'Le nombre d’essais pris en boutique est resté autour de deux par semaine malgré des milliers de passants.',
		signalWhen: 'Au bout de deux semaines',
		factors: ['customer-fit', 'timing', 'budget'],
		factorsNote:
			'La période des fêtes remplit les galeries de gens qui ne pensent pas à changer de voiture.',
		wentWell: 'L’équipe a appris à aborder des inconnus, et la boutique a fait connaître la Volta.',
		wentWrong:
			'Le plan supposait que le passage ferait les ventes. Il n’y avait aucun moyen d’essayer une voiture sur place, et la période choisie était la pire de l’année.',
		lucky: 'Le centre commercial nous a accordé une remise sur le loyer après la première semaine.',
		failAgain: 'Dans tout lieu de passage où l’on ne peut pas essayer la voiture le jour même.',
		differently:
			'Choisir une période calme, prévoir des essais au départ du parking du centre, et compter les essais plutôt que les visiteurs.',
		publishedMonth: '2025-02',
		actions: [
			{
				text: 'Négocier une place de parking pour des essais lors du prochain événement hors concession',
				owner: 'camille-roux',
				due: '2025-09-30',
				status: 'open',
			},
			{
				text: 'Partager le bilan chiffré avec les concessions de la région',
				owner: 'julien-lefort',
				due: '2025-03-15',
				status: 'done',
			},
		],
		comments: [
			{
				by: 'claire-morvan',
				disclosure: 'named',
				body: 'Merci pour les chiffres de coût par contact, c’est ce qui manque toujours dans ces bilans.',
				on: '2025-02-18',
			},
			{
				by: 'amelie-dubois',
				disclosure: 'country',
				body: 'Même constat en Belgique en décembre. En mars, c’était bien meilleur.',
				on: '2025-03-04',
			},
		],
	},
	{
		author: 'femke-de-vries',
		disclosure: 'anonymous',
		title: 'An owners’ club app that nobody opened',
		tried:
			'We built a dedicated mobile app for our owners’ club, with events, service reminders and a members’ forum, expecting owners to use it between rallies.',
		country: 'NL',
		models: ['Kestrel', 'Falco'],
		channel: 'online',
		topics: ['owner-community', 'digital-tools'],
		period: '2024',
		practice: 'online-owners-club-netherlands',
		results: [
			{ label: 'App installs among club members', unit: '%', planned: '50', actual: '14' },
			{ label: 'Monthly active users', unit: 'users', planned: '800', actual: '95' },
		],
		timeline: [
			{ when: 'February 2024', what: 'App launched at the winter rally' },
			{
				when: 'April 2024',
				what: 'Forum quiet; members kept talking in their existing chat groups',
			},
			{
				when: 'November 2024',
				what: 'App retired; events moved to the club website and a newsletter',
			},
		],
		signal:
			'After the first month, the forum had fewer posts than the club’s old chat group had in a day.',
		signalWhen: 'March 2024',
		factors: ['tools', 'customer-fit'],
		factorsNote:
			'Owners already had a place to talk. The app asked them to move, and gave them no reason to.',
		wentWell: 'The service reminders were appreciated by the few who used them.',
		wentWrong:
			'The project copied the club’s features but not where the club actually lived: in chat groups and at rallies.',
		lucky: 'The app was built by a small agency on a fixed price, so retiring it was cheap.',
		failAgain: 'Whenever a community already meets somewhere and we build a new place for it.',
		differently:
			'Go where the owners already talk, support the volunteers who run those groups, and use email for reminders.',
		publishedMonth: '2025-01',
		actions: [
			{
				text: 'Move service reminders to email and SMS',
				owner: 'pieter-claes',
				due: '2025-04-30',
				status: 'open',
			},
		],
		comments: [
			{
				by: 'tiago-mendes',
				disclosure: 'anonymous',
				body: 'We nearly commissioned the same app. This saved us a budget discussion.',
				on: '2025-01-28',
			},
		],
	},
	{
		author: 'javier-ortega',
		disclosure: 'country',
		title: 'A CRM follow-up script that annoyed customers',
		tried:
			'After every showroom visit, the CRM triggered three calls and four emails over two weeks, with a script that pushed for a test drive each time.',
		country: 'ES',
		models: ['Kestrel', 'Pica', 'Volta'],
		channel: 'phone',
		topics: ['crm-follow-up'],
		period: 'April to September 2025',
		practice: null,
		results: [
			{ label: 'Follow-up contacts reaching the customer', unit: '%', planned: '70', actual: '38' },
			{ label: 'Unsubscribe or do-not-call requests', unit: '%', planned: '2', actual: '11' },
		],
		timeline: [
			{ when: 'April 2025', what: 'New follow-up sequence switched on in the CRM' },
			{
				when: 'June 2025',
				what: 'Complaints in customer satisfaction comments about too many calls',
			},
			{
				when: 'September 2025',
				what: 'Sequence cut to one call and one email, at the customer’s chosen time',
			},
		],
		signal:
			'Do-not-call requests rose five-fold, and the satisfaction survey quoted “too many calls” repeatedly.',
		signalWhen: 'Two months after the switch',
		factors: ['tools', 'customer-fit', 'training'],
		factorsNote:
			'The sequence was set up for maximum contact, and the script did not let salespeople adapt to what the customer said.',
		wentWell: 'The CRM data made the problem visible quickly.',
		wentWrong:
			'The sequence was designed from the dealership’s point of view. Nobody asked customers how often they wanted to hear from us.',
		lucky:
			'The satisfaction survey ran in the same period, so we had the customers’ words and not only numbers.',
		failAgain: 'In any automated sequence where the number of contacts is a target in itself.',
		differently:
			'Ask at the end of the visit how and when the customer wants to be contacted, and record it in the CRM.',
		publishedMonth: '2025-11',
		actions: [
			{
				text: 'Add a "preferred contact" field to the visit form',
				owner: 'lucia-herrera',
				due: '2025-12-15',
				status: 'open',
			},
			{
				text: 'Review every automated sequence against customer complaints',
				owner: 'javier-ortega',
				due: '2026-03-31',
				status: 'open',
			},
		],
		comments: [
			{
				by: 'marco-ferretti',
				disclosure: 'country',
				body: 'We saw the same with emails. Fewer, better-timed messages doubled our replies.',
				on: '2025-11-20',
			},
		],
	},
	{
		author: 'nicolas-perrin',
		disclosure: 'anonymous',
		title: 'Une offre de financement trop complexe pour être expliquée',
		tried:
			'Nous avons lancé une offre de location longue durée pour la Volta, avec recharge incluse, assurance en option et trois formules de kilométrage, pour rendre l’électrique accessible.',
		country: 'FR',
		models: ['Volta'],
		channel: 'showroom',
		topics: ['financing'],
		period: 'Mars à octobre 2025',
		practice: 'volta-ev-financing',
		results: [
			{ label: 'Contrats signés', unit: 'contrats', planned: '150', actual: '37' },
			{
				label: 'Durée moyenne de présentation de l’offre',
				unit: 'minutes',
				planned: '10',
				actual: '35',
			},
		],
		timeline: [
			{ when: 'Mars 2025', what: 'Lancement de l’offre avec une grille de neuf combinaisons' },
			{
				when: 'Mai 2025',
				what: 'Les vendeurs proposent plutôt le crédit classique, plus simple à expliquer',
			},
			{ when: 'Septembre 2025', what: 'Offre simplifiée à une formule avec une option' },
		],
		signal:
			'Les vendeurs ne présentaient plus l’offre : ils passaient directement au crédit classique.',
		signalWhen: 'Deux mois après le lancement',
		factors: ['training', 'content', 'customer-fit'],
		factorsNote: 'Neuf combinaisons, c’était trop pour une conversation au bureau du vendeur.',
		wentWell: 'Les clients qui ont signé sont très satisfaits de la recharge incluse.',
		wentWrong:
			'L’offre a été conçue par les équipes financières sans essai en concession. La formation expliquait les règles, pas la façon de présenter l’offre à un client.',
		lucky: 'La version simplifiée a pu être lancée sans renégocier avec le partenaire financier.',
		failAgain: 'Pour toute offre qu’un vendeur ne sait pas résumer en une phrase.',
		differently:
			'Tester l’offre avec trois vendeurs et de vrais clients avant le lancement, et limiter le choix à une formule et une option.',
		publishedMonth: '2026-01',
		actions: [
			{
				text: 'Rédiger une fiche de présentation en une page pour l’offre simplifiée',
				owner: 'elodie-garnier',
				due: '2026-02-28',
				status: 'open',
			},
		],
		comments: [
			{
				by: 'agnieszka-nowak',
				disclosure: 'named',
				body: 'Chez nous, la recharge incluse a été l’argument décisif, mais en une seule formule.',
				on: '2026-01-14',
			},
			{
				by: 'bartosz-zielinski',
				disclosure: 'anonymous',
				body: 'Did the simplified offer bring sales back up? Curious about the autumn numbers.',
				on: '2026-02-02',
			},
		],
	},
];

/**
 * Creates the demo post-mortems, only when the post_mortem table is empty, in one transaction.
 * Returns how many it created (0 when there were already some or no active member exists).
 * @example seedDemoPostMortems(db, getPeopleRecords()) // 8
 */
export function seedDemoPostMortems(db: Database, people: readonly PersonRecord[]): number {
	const existing = (prepare(db, 'SELECT COUNT(*) AS n FROM post_mortem').get() as { n: number }).n;
	if (existing > 0) return 0;
	const active = prepare(db, 'SELECT id, email FROM user WHERE active = 1 ORDER BY id').all() as {
		id: number;
		email: string;
	}[];
	if (active.length === 0) return 0;
	const byEmail = new Map(active.map((u) => [u.email.toLowerCase(), u.id]));
	const emailOf = new Map(people.map((p) => [p.id, p.email.toLowerCase()]));
	// Only with the demo content: another site (a test fixture) keeps an empty post-mortem list.
	if (!DEMO_POST_MORTEMS.some((pm) => emailOf.has(pm.author))) return 0;
	// Stand-ins rotate through the active members, so a small site still gets varied authors.
	let next = 0;
	const userFor = (personId: string): number => {
		const email = emailOf.get(personId);
		const id = email ? byEmail.get(email) : undefined;
		if (id !== undefined) return id;
		return active[next++ % active.length]!.id;
	};
	const insert = prepare(
		db,
		`INSERT INTO post_mortem (author_id, disclosure, status, step, title, tried, country, models, channel, topics,
			period, practice, results, timeline, signal, signal_when, factors, factors_note, went_well, went_wrong, lucky,
			fail_again, differently, created_at, updated_at, published_month)
		VALUES (?, ?, 'published', 6, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
	);
	const insertAction = prepare(
		db,
		'INSERT INTO post_mortem_action (post_mortem_id, owner_id, text, due_date, status, position) VALUES (?, ?, ?, ?, ?, ?)',
	);
	const insertComment = prepare(
		db,
		'INSERT INTO post_mortem_comment (post_mortem_id, author_id, disclosure, body, created_at) VALUES (?, ?, ?, ?, ?)',
	);
	const seconds = (day: string) => Math.floor(Date.parse(`${day}T10:00:00Z`) / 1000);
	db.transaction(() => {
		for (const pm of DEMO_POST_MORTEMS) {
			// The stored times are the first of the publication month: nothing more precise to reveal.
			const at = seconds(`${pm.publishedMonth}-01`);
			const { id } = insert.get(
				userFor(pm.author),
				pm.disclosure,
				pm.title,
				pm.tried,
				pm.country,
				JSON.stringify(pm.models),
				pm.channel,
				JSON.stringify(pm.topics),
				pm.period,
				pm.practice,
				JSON.stringify(pm.results),
				JSON.stringify(pm.timeline),
				pm.signal,
				pm.signalWhen,
				JSON.stringify(pm.factors),
				pm.factorsNote,
				pm.wentWell,
				pm.wentWrong,
				pm.lucky,
				pm.failAgain,
				pm.differently,
				at,
				at,
				pm.publishedMonth,
			) as { id: number };
			pm.actions.forEach((a, i) =>
				insertAction.run(id, userFor(a.owner), a.text, a.due, a.status, i),
			);
			for (const c of pm.comments)
				insertComment.run(id, userFor(c.by), c.disclosure, c.body, seconds(c.on));
		}
	})();
	return DEMO_POST_MORTEMS.length;
}
