// import() for code started from a V8 startup snapshot: a function compiled into
// the snapshot has no dynamic-import callback, but this file, required after the
// snapshot is deserialized, is compiled by Node's normal loader and has one. So
// handlers load exactly as with `node file.mjs` (ES modules, top-level await).
'use strict';
module.exports = (url) => import(url);
