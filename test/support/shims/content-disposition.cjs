// Jest on Node 20 cannot require() an ES module (Node itself can). @fastify/static requires the
// ESM-only content-disposition@3, so under Jest it gets the CommonJS 1.x with the same `create`.
const contentDisposition = require('content-disposition-cjs');

module.exports = { create: contentDisposition, parse: contentDisposition.parse };
