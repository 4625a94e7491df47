// The "Mail" section of the account page: digest day, mail language and the kinds of mail turned off.
import type { FieldErrors } from '../../forms';
import { isLang, useTranslations } from '../../i18n';
import type { Lang } from '../../taxonomy';
import type { CommandContext } from '../context';
import { getNowSeconds } from '../time';
import {
	getMailRecipient,
	isMailKind,
	MAIL_KINDS,
	saveMailSettings,
	type MailKind,
} from '../notifications/prefs';

export interface MailSettingsValues {
	digestDay: string;
	mailLang: string;
	/** Kinds the member still wants (the checked boxes). */
	wanted: string[];
}

/** The member's current settings as the form shows them. */
export function getMailSettingsValues(
	ctx: Pick<CommandContext, 'db'>,
	userId: number,
): MailSettingsValues {
	const r = getMailRecipient(ctx.db, userId);
	return {
		digestDay: String(r?.digestDay ?? 1),
		mailLang: r?.mailLang ?? '',
		wanted: MAIL_KINDS.filter((k) => !r?.optOut.includes(k)),
	};
}

/** The form as typed. */
export function readMailSettingsForm(form: FormData): MailSettingsValues {
	const text = (name: string) => {
		const v = form.get(name);
		return typeof v === 'string' ? v.trim() : '';
	};
	return {
		digestDay: text('digestDay'),
		mailLang: text('mailLang'),
		wanted: form.getAll('wanted').filter((v): v is string => typeof v === 'string'),
	};
}

/**
 * Saves the member's mail settings: the boxes they unchecked are the kinds turned off.
 * @example saveMailPreferences(ctx, { digestDay: '5', mailLang: 'fr', wanted: ['reminders'] })
 */
export function saveMailPreferences(
	ctx: CommandContext,
	values: MailSettingsValues,
	nowSeconds = getNowSeconds(),
):
	| { ok: true }
	| { ok: false; kind: 'forbidden' }
	| { ok: false; kind: 'invalid'; errors: FieldErrors } {
	if (!ctx.user) return { ok: false, kind: 'forbidden' };
	const t = useTranslations(ctx.lang);
	const errors: FieldErrors = {};
	const digestDay = /^[1-7]$/.test(values.digestDay) ? Number(values.digestDay) : null;
	if (digestDay === null) errors.digestDay = t('notifications.settings.invalidChoice');
	const mailLang: Lang | '' | null =
		values.mailLang === '' ? '' : isLang(values.mailLang) ? values.mailLang : null;
	if (mailLang === null) errors.mailLang = t('notifications.settings.invalidChoice');
	if (values.wanted.some((k) => !isMailKind(k)))
		errors.wanted = t('notifications.settings.invalidChoice');
	if (Object.keys(errors).length > 0) return { ok: false, kind: 'invalid', errors };
	const optOut: MailKind[] = MAIL_KINDS.filter((k) => !values.wanted.includes(k));
	saveMailSettings(
		ctx.db,
		ctx.user.id,
		{ digestDay: digestDay!, mailLang: mailLang!, optOut },
		nowSeconds,
	);
	return { ok: true };
}
