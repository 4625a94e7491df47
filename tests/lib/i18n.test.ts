import { describe, expect, it } from 'vitest';
import enSite from '../../src/i18n/en/site.json';
import frSite from '../../src/i18n/fr/site.json';
import {
	dictionaries,
	formatCountry,
	formatDate,
	getLangFromPath,
	localizePath,
	tPlural,
	useTranslations,
} from '../../src/lib/i18n';
import { CHANNELS, TOPICS } from '../../src/lib/taxonomy';

describe('i18n', () => {
	it('has every English key in French, non-empty, and no French-only key', () => {
		const en = Object.keys(dictionaries.en).sort();
		expect(Object.keys(dictionaries.fr).sort()).toEqual(en);
		for (const [key, value] of Object.entries(dictionaries.fr)) expect(value, key).not.toBe('');
		expect(Object.keys(frSite).sort()).toEqual(Object.keys(enSite).sort());
	});

	it('labels every topic and channel of the taxonomy in both languages', () => {
		for (const lang of ['en', 'fr'] as const) {
			const t = useTranslations(lang);
			for (const topic of TOPICS) expect(t(`topic.${topic}` as never)).not.toMatch(/^topic\./);
			for (const channel of CHANNELS)
				expect(t(`channel.${channel}` as never)).not.toMatch(/^channel\./);
		}
	});

	it('keeps the page when switching language', () => {
		expect(localizePath('/case-studies/kestrel/', 'fr')).toBe('/fr/case-studies/kestrel/');
		expect(localizePath('/fr/case-studies/kestrel/', 'en')).toBe('/case-studies/kestrel/');
		expect(localizePath('/fr/', 'en')).toBe('/');
		expect(localizePath('/', 'fr')).toBe('/fr/');
		expect(getLangFromPath('/fr/topics/')).toBe('fr');
		expect(getLangFromPath('/france/')).toBe('en');
	});

	it('fills placeholders and formats numbers and plurals per locale', () => {
		const en = useTranslations('en');
		const fr = useTranslations('fr');
		expect(tPlural(en, 'en', 'count.studies', 1)).toBe('1 case study');
		expect(tPlural(en, 'en', 'count.studies', 1200)).toBe('1,200 case studies');
		// French: 0 and 1 are singular; thousands use a narrow no-break space.
		expect(tPlural(fr, 'fr', 'count.studies', 0)).toBe('0 étude de cas');
		expect(tPlural(fr, 'fr', 'count.studies', 1200)).toBe('1\u202f200 études de cas');
	});

	it('names countries and dates in the UI language', () => {
		expect(formatCountry('IT', 'en')).toBe('Italy');
		expect(formatCountry('IT', 'fr')).toBe('Italie');
		expect(formatDate(new Date('2025-03-10'), 'en')).toBe('10 March 2025');
		expect(formatDate(new Date('2025-03-10'), 'fr')).toBe('10 mars 2025');
	});
});
