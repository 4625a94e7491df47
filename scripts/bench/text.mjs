// Pseudo-natural sales-practice prose in English and French, built from word lists and sentence
// templates. Frequent words come up often (Zipf-like picks), and generated proper nouns (towns,
// dealer groups, people) give the long tail of rare words a real corpus has — that is what makes
// a Pagefind index big or small.

const syllables = [
	'ka',
	'lo',
	'mi',
	'ran',
	'te',
	'vel',
	'sor',
	'ni',
	'bar',
	'zu',
	'pe',
	'lin',
	'ma',
	'dor',
	'gi',
	'sta',
	'fe',
	'ro',
	'quin',
	'tal',
	'be',
	'nor',
	'vi',
	'cas',
	'du',
	'mer',
	'ol',
	'an',
	'sel',
	'tri',
];

/** A made-up proper noun of 2–4 syllables, capitalised. */
export function properNoun(rng) {
	let w = '';
	const n = rng.int(2, 4);
	for (let i = 0; i < n; i++) w += rng.pick(syllables);
	return w[0].toUpperCase() + w.slice(1);
}

const EN = {
	subjects: [
		'the dealer',
		'our sales team',
		'the showroom manager',
		'each salesperson',
		'the national sales company',
		'the regional manager',
		'the after-sales team',
		'the marketing team',
		'the call centre',
		'the dealer principal',
		'a small group of dealers',
		'the fleet desk',
		'the used-car manager',
		'the business development team',
		'the trainers',
		'the customer relations team',
		'the product genius',
		'the network development team',
		'the finance advisers',
		'the digital team',
	],
	verbs: [
		'tested',
		'launched',
		'introduced',
		'rolled out',
		'measured',
		'simplified',
		'redesigned',
		'piloted',
		'shared',
		'tracked',
		'reviewed',
		'planned',
		'organised',
		'adapted',
		'replaced',
		'automated',
		'prepared',
		'scheduled',
		'compared',
		'documented',
		'improved',
		'explained',
		'promoted',
		'answered',
		'booked',
		'followed up',
		'trained',
		'welcomed',
		'invited',
		'rewarded',
	],
	objects: [
		'a new test-drive process',
		'the showroom layout',
		'a weekly follow-up call',
		'the online configurator',
		'a loyalty programme for owners',
		'the lead management tool',
		'short product videos',
		'a trade-in valuation',
		'the handover ceremony',
		'a financing offer',
		'the service reminder',
		'the appointment booking page',
		'a community event',
		'the fleet quotation',
		'the used-car stock',
		'the price list',
		'a customer survey',
		'the training module',
		'a social media campaign',
		'the delivery checklist',
		'the CRM dashboard',
		'a referral bonus',
		'the demo fleet',
		'the launch evening',
		'the brochure',
		'the chat window',
		'the warranty extension',
		'a home delivery option',
		'the winter check',
		'the charging advice',
	],
	complements: [
		'in every showroom',
		'across the network',
		'for three months',
		'before the launch',
		'after the first visit',
		'with local partners',
		'on weekends',
		'during the spring campaign',
		'for new prospects',
		'for returning owners',
		'in two pilot dealerships',
		'without extra budget',
		'with a clear script',
		'within 48 hours',
		'at the end of each month',
		'in the regional newspapers',
		'on the dealer website',
		'with the help of the importer',
		'for business customers',
		'in rural areas',
		'in the city centre',
		'at the motor show',
		'for young drivers',
		'for electric models',
		'with a simple spreadsheet',
	],
	outcomes: [
		'conversion improved',
		'more prospects came back',
		'waiting times dropped',
		'customers said they felt welcome',
		'the number of test drives grew',
		'satisfaction scores went up',
		'salespeople saved time',
		'fewer leads were lost',
		'orders arrived earlier in the month',
		'repeat purchases increased',
		'the team understood the goal',
		'margins stayed stable',
		'the workshop was fuller',
		'reviews online became more positive',
		'complaints fell sharply',
	],
	connectors: [
		'However,',
		'At first,',
		'In the end,',
		'Surprisingly,',
		'As a result,',
		'Meanwhile,',
		'After a few weeks,',
		'To be honest,',
		'In practice,',
		'Above all,',
		'Looking back,',
		'On the other hand,',
	],
	adjectives: [
		'simple',
		'expensive',
		'useful',
		'slow',
		'clear',
		'difficult',
		'popular',
		'quick',
		'reliable',
		'confusing',
		'cheap',
		'effective',
		'fragile',
		'visible',
		'personal',
	],
	nouns: [
		'process',
		'budget',
		'script',
		'message',
		'tool',
		'schedule',
		'reward',
		'checklist',
		'campaign',
		'routine',
		'offer',
		'meeting',
		'invitation',
		'report',
		'target',
	],
	headings: [
		'What we did',
		'Why we tried it',
		'How it worked',
		'What it cost',
		'Results',
		'What went wrong',
		'What we would change',
		'Advice for other countries',
		'The team',
		'Timeline',
	],
	titleStart: ['How', 'Why', 'When'],
	titleVerbs: [
		'doubled',
		'raised',
		'cut',
		'rebuilt',
		'simplified',
		'reinvented',
		'tested',
		'measured',
	],
	titleNouns: [
		'test drives',
		'showroom visits',
		'follow-up calls',
		'owner loyalty',
		'used-car sales',
		'fleet quotes',
		'service bookings',
		'online leads',
		'launch traffic',
		'financing uptake',
	],
	templates: [
		(r, w) =>
			`${cap(r.pick(w.subjects))} ${r.pick(w.verbs)} ${r.pick(w.objects)} ${r.pick(w.complements)}.`,
		(r, w) => `${r.pick(w.connectors)} ${r.pick(w.outcomes)} ${r.pick(w.complements)}.`,
		(r, w) =>
			`${cap(r.pick(w.subjects))} found the ${r.pick(w.nouns)} ${r.pick(w.adjectives)}, so we ${r.pick(w.verbs)} ${r.pick(w.objects)}.`,
		(r, w) =>
			`In ${properNoun(r)}, ${r.pick(w.subjects)} ${r.pick(w.verbs)} ${r.pick(w.objects)} and ${r.pick(w.outcomes)}.`,
		(r, w) =>
			`${properNoun(r)} ${properNoun(r)}, who runs the ${properNoun(r)} dealership, ${r.pick(w.verbs)} ${r.pick(w.objects)} ${r.pick(w.complements)}.`,
		(r, w) =>
			`We spent ${r.int(2, 90) * 100} euros on ${r.pick(w.objects)}, which was ${r.pick(w.adjectives)} but ${r.pick(w.adjectives)}.`,
		(r, w) =>
			`About ${r.int(5, 95)} percent of customers ${r.pick(['asked for', 'liked', 'ignored', 'noticed', 'used', 'recommended'])} ${r.pick(w.objects)} ${r.pick(w.complements)}.`,
		(r, w) =>
			`The ${r.pick(w.adjectives)} ${r.pick(w.nouns)} mattered more than ${r.pick(w.objects)}, and ${r.pick(w.outcomes)}.`,
		(r, w) =>
			`${r.pick(w.connectors)} ${r.pick(w.subjects)} had to ${r.pick(['repeat', 'explain', 'adjust', 'defend', 'shorten', 'translate'])} the ${r.pick(w.nouns)} ${r.pick(w.complements)}.`,
	],
};

