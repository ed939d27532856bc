// Records what Vite's `loadEnv(mode, envDir, prefixes)` (npm vite, tools/loaders/package.json) returns
// for every case file, copied alone as `.env` into an empty directory: `loadEnv('production', dir, '')`
// (the prefix '' keeps every key, not only VITE_*). Vite reads the file with Node's own parser
// (util.parseEnv) and expands it with its bundled copy of dotenv-expand; process.env wins for a key
// it already has. Recorded per key the file defines (util.parseEnv's keys): the value loadEnv returns.
// loadEnv writes NODE_ENV, BROWSER and BROWSER_ARGS into process.env: it is restored after each case.
// Usage: node record-vite.mjs CASES_DIR OUT_DIR   (run with a clean environment, see record-loaders.sh)
//        node record-vite.mjs --jsonl CASES_DIR SKIP   one JSON line per case on stdout (tools/loaders/fuzz.py)
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import util from 'node:util'
import { createRequire } from 'node:module'
import { loadEnv } from 'vite'

import { writeLine } from './write-line.cjs'

const require = createRequire(import.meta.url)
const MODE = 'production'

function readVite (file) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ad-vite-'))
  const saved = { ...process.env }
  try {
    fs.copyFileSync(file, path.join(dir, '.env'))
    const text = fs.readFileSync(file, 'utf8')
    const env = loadEnv(MODE, dir, '')
    const values = {}
    for (const k of Object.keys(util.parseEnv(text))) {
      if (Object.prototype.hasOwnProperty.call(env, k)) values[k] = env[k]
    }
    return { vite: { values } }
  } catch (e) {
    return { vite: { error: String(e && e.message ? e.message : e).slice(0, 200) } }
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
    Object.assign(process.env, saved)
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[2] === '--jsonl') {
  const [casesDir, skip] = process.argv.slice(3)
  const cases = fs.readdirSync(casesDir).filter((f) => f.endsWith('.env')).sort()
  for (const c of cases.slice(Number(skip || 0))) {
    writeLine(JSON.stringify({ file: c, results: readVite(path.join(casesDir, c)) }) + '\n')
  }
} else {
  const [casesDir, outDir] = process.argv.slice(2)
  const cases = fs.readdirSync(casesDir).filter((f) => f.endsWith('.env')).sort()
  const env = { AD_FROM_ENV: process.env.AD_FROM_ENV }
  const results = {}
  for (const c of cases) results[c] = readVite(path.join(casesDir, c)).vite
  const version = require('vite/package.json').version
  const out = { loader: 'vite', version, env, cases: results }
  fs.writeFileSync(path.join(outDir, 'vite.json'), JSON.stringify(out, null, 1) + '\n')
}
