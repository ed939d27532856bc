// Records what the real Node loaders read from every case file: dotenv 16.3.1 and 17.x
// (`dotenv.parse`, what `config()` puts in process.env when the keys are not already set),
// @next/env (`loadEnvConfig(dir, dev=true)` with the case as the project's only `.env`) and Node's
// own parser (`node-native`: `util.parseEnv`, the C++ Dotenv::ParseContent that `node --env-file`
// and `process.loadEnvFile()` use; Node >= 20.12, else the column is left out).
// Usage: node record-node.js CASES_DIR OUT_DIR   (run with a clean environment, see record-loaders.sh)
//        node record-node.js --jsonl CASES_DIR SKIP   one JSON line per case on stdout, from case
//        number SKIP on (tools/loaders/fuzz.py: a case that kills Node is skipped on restart)
'use strict'
const fs = require('fs')
const os = require('os')
const path = require('path')

const VERSIONS = [['node16', 'dotenv16'], ['node17', 'dotenv17']]

const util = require('util')

const { writeLine } = require('./write-line.cjs')
const NATIVE = typeof util.parseEnv === 'function'

function readDotenv (file) {
  const out = {}
  const text = fs.readFileSync(file, { encoding: 'utf8' })
  for (const [name, mod] of VERSIONS) out[name] = { values: require(mod).parse(text) }
  if (NATIVE) out['node-native'] = { values: { ...util.parseEnv(text) } }
  return out
}

function readOne (file) {
  return { ...readDotenv(file), ...readNext(file) }
}

function readNext (file) {
  const out = {}
  const { loadEnvConfig } = require('@next/env')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ad-next-'))
  try {
    fs.copyFileSync(file, path.join(dir, '.env'))
    const errors = []
    const log = { info () {}, warn () {}, error (...args) { errors.push(String(args[0])) } }
    const { combinedEnv, parsedEnv } = loadEnvConfig(dir, true, log, true)
    const values = {}
    for (const k of Object.keys(parsedEnv)) values[k] = combinedEnv[k]
    out.nextjs = errors.length ? { error: errors.join('; ') } : { values }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
  return out
}

if (process.argv[2] === '--jsonl') {
  const [casesDir, skip] = process.argv.slice(3)
  const cases = fs.readdirSync(casesDir).filter((f) => f.endsWith('.env')).sort()
  for (const c of cases.slice(Number(skip || 0))) {
    // dotenv's reading first, on a line of its own: Next.js's expansion may exhaust the heap.
    const file = path.join(casesDir, c)
    writeLine(JSON.stringify({ file: c, partial: true, results: readDotenv(file) }) + '\n')
    writeLine(JSON.stringify({ file: c, results: readNext(file) }) + '\n')
  }
} else {
  const [casesDir, outDir] = process.argv.slice(2)
  const cases = fs.readdirSync(casesDir).filter((f) => f.endsWith('.env')).sort()
  const env = { AD_FROM_ENV: process.env.AD_FROM_ENV }
  const results = { node16: {}, node17: {}, nextjs: {} }
  if (NATIVE) results['node-native'] = {}
  for (const c of cases) {
    const one = readOne(path.join(casesDir, c))
    for (const k of Object.keys(results)) results[k][c] = one[k]
  }
  const versions = {
    node16: require('dotenv16/package.json').version,
    node17: require('dotenv17/package.json').version,
    nextjs: require('@next/env/package.json').version,
    'node-native': process.version
  }
  for (const [name, r] of Object.entries(results)) {
    const out = { loader: name, version: versions[name], env, cases: r }
    fs.writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify(out, null, 1) + '\n')
  }
}
