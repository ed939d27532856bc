// Records what joho/godotenv (Debian's golang-github-joho-godotenv-dev, built with Debian's Go in
// GOPATH mode by scripts/record-loaders.sh) hands a program: `godotenv.Load(file)`, then the
// variables it set that were not set before (it never overrides one). Each file's variables are
// unset again before the next, so one process reads them all.
//
//	record-go --jsonl CASES_DIR SKIP   one JSON line per case on stdout (tools/loaders/fuzz.py)
//	record-go CASES_DIR OUT_DIR        OUT_DIR/godotenv.json for the hand-written corpus
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/joho/godotenv"
)

func readOne(file string) map[string]interface{} {
	before := map[string]bool{}
	for _, kv := range os.Environ() {
		before[strings.SplitN(kv, "=", 2)[0]] = true
	}
	err := godotenv.Load(file)
	values := map[string]string{}
	for _, kv := range os.Environ() {
		parts := strings.SplitN(kv, "=", 2)
		if !before[parts[0]] && len(parts) == 2 {
			values[parts[0]] = parts[1]
		}
	}
	for k := range values {
		os.Unsetenv(k)
	}
	if err != nil {
		msg := strings.ReplaceAll(err.Error(), filepath.Dir(file)+"/", "")
		return map[string]interface{}{"error": msg}
	}
	// Bytes that are not UTF-8 go out as hex under "raw", as the other recorders do.
	out := map[string]interface{}{}
	text := map[string]string{}
	raw := map[string]string{}
	for k, v := range values {
		if utf8.ValidString(v) {
			text[k] = v
		} else {
			raw[k] = fmt.Sprintf("%x", v)
		}
	}
	out["values"] = text
	if len(raw) > 0 {
		out["raw"] = raw
	}
	return out
}


func cases(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		panic(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".env") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "--jsonl" {
		dir := os.Args[2]
		skip, _ := strconv.Atoi(os.Args[3])
		enc := json.NewEncoder(os.Stdout)
		enc.SetEscapeHTML(false)
		names := cases(dir)
		for _, name := range names[skip:] {
			r := readOne(filepath.Join(dir, name))
			if err := enc.Encode(map[string]interface{}{"file": name, "results": map[string]interface{}{"godotenv": r}}); err != nil {
				panic(err)
			}
		}
		return
	}
	dir, outDir := os.Args[1], os.Args[2]
	results := map[string]interface{}{}
	for _, name := range cases(dir) {
		results[name] = readOne(filepath.Join(dir, name))
	}
	doc := map[string]interface{}{
		"loader":  "godotenv",
		"version": os.Getenv("AD_GODOTENV_VERSION"),
		"env":     map[string]string{"AD_FROM_ENV": os.Getenv("AD_FROM_ENV")},
		"cases":   results,
	}
	b, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		panic(err)
	}
	if err := os.WriteFile(filepath.Join(outDir, "godotenv.json"), append(b, '\n'), 0o644); err != nil {
		panic(err)
	}
}
