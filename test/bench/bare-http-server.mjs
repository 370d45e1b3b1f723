// The ceiling for single-event POSTs on this machine: node:http alone, reading each body and answering a
// small JSON 200, with no framework, validation or database. Started by test/bench/run.ts as its own process,
// as the real server is. Usage: node test/bench/bare-http-server.mjs <port>
import { createServer } from 'node:http';

const answer = '{"accepted":1,"duplicates":0}';
createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(answer.length) });
    res.end(answer);
  });
}).listen(Number(process.argv[2]), '127.0.0.1', () => console.log('listening'));
