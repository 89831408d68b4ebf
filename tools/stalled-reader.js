// Room latency for 50 readers, with or without one member that stops reading (its socket is paused).
//   node tools/stalled-reader.js ws://127.0.0.1:8025/chat [stall]
// The server needs --rate 0 --max-refused 0 (the sender sends 400 messages a second).
'use strict';
const WebSocket = require(require('path').join(__dirname, '../../shared/perf/node_modules/ws'));
const url = process.argv[2] || 'ws://127.0.0.1:8025/chat';
const withStaller = process.argv[3] === 'stall';
const READERS = 50, RATE = 400, SECONDS = 15, PADDING = 'x'.repeat(900);
const open = (onEvent) => new Promise((resolve) => {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  ws.on('open', () => ws.send(JSON.stringify({ type: 'join', room: 'bench', ref: 'j' })));
  ws.on('message', (data) => {
    const event = JSON.parse(data);
    if (event.type === 'ok' && event.ref === 'j') resolve(ws); else if (onEvent) onEvent(event);
  });
});
(async () => {
  const latencies = [];
  if (withStaller) (await open(null))._socket.pause();
  for (let i = 0; i < READERS; i++) {
    await open((event) => { if (event.type === 'message') latencies.push(Date.now() - Number(event.text.split(' ')[0])); });
  }
  const sender = await open(null);
  let sent = 0;
  const timer = setInterval(() => {
    for (let k = 0; k < RATE / 100; k++, sent++) sender.send(JSON.stringify({ type: 'say', room: 'bench', text: Date.now() + ' ' + PADDING }));
    if (sent >= RATE * SECONDS) { clearInterval(timer); setTimeout(report, 2000); }
  }, 10);
  function report() {
    latencies.sort((a, b) => a - b);
    const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
    console.log(`${withStaller ? 'with staller' : 'without staller'}: deliveries ${latencies.length}/${sent * READERS},`
      + ` p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${latencies[latencies.length - 1]} ms`);
    process.exit(0);
  }
})();
