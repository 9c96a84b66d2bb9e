'use strict';

// Hawk's reference implementation (@hapi/hawk, pinned in package.json), driven
// by the Python tests through stdin and stdout: one JSON request a line in,
// one JSON answer a line out, in order. Payloads travel as base64. An answer
// is {"ok": value} or {"error": message}, the message being Hawk's own.

const Readline = require('readline');

const Hawk = require('@hapi/hawk');


const payload = (b64) => (b64 === undefined || b64 === null ? b64 : Buffer.from(b64, 'base64'));

const request = (req) => ({
    method: req.method,
    url: req.url,
    headers: req.headers,
    connection: { encrypted: req.https === true }
});

const lookup = (credentials) => async (id) => (id === credentials.id ? credentials : null);

const ops = {
    mac: (a) => Hawk.crypto.calculateMac(a.type, a.credentials, a.options),
    payloadHash: (a) => Hawk.crypto.calculatePayloadHash(payload(a.payload), a.algorithm, a.contentType),
    tsMac: (a) => Hawk.crypto.calculateTsMac(a.ts, a.credentials),
    clientHeader: (a) => {
        const options = { ...a.options, payload: payload(a.options.payload) };
        return Hawk.client.header(a.uri, a.method, options);
    },
    serverAuthenticate: async (a) => {
        const options = { ...a.options, payload: payload(a.options.payload) };
        const { artifacts } = await Hawk.server.authenticate(request(a.req), lookup(a.credentials), options);
        return artifacts;
    },
    serverHeader: (a) => {
        const options = { ...a.options, payload: payload(a.options.payload) };
        return Hawk.server.header(a.credentials, a.artifacts, options);
    },
    clientAuthenticate: (a) => {
        const options = { ...a.options, payload: payload(a.options.payload) };
        Hawk.client.authenticate({ headers: a.headers }, a.credentials, a.artifacts, options);
        return true;
    },
    bewit: (a) => Hawk.client.getBewit(a.uri, a.options),
    serverAuthenticateBewit: async (a) => {
        const { attributes } = await Hawk.server.authenticateBewit(request(a.req), lookup(a.credentials), {});
        return attributes;
    }
};

const answer = async (line) => {
    const { op, args } = JSON.parse(line);
    try {
        return { ok: await ops[op](args) };
    }
    catch (err) {
        return { error: err.message };
    }
};

// Answers stay in order: each waits for the one before it.
let last = Promise.resolve();
Readline.createInterface({ input: process.stdin }).on('line', (line) => {
    last = last.then(async () => process.stdout.write(JSON.stringify(await answer(line)) + '\n'));
});
