// One whole line on stdout, for the recorders' --jsonl mode: into a pipe, fs.writeSync may write
// less than asked (64 KiB at a time), and a cut line would be lost JSON for tools/loaders/fuzz.py
// (a 64 KB base64 value did it).
const fs = require('fs')

exports.writeLine = function writeLine(text) {
  const buf = Buffer.from(text)
  for (let off = 0; off < buf.length; ) {
    try {
      off += fs.writeSync(1, buf, off, buf.length - off)
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e
    }
  }
}
