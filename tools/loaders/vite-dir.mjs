// Run by tools/loaders/record-dirs.py: prints what Vite's `loadEnv(MODE, DIR, '')` returns for the keys
// any of Vite's files in DIR defines (util.parseEnv's keys of .env, .env.local, .env.MODE,
// .env.MODE.local), or the error it throws. Usage: node vite-dir.mjs DIR MODE
import fs from 'node:fs'
import path from 'node:path'
import util from 'node:util'
import { loadEnv } from 'vite'

const [dir, mode] = process.argv.slice(2)
let out
try {
  const env = loadEnv(mode, dir, '')
  const keys = new Set()
  for (const f of ['.env', '.env.local', `.env.${mode}`, `.env.${mode}.local`]) {
    const p = path.join(dir, f)
    if (fs.existsSync(p)) for (const k of Object.keys(util.parseEnv(fs.readFileSync(p, 'utf8')))) keys.add(k)
  }
  const values = {}
  for (const k of [...keys].sort()) if (Object.prototype.hasOwnProperty.call(env, k)) values[k] = env[k]
  out = { values }
} catch (e) {
  out = { error: String(e && e.message ? e.message : e).slice(0, 200) }
}
process.stdout.write(JSON.stringify(out) + '\n')
