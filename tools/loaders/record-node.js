// Records what the real Node loaders read from every case file: dotenv 16.3.1 and 17.x
// (`dotenv.parse`, what `config()` puts in process.env when the keys are not already set)
// and @next/env (`loadEnvConfig(dir, dev=true)` with the case as the project's only `.env`).
// Usage: node record-node.js CASES_DIR OUT_DIR   (run with a clean environment, see record-loaders.sh)
'use strict'
const fs = require('fs')
const os = require('os')
const path = require('path')

const [casesDir, outDir] = process.argv.slice(2)
const cases = fs.readdirSync(casesDir).filter((f) => f.endsWith('.env')).sort()
const env = { AD_FROM_ENV: process.env.AD_FROM_ENV }

function write (name, version, results) {
  const out = { loader: name, version, env, cases: results }
  fs.writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify(out, null, 1) + '\n')
}

for (const [name, mod] of [['node16', 'dotenv16'], ['node17', 'dotenv17']]) {
  const dotenv = require(mod)
  const version = require(`${mod}/package.json`).version
  const results = {}
  for (const c of cases) {
    const text = fs.readFileSync(path.join(casesDir, c), { encoding: 'utf8' })
    results[c] = { values: dotenv.parse(text) }
  }
  write(name, version, results)
}

{
  const { loadEnvConfig } = require('@next/env')
  const version = require('@next/env/package.json').version
  const results = {}
  for (const c of cases) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ad-next-'))
    fs.copyFileSync(path.join(casesDir, c), path.join(dir, '.env'))
    const errors = []
    const log = { info () {}, warn () {}, error (...args) { errors.push(String(args[0])) } }
    const { combinedEnv, parsedEnv } = loadEnvConfig(dir, true, log, true)
    const values = {}
    for (const k of Object.keys(parsedEnv)) values[k] = combinedEnv[k]
    results[c] = errors.length ? { error: errors.join('; ') } : { values }
    fs.rmSync(dir, { recursive: true, force: true })
  }
  write('nextjs', version, results)
}
