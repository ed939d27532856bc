// Run by the real bun (tools/loaders/record-bun.py) in a directory holding one case as `.env`, which
// bun loads by itself before the script starts: prints process.env as the script sees it.
process.stdout.write(JSON.stringify(process.env) + '\n')