const FR = {
	subjects: [
		'le concessionnaire',
		"l'équipe commerciale",
		'le chef des ventes',
		'chaque vendeur',
		'la filiale',
		'le responsable régional',
		"l'équipe après-vente",
		"l'équipe marketing",
		'le centre d’appels',
		'le directeur de site',
		'un petit groupe de distributeurs',
		'le service flottes',
		'le responsable VO',
		'les formateurs',
		'le service client',
		'le conseiller financement',
		"l'équipe digitale",
		'le réseau',
	],
	verbs: [
		'a testé',
		'a lancé',
		'a introduit',
		'a déployé',
		'a mesuré',
		'a simplifié',
		'a repensé',
		'a piloté',
		'a partagé',
		'a suivi',
		'a organisé',
		'a adapté',
		'a remplacé',
		'a automatisé',
		'a préparé',
		'a comparé',
		'a documenté',
		'a amélioré',
		'a expliqué',
		'a présenté',
		'a invité',
		'a récompensé',
		'a formé',
	],
	objects: [
		'un nouveau parcours d’essai',
		"l'aménagement du showroom",
		'un appel de relance hebdomadaire',
		'le configurateur en ligne',
		'un programme de fidélité',
		"l'outil de gestion des contacts",
		'de courtes vidéos produit',
		'une reprise estimée sur place',
		'la cérémonie de livraison',
		'une offre de financement',
		'le rappel d’entretien',
		'la prise de rendez-vous en ligne',
		'une soirée clients',
		'le devis flotte',
		'le stock de véhicules d’occasion',
		'une enquête de satisfaction',
		'le module de formation',
		'une campagne sur les réseaux sociaux',
		'la liste de contrôle de livraison',
		'le tableau de bord CRM',
		'une prime de parrainage',
		'la flotte de démonstration',
		'la brochure',
		'la fenêtre de discussion',
		"l'extension de garantie",
		'la livraison à domicile',
		'le conseil recharge',
	],
	complements: [
		'dans chaque showroom',
		'dans tout le réseau',
		'pendant trois mois',
		'avant le lancement',
		'après la première visite',
		'avec des partenaires locaux',
		'le week-end',
		'pendant la campagne de printemps',
		'pour les nouveaux prospects',
		'pour les clients fidèles',
		'dans deux sites pilotes',
		'sans budget supplémentaire',
		'avec un script clair',
		'sous 48 heures',
		'à la fin de chaque mois',
		'dans la presse régionale',
		'sur le site du distributeur',
		'pour les clients professionnels',
		'en zone rurale',
		'en centre-ville',
		'au salon automobile',
		'pour les jeunes conducteurs',
		'pour les modèles électriques',
	],
	outcomes: [
		'la transformation a progressé',
		'davantage de prospects sont revenus',
		"les délais d'attente ont baissé",
		'les clients se sont sentis bien accueillis',
		'le nombre d’essais a augmenté',
		'la satisfaction a progressé',
		'les vendeurs ont gagné du temps',
		'moins de contacts ont été perdus',
		'les commandes sont arrivées plus tôt',
		'les rachats ont augmenté',
		"l'équipe a compris l'objectif",
		"l'atelier était plus rempli",
		'les avis en ligne se sont améliorés',
		'les réclamations ont nettement baissé',
	],
	connectors: [
		'Pourtant,',
		'Au début,',
		'Finalement,',
		'À notre surprise,',
		'Par conséquent,',
		'Entre-temps,',
		'Après quelques semaines,',
		'Honnêtement,',
		'En pratique,',
		'Surtout,',
		'Avec le recul,',
		'En revanche,',
	],
	adjectives: [
		'simple',
		'coûteux',
		'utile',
		'lent',
		'clair',
		'difficile',
		'populaire',
		'rapide',
		'fiable',
		'confus',
		'efficace',
		'fragile',
		'visible',
		'personnel',
	],
	nouns: [
		'processus',
		'budget',
		'script',
		'message',
		'outil',
		'planning',
		'cadeau',
		'argumentaire',
		'rendez-vous',
		'rapport',
		'objectif',
		'rituel',
	],
	headings: [
		'Ce que nous avons fait',
		'Pourquoi',
		'Comment ça a marché',
		'Ce que cela a coûté',
		'Résultats',
		"Ce qui n'a pas marché",
		'Ce que nous changerions',
		'Conseils aux autres pays',
		"L'équipe",
		'Calendrier',
	],
	titleStart: ['Comment', 'Pourquoi'],
	titleVerbs: ['a doublé', 'a relancé', 'a réduit', 'a repensé', 'a simplifié', 'a mesuré'],
	titleNouns: [
		'les essais',
		'les visites en showroom',
		'les relances',
		'la fidélité des clients',
		'les ventes VO',
		'les devis flotte',
		'les rendez-vous atelier',
		'les contacts en ligne',
		'le financement',
	],
	templates: [
		(r, w) =>
			`${cap(r.pick(w.subjects))} ${r.pick(w.verbs)} ${r.pick(w.objects)} ${r.pick(w.complements)}.`,
		(r, w) => `${r.pick(w.connectors)} ${r.pick(w.outcomes)} ${r.pick(w.complements)}.`,
		(r, w) =>
			`${cap(r.pick(w.subjects))} trouvait le ${r.pick(w.nouns)} ${r.pick(w.adjectives)}, alors nous avons revu ${r.pick(w.objects)}.`,
		(r, w) =>
			`À ${properNoun(r)}, ${r.pick(w.subjects)} ${r.pick(w.verbs)} ${r.pick(w.objects)} et ${r.pick(w.outcomes)}.`,
		(r, w) =>
			`${properNoun(r)} ${properNoun(r)}, qui dirige la concession ${properNoun(r)}, ${r.pick(w.verbs)} ${r.pick(w.objects)} ${r.pick(w.complements)}.`,
		(r, w) =>
			`Nous avons dépensé ${r.int(2, 90) * 100} euros pour ${r.pick(w.objects)}, ce qui était ${r.pick(w.adjectives)} mais ${r.pick(w.adjectives)}.`,
		(r, w) =>
			`Environ ${r.int(5, 95)} % des clients ont ${r.pick(['demandé', 'apprécié', 'ignoré', 'remarqué', 'utilisé', 'recommandé'])} ${r.pick(w.objects)} ${r.pick(w.complements)}.`,
		(r, w) =>
			`${r.pick(w.connectors)} ${r.pick(w.subjects)} a dû ${r.pick(['répéter', 'expliquer', 'ajuster', 'défendre', 'raccourcir', 'traduire'])} le ${r.pick(w.nouns)} ${r.pick(w.complements)}.`,
	],
};

