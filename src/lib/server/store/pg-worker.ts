// The code of the thread that owns the PostgreSQL connection. It is started from a string (eval) so
// that the built server needs no extra file next to its chunks; `pg` is loaded from the absolute path
// the main thread resolved. It answers one query at a time on `port`, then wakes the main thread
// through the shared flag; notifications (LISTEN) go to the parent as ordinary messages.
export const PG_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const pg = require(workerData.pgPath);
const flag = new Int32Array(workerData.signal);
const port = workerData.port;

// SQLite gives numbers and 0/1; so does this store. Unix seconds and ids fit in a double.
const types = {
	getTypeParser(oid, format) {
		if (oid === 20 || oid === 21 || oid === 23) return (v) => Number(v);
		if (oid === 700 || oid === 701 || oid === 1700) return (v) => Number(v);
		if (oid === 16) return (v) => (v === 't' ? 1 : 0);
		// json and jsonb stay text, as SQLite returns them.
		if (oid === 114 || oid === 3802) return (v) => v;
		return pg.types.getTypeParser(oid, format);
	},
};

let client = null;
let listener = null;
const channels = new Set();

async function connect() {
	// A database that does not answer must not hold the portal's thread for long: 5 s to connect,
	// the statement timeout on the server and, should the network drop the answer, on the client.
	const c = new pg.Client({
		connectionString: workerData.url,
		types,
		application_name: workerData.name,
		connectionTimeoutMillis: 5000,
		query_timeout: Number(workerData.statementTimeoutMs) + 2000,
		keepAlive: true,
	});
	c.on('error', () => { if (client === c) client = null; });
	await c.connect();
	await c.query("SET statement_timeout = " + Number(workerData.statementTimeoutMs));
	client = c;
	return c;
}

async function ensureListener() {
	if (listener) return listener;
	const c = new pg.Client({
		connectionString: workerData.url,
		types,
		application_name: workerData.name + ' (listen)',
		connectionTimeoutMillis: 5000,
		keepAlive: true,
	});
	c.on('notification', (m) => parentPort.postMessage({ type: 'notification', channel: m.channel, payload: m.payload ?? '' }));
	const lost = () => {
		if (listener !== c) return;
		listener = null;
		c.end().catch(() => {});
		relisten(1000);
	};
	// A connection ended by the server (restart, pg_terminate_backend) may only say 'end'.
	c.on('error', lost);
	c.on('end', lost);
	try {
		await c.connect();
		for (const channel of channels) await c.query('LISTEN ' + quoteIdent(channel));
	} catch (error) {
		c.end().catch(() => {});
		throw error;
	}
	listener = c;
	return c;
}

// Reconnect and listen again, until the server is back (it may be down for a while); whatever was
// missed meanwhile is caught up by the parent on 'relisten'.
function relisten(delayMs) {
	setTimeout(() => {
		ensureListener().then(
			() => parentPort.postMessage({ type: 'relisten' }),
			() => relisten(Math.min(delayMs * 2, 10000)),
		);
	}, delayMs);
}

function quoteIdent(name) {
	return '"' + String(name).replace(/"/g, '""') + '"';
}

function reply(message) {
	port.postMessage(message);
	Atomics.store(flag, 0, 1);
	Atomics.notify(flag, 0);
}

port.on('message', async (request) => {
	try {
		if (request.op === 'listen') {
			channels.add(request.channel);
			const c = await ensureListener();
			await c.query('LISTEN ' + quoteIdent(request.channel));
			reply({ id: request.id, rows: [], rowCount: 0 });
			return;
		}
		if (request.op === 'close') {
			const done = [];
			if (client) done.push(client.end().catch(() => {}));
			if (listener) done.push(listener.end().catch(() => {}));
			client = null;
			listener = null;
			await Promise.all(done);
			reply({ id: request.id, rows: [], rowCount: 0 });
			return;
		}
		const c = client ?? (await connect());
		// Run here, one after the other (pg 9 drops queueing queries on a busy client): no round
		// trip to the waiting thread for each.
		if (request.lang !== undefined && request.lang !== c.readerLang) {
			await c.query({ text: "SELECT set_config('portal.reader_lang', $1, false)", values: [request.lang] });
			c.readerLang = request.lang;
		}
		for (const text of request.prefix ?? []) await c.query(text);
		const result = await c.query({
			text: request.text,
			values: request.values,
			name: request.name || undefined,
			rowMode: request.array ? 'array' : undefined,
		});
		// A script (several statements) answers with one result per statement: keep the last.
		const last = Array.isArray(result) ? result[result.length - 1] : result;
		reply({ id: request.id, rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 });
	} catch (error) {
		const broken = !error || !error.code || /^(08|57P)/.test(error.code) || error.code === 'ECONNREFUSED';
		if (broken && client) {
			client.end().catch(() => {});
			client = null;
		}
		reply({
			id: request.id,
			error: {
				message: String(error && error.message ? error.message : error),
				code: error && error.code ? String(error.code) : null,
				detail: error && error.detail ? String(error.detail) : null,
			},
		});
	}
});
`;
