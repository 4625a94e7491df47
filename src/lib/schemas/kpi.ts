import { z } from 'astro/zod';

/**
 * One measured result: a KPI before and after the practice, over a period.
 * The change is always computed (src/lib/kpi.ts), never typed by hand.
 * @example { label: 'Test drives per month', unit: 'count', before: 120, after: 210, period: 'Q1–Q2 2024' }
 */
export const KpiSchema = z
	.object({
		/** What was measured, in the case study's language. Searchable. */
		label: z.string().trim().min(1, 'a KPI needs a label'),
		/** `%` for rates, `count` for plain numbers, `EUR` (any ISO 4217 code) for money, `days`, `pts` (points) or a short free unit. */
		unit: z.string().trim().min(1).max(12),
		/** Value before the practice. */
		before: z.number().finite(),
		/** Value after the practice. */
		after: z.number().finite(),
		/** Period the "after" value covers, free text (e.g. `6 months after launch`). */
		period: z
			.union([z.string(), z.number()])
			// YAML reads `period: 2024` as a number; a year is a fine period.
			.transform(String)
			.pipe(z.string().trim().min(1, 'say over which period the KPI was measured')),
		/** Set when a lower value is the good direction (e.g. days to follow up). Default: higher is better. */
		lowerIsBetter: z.boolean().default(false),
	})
	.strict();

export type KpiInput = z.input<typeof KpiSchema>;
export type Kpi = z.output<typeof KpiSchema>;