function cap(s) {
	return s[0].toUpperCase() + s.slice(1);
}

export const LANG_WORDS = { en: EN, fr: FR };

/** One sentence in `lang`. */
export function sentence(rng, lang) {
	const w = LANG_WORDS[lang];
	return rng.pick(w.templates)(rng, w);
}

const countWords = (s) => s.split(/\s+/).filter(Boolean).length;

/**
 * A markdown body of about `target` words: 5–7 `##` sections of 1–3 paragraphs.
 * Plain markdown only (no JSX, no braces or angle brackets), so MDX reads it as text.
 */
export function body(rng, lang, target) {
	const w = LANG_WORDS[lang];
	const headings = rng.sample(w.headings, rng.int(5, 7));
	const perSection = target / headings.length;
	const parts = [];
	let words = 0;
	for (const [i, heading] of headings.entries()) {
		parts.push(`## ${heading}`);
		const goal = perSection * (i + 1);
		while (words < goal) {
			const para = [];
			const n = rng.int(3, 7);
			for (let k = 0; k < n && words < goal; k++) {
				const s = sentence(rng, lang);
				para.push(s);
				words += countWords(s);
			}
			parts.push(para.join(' '));
			if (rng.chance(0.12)) {
				const items = [];
				for (let k = rng.int(3, 5); k > 0; k--) {
					const s = sentence(rng, lang);
					items.push(`- ${s}`);
					words += countWords(s);
				}
				parts.push(items.join('\n'));
			}
		}
	}
	return { text: parts.join('\n\n') + '\n', words };
}

/** A headline under 120 characters. */
export function title(rng, lang, country, place) {
	const w = LANG_WORDS[lang];
	const noun = rng.pick(w.titleNouns);
	const t =
		lang === 'en'
			? `${rng.pick(w.titleStart)} ${place} ${rng.pick(w.titleVerbs)} ${noun} with ${rng.pick(w.objects)}`
			: `${rng.pick(w.titleStart)} ${place} ${rng.pick(w.titleVerbs)} ${noun} grâce à ${rng.pick(w.objects)}`;
	return t.slice(0, 118);
}
