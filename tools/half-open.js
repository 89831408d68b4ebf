// How long the server takes to drop a peer that stops answering pings.
// A client with automatic pongs off joins "lobby"; a second client there reports when it sees it leave.
// Run against a server started with --grace 0 (else the leave shows only after the grace period):
//   node tools/half-open.js ws://127.0.0.1:8025/chat      (needs `npm ci` in ../shared/perf for `ws`)
'use strict';
const WebSocket = require(require('path').join(__dirname, '../../shared/perf/node_modules/ws'));
const url = process.argv[2] || 'ws://127.0.0.1:8025/chat';
const silent = new WebSocket(url, { autoPong: false });
const watcher = new WebSocket(url);
let start;
silent.on('open', () => silent.send(JSON.stringify({ type: 'join', room: 'lobby' })));
silent.on('message', (data) => { if (JSON.parse(data).type === 'joined') start = Date.now(); });
watcher.on('open', () => watcher.send(JSON.stringify({ type: 'join', room: 'lobby' })));
watcher.on('message', (data) => {
  const event = JSON.parse(data);
  if (event.type === 'presence' && event.event === 'leave') {
    console.log(`silent peer dropped ${(Date.now() - start) / 1000} s after it stopped answering`);
    process.exit(0);
  }
});
setTimeout(() => { console.log('not dropped within 60 s'); process.exit(1); }, 60000);
