import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	DEFAULT_MAIL_FROM,
	listOutbox,
	readMailConfig,
	readOutboxMail,
	sendMail,
	type MailConfig,
} from '../../../src/lib/server/mail';

let dir: string;
let config: MailConfig;
beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-'));
	config = readMailConfig({ DATA_DIR: dir });
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('readMailConfig', () => {
	it('uses the outbox under DATA_DIR unless SMTP_URL is set', () => {
		expect(config).toEqual({
			smtpUrl: null,
			from: DEFAULT_MAIL_FROM,
			outboxDir: path.join(dir, 'outbox'),
		});
		expect(readMailConfig({ SMTP_URL: 'smtp://mx:25', MAIL_FROM: 'X <x@y.z>' })).toMatchObject({
			smtpUrl: 'smtp://mx:25',
			from: 'X <x@y.z>',
		});
	});
});

describe('outbox', () => {
	it('writes each mail as an .eml file and lists it newest first', async () => {
		const first = await sendMail(
			{ to: 'anna@example.com', subject: 'Your invitation', text: 'Hi' },
			config,
		);
		// The next millisecond, so the second file name sorts after the first.
		for (const start = Date.now(); Date.now() === start; );
		const second = await sendMail(
			{
				to: 'ben@example.com',
				subject: 'Nouveau message — réponse',
				text: 'Salut',
				html: '<p>Salut</p>',
			},
			config,
		);
		expect(first.file).toMatch(/^\d{13}-[0-9a-f]{8}\.eml$/);
		expect(fs.readdirSync(config.outboxDir).sort()).toEqual([first.file, second.file].sort());
		const list = await listOutbox(config.outboxDir);
		expect(list.map((m) => m.subject)).toEqual(['Nouveau message — réponse', 'Your invitation']);
		expect(list[0]).toMatchObject({ to: 'ben@example.com', file: second.file });
		expect(Math.abs((list[0]?.sentAt ?? 0) - Date.now() / 1000)).toBeLessThan(60);
		const raw = fs.readFileSync(path.join(config.outboxDir, first.file!), 'utf8');
		expect(raw).toContain('From: Coaching Dealer <no-reply@coaching-dealer.example>');
	});

	it('is empty when nothing was sent', async () => {
		expect(await listOutbox(config.outboxDir)).toEqual([]);
	});

	it('reads one mail, refusing path traversal and unknown names', async () => {
		const { file } = await sendMail(
			{ to: 'anna@example.com', subject: 'Reset', text: 'Link' },
			config,
		);
		const mail = await readOutboxMail(file!, config.outboxDir);
		expect(mail?.subject).toBe('Reset');
		expect(mail?.raw).toContain('Link');
		fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
		expect(await readOutboxMail('../secret.txt', config.outboxDir)).toBeNull();
		expect(await readOutboxMail('../../etc/passwd', config.outboxDir)).toBeNull();
		expect(await readOutboxMail('/etc/passwd', config.outboxDir)).toBeNull();
		expect(await readOutboxMail('1767225600000-00000000.eml', config.outboxDir)).toBeNull();
	});
});
